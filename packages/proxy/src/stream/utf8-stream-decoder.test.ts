import { describe, expect, it } from 'vitest';
import { Utf8StreamDecoder } from './utf8-stream-decoder.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('Utf8StreamDecoder', () => {
  it('joins a character split between chunks', () => {
    const all = bytes('héllo 世界 🙂');
    for (let cut = 0; cut <= all.length; cut++) {
      const utf8 = new Utf8StreamDecoder();
      const text = utf8.write(all.subarray(0, cut)) + utf8.write(all.subarray(cut)) + utf8.end();
      expect(text).toBe('héllo 世界 🙂');
    }
  });

  it('drops a leading byte-order mark, even when it arrives byte by byte', () => {
    const all = bytes('\uFEFFdata: x\n\n');
    const utf8 = new Utf8StreamDecoder();
    let text = '';
    for (const b of all) text += utf8.write(Uint8Array.of(b));
    expect(text + utf8.end()).toBe('data: x\n\n');
  });

  it('keeps a byte-order mark that is not first', () => {
    const utf8 = new Utf8StreamDecoder();
    expect(utf8.write(bytes('a\uFEFF')) + utf8.end()).toBe('a\uFEFF');
  });

  it('turns invalid and truncated bytes into U+FFFD', () => {
    const utf8 = new Utf8StreamDecoder();
    const text = utf8.write(Uint8Array.of(0x61, 0xff, 0x62, 0xe4, 0xb8)) + utf8.end();
    expect(text).toBe('a\uFFFDb\uFFFD');
  });
});
