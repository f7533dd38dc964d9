import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse-parser.js';

const enc = new TextEncoder();

function parseChunks(chunks: readonly string[]): SseEvent[] {
  const parser = new SseParser();
  const events = chunks.flatMap((c) => parser.push(enc.encode(c)));
  return [...events, ...parser.end()];
}

describe('SseParser', () => {
  it('parses events terminated by blank lines', () => {
    expect(parseChunks(['data: a\n\ndata: b\n\n'])).toEqual([
      { event: 'message', data: 'a', id: undefined },
      { event: 'message', data: 'b', id: undefined },
    ]);
  });

  it('reassembles events split across chunks at every byte', () => {
    const text = 'event: delta\ndata: {"x":1}\nid: 7\n\ndata: two\n\n';
    const whole = parseChunks([text]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parseChunks([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(whole[0]).toEqual({ event: 'delta', data: '{"x":1}', id: '7' });
  });

  it('joins multi-line data with newlines', () => {
    expect(parseChunks(['data: line1\ndata: line2\ndata\n\n'])[0]?.data).toBe('line1\nline2\n');
  });

  it('ignores comments and keeps-alives', () => {
    expect(parseChunks([': ping\n\n: OPENROUTER PROCESSING\ndata: x\n\n'])).toEqual([
      { event: 'message', data: 'x', id: undefined },
    ]);
  });

  it('handles CRLF and lone CR line endings, including a CRLF split between chunks', () => {
    expect(parseChunks(['data: a\r\n\r\ndata: b\r\r']).map((e) => e.data)).toEqual(['a', 'b']);
    expect(parseChunks(['data: a\r', '\n\r', '\ndata: b\r\n\r\n']).map((e) => e.data)).toEqual([
      'a',
      'b',
    ]);
  });

  it('dispatches a final event that has no trailing blank line', () => {
    expect(parseChunks(['data: one\n\ndata: [DONE]']).map((e) => e.data)).toEqual([
      'one',
      '[DONE]',
    ]);
  });

  it('decodes UTF-8 characters split across chunks', () => {
    const bytes = enc.encode('data: héllo 🌍\n\n');
    const parser = new SseParser();
    const events: SseEvent[] = [];
    for (const byte of bytes) events.push(...parser.push(Uint8Array.of(byte)));
    expect(events.map((e) => e.data)).toEqual(['héllo 🌍']);
  });

  it('removes only one leading space', () => {
    expect(parseChunks(['data:  two spaces\n\n'])[0]?.data).toBe(' two spaces');
  });
});

// Issue 14, item 5: the old parser rescanned its whole pending buffer on every chunk (one 50 MB
// line: 78 s). Work is counted, not timed: every code unit is scanned once.
describe('SseParser on hostile streams (issue 14, item 5)', () => {
  const CHUNK = 64 * 1024;

  function feed(parser: SseParser, text: string): SseEvent[] {
    const bytes = enc.encode(text);
    const events: SseEvent[] = [];
    for (let i = 0; i < bytes.length; i += CHUNK)
      events.push(...parser.push(bytes.subarray(i, i + CHUNK)));
    return [...events, ...parser.end()];
  }

  it('scans a 50 MB line once and drops it, keeping the events around it', () => {
    const parser = new SseParser();
    const text = `data: before\n\ndata: ${'x'.repeat(50 * 1024 * 1024)}\n\ndata: after\n\n`;
    const events = feed(parser, text);
    expect(events.map((e) => e.data)).toEqual(['before', 'after']);
    expect(parser.stats).toEqual({ scannedChars: text.length, oversized: 1 });
  });

  it('scans 20 MB without any newline once and reports it as dropped at the end', () => {
    const parser = new SseParser();
    const text = `data: ${'y'.repeat(20 * 1024 * 1024)}`;
    expect(feed(parser, text)).toEqual([]);
    expect(parser.stats).toEqual({ scannedChars: text.length, oversized: 1 });
  });

  it('parses 300k tiny events scanning each byte once', () => {
    const parser = new SseParser();
    const text = 'data: {}\n\n'.repeat(300_000);
    expect(feed(parser, text)).toHaveLength(300_000);
    expect(parser.stats).toEqual({ scannedChars: text.length, oversized: 0 });
  });

  it('drops an event whose data lines together pass the limit', () => {
    const parser = new SseParser({ maxEventChars: 10 });
    const events = feed(parser, 'data: 123456\ndata: 789012\n\ndata: ok\n\n');
    expect(events.map((e) => e.data)).toEqual(['ok']);
    expect(parser.stats.oversized).toBe(1);
  });
});
