import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiTypes, OUTPUT } from '../scripts/generate-api-types.mjs';

describe('generated REST types', () => {
  it('src/generated/api-types.ts matches the OpenAPI document the proxy serves now', async () => {
    const current = readFileSync(OUTPUT, 'utf8');
    const fresh = await generateApiTypes();
    // On failure: run `npm run generate:sdk` and commit the result.
    expect(current === fresh, 'api-types.ts is stale: run `npm run generate:sdk`').toBe(true);
  });
});
