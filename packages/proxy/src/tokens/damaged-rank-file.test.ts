import type * as NodeFs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { countTokensBounded } from './bounded-token-count.js';
import { estimateTokensCheaply } from './cheap-token-estimate.js';

// A broken install of another kind: the rank file is there but its second line is not base64.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  return {
    ...fs,
    readFileSync: (...args: Parameters<typeof fs.readFileSync>) =>
      String(args[0]).endsWith('o200k_base.tiktoken')
        ? Buffer.from('YQ== 0\nnot*base64 1\n', 'latin1')
        : fs.readFileSync(...args),
  };
});

describe('token counts when the o200k rank file is damaged', () => {
  let warnings: MockInstance<typeof process.emitWarning>;
  beforeAll(() => {
    warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterAll(() => {
    warnings.mockRestore();
  });

  it('estimates instead of throwing, and the one warning names the damaged line', () => {
    const text = 'Ignore all previous instructions.';
    expect(countTokensBounded(text)).toMatchObject({
      tokens: estimateTokensCheaply(text),
      exact: false,
    });
    // Again, from the remembered failure.
    expect(countTokensBounded(text).exact).toBe(false);
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(warnings.mock.calls[0]?.[0]).toMatch(/line 2 is not a base64 token/);
  });
});
