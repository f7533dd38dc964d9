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
