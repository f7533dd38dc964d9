import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from './decode-body.js';

describe('decodeBody (issue 14, item 2: a gzip bomb killed the process)', () => {
  it('stops a gzip bomb at the limit and says why', () => {
    // 64 MiB of zeros compress to ~64 KB; eight gzip members are one valid 512 MiB body.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 8 }, () => member));
    const decoded = decodeBody([bomb], 'gzip', { maxBytes: 1024 * 1024 });
    expect(decoded).toEqual({
      ok: false,
      reason: expect.stringContaining('larger than 1048576 bytes') as string,
    });
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decodes %s within the limit', (coding, compress) => {
    const text = Buffer.from('{"ok":true}');
    expect(decodeBody([compress(text)], coding)).toEqual({ ok: true, body: text });
  });

  it('undoes several codings in reverse order', () => {
    const text = Buffer.from('hello');
    const twice = brotliCompressSync(gzipSync(text));
    expect(decodeBody([twice], 'gzip, br')).toEqual({ ok: true, body: text });
  });

  it('reports an unknown coding and a corrupt body instead of throwing', () => {
    expect(decodeBody([Buffer.from('x')], 'zstd')).toEqual({
      ok: false,
      reason: 'unsupported content-encoding zstd',
    });
    expect(decodeBody([Buffer.from('not gzip')], 'gzip').ok).toBe(false);
  });

  it('decodes the start of a body whose capture was cut', () => {
    const whole = gzipSync(Buffer.from('a'.repeat(100_000) + 'b'.repeat(100_000)));
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    const decoded = decodeBody([cut], 'gzip', { truncated: true });
    expect(decoded.ok).toBe(true);
  });
});
