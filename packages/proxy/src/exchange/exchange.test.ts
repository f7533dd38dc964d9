import { describe, expect, it, vi } from 'vitest';
import { splitRequestHeaders } from '../http/headers.js';
import { Exchange } from './exchange.js';

function exchange(body: string | null, provider: Exchange['provider'] = 'openai'): Exchange {
  const ex = new Exchange({
    trace: { traceId: 't', spanId: 's', parentSpanId: null, flags: '01' },
    method: 'POST',
    url: '/v1/chat/completions?x=1',
    path: '/v1/chat/completions',
    provider,
    upstreamHeaders: [],
    own: splitRequestHeaders(['X-LLMTrace-Agent-ID', 'bot']).own,
  });
  ex.requestBody = body === null ? null : Buffer.from(body);
  return ex;
}

describe('Exchange', () => {
  it('parses the request body at most once, however many stages ask', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const ex = exchange('{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}');
      expect(ex.parsedRequest()?.model).toBe('gpt-4o');
      expect(ex.parsedRequest()?.messages).toEqual([{ role: 'user', content: 'hi' }]);
      expect(ex.requestUnparsable).toBe(false);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('reads a body that starts with a byte order mark (issue 14: it must not dodge the checks)', () => {
    expect(exchange('\uFEFF{"model":"gpt-4o","messages":[]}').parsedRequest()?.model).toBe(
      'gpt-4o',
    );
  });

  it('marks a body that is not JSON as unparsable, and parses it only once too', () => {
    const ex = exchange('not json');
    expect(ex.parsedRequest()).toBeNull();
    expect(ex.requestUnparsable).toBe(true);
    expect(exchange(null).parsedRequest()).toBeNull();
    expect(exchange(null).requestUnparsable).toBe(false);
  });

  it('takes the agent from its header and records only the first end', () => {
    const ex = exchange(null);
    expect(ex.agentId).toBe('bot');
    expect(ex.end('upstream_error', 'boom')).toBe(true);
    expect(ex.end('client_abort', 'late')).toBe(false);
    expect(ex).toMatchObject({ endReason: 'upstream_error', errorMessage: 'boom', ended: true });
  });

  it('keeps response chunks up to the capture limit and flags the rest as truncated', () => {
    const ex = exchange(null);
    ex.keepChunk(Buffer.from('12345'), 8);
    ex.keepChunk(Buffer.from('6789'), 8);
    ex.keepChunk(Buffer.from('0'), 8);
    expect(ex.chunks.map(String)).toEqual(['12345']);
    expect(ex.capturedBytes).toBe(5);
    expect(ex.truncated).toBe(true);
  });
});
