import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MALLOC_TUNABLES, mallocTrimSetting } from '@llmtrace/core/runtime';
import { startBareProxy, type CliProcess } from '../support/cli-process.js';
import { eventually } from '../support/harness.js';

let dir: string;
const children: CliProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmtrace-malloc-'));
});
afterEach(() => {
  for (const proxy of children.splice(0)) proxy.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `llmtrace proxy` with `env` and waits until it serves; `output()` is what it printed. */
async function startProxy(env: NodeJS.ProcessEnv): Promise<CliProcess> {
  const proxy = startBareProxy(mkdtempSync(join(dir, 'proxy-')), { env });
  children.push(proxy);
  await eventually(() => (proxy.output().includes('"url":"http') ? true : undefined), 15_000);
  return proxy;
}

describe('llmtrace proxy and glibc’s malloc', () => {
  it('says how to start it with the trim threshold fixed, once, and only when it was not', async () => {
    const path = { PATH: process.env['PATH'] ?? '' };
    const [without, launched] = await Promise.all([
      startProxy(path),
      startProxy({ ...path, GLIBC_TUNABLES: MALLOC_TUNABLES }),
    ]);
    const hint = `start the proxy with GLIBC_TUNABLES=${MALLOC_TUNABLES}`;
    // On another C library (musl, macOS) the setting means nothing, and neither says a word.
    const glibc = mallocTrimSetting({}) !== 'not-glibc';
    expect(without.output().split(hint).length - 1).toBe(glibc ? 1 : 0);
    expect(launched.output()).not.toContain('GLIBC_TUNABLES');
  }, 30_000);
});
