import { describe, expect, it } from 'vitest';
import { NdjsonParser } from './ndjson-parser.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function parseAll(pieces: readonly Uint8Array[]): string[] {
  const parser = new NdjsonParser();
  const lines = pieces.flatMap((p) => parser.push(p).map((e) => e.data));
  return [...lines, ...parser.end().map((e) => e.data)];
}

describe('NdjsonParser', () => {
  it('returns one data-only event per line', () => {
    const parser = new NdjsonParser();
    expect(parser.push(enc('{"a":1}\n{"b":2}\n'))).toEqual([
      { event: 'message', data: '{"a":1}', id: undefined },
      { event: 'message', data: '{"b":2}', id: undefined },
    ]);
    expect(parser.end()).toEqual([]);
  });

  it('joins lines split across chunks and flushes a last line without newline', () => {
    const parser = new NdjsonParser();
    expect(parser.push(enc('{"a":'))).toEqual([]);
    expect(parser.push(enc('1}\n{"b"')).map((e) => e.data)).toEqual(['{"a":1}']);
    expect(parser.push(enc(':2}')).map((e) => e.data)).toEqual([]);
    expect(parser.end().map((e) => e.data)).toEqual(['{"b":2}']);
  });

  it('handles CRLF line ends and skips blank lines', () => {
    expect(parseAll([enc('{"a":1}\r\n\r\n\n  \n{"b":2}\r'), enc('\n')])).toEqual([
      '{"a":1}',
      '{"b":2}',
    ]);
  });

  it('decodes multi-byte UTF-8 characters split across chunks', () => {
    const bytes = enc('{"t":"héllo 👋"}\n');
    const pieces = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(parseAll(pieces)).toEqual(['{"t":"héllo 👋"}']);
  });

  it('returns nothing for an empty stream', () => {
    expect(parseAll([])).toEqual([]);
  });
});

describe('NdjsonParser on hostile streams (issue 14, item 5)', () => {
  it('scans a line longer than the limit once and drops only that line', () => {
    const parser = new NdjsonParser({ maxLineChars: 1024 });
    const text = `{"a":1}\n${'z'.repeat(10_000)}\n{"b":2}\n`;
    const bytes = new TextEncoder().encode(text);
    const events = [];
    for (let i = 0; i < bytes.length; i += 7) events.push(...parser.push(bytes.subarray(i, i + 7)));
    events.push(...parser.end());
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"b":2}']);
    expect(parser.stats).toEqual({ scannedChars: text.length, oversized: 1 });
  });

  it('keeps a line of exactly the limit and drops one char more, whole or split across chunks', () => {
    const kept = 'k'.repeat(16);
    const dropped = 'd'.repeat(17);
    const text = `${kept}\n${dropped}\nok\n`;
    const bytes = new TextEncoder().encode(text);
    // One push: every line is whole in it. Two-byte pushes: every line is joined from pieces.
    for (const step of [bytes.length, 2]) {
      const parser = new NdjsonParser({ maxLineChars: 16 });
      const events = [];
      for (let i = 0; i < bytes.length; i += step)
        events.push(...parser.push(bytes.subarray(i, i + step)));
      events.push(...parser.end());
      expect(events.map((e) => e.data)).toEqual([kept, 'ok']);
      expect(parser.stats.oversized).toBe(1);
    }
  });

  it('scans 20 MB without a newline once', () => {
    const parser = new NdjsonParser();
    const text = 'q'.repeat(20 * 1024 * 1024);
    expect(parser.push(new TextEncoder().encode(text))).toEqual([]);
    expect(parser.end()).toEqual([]);
    expect(parser.stats).toEqual({ scannedChars: text.length, oversized: 1 });
  });
});
