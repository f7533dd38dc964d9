import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHAT_REQUEST,
  eventually,
  send,
  startProxy,
  type ProxyUnderTest,
} from '../support/harness.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';

/*
 * Issue 16, the proxy side of the SDK wire contract: W3C `traceparent` groups calls into one trace,
 * `tracestate` passes through, the response names the span the proxy created, and
 * `X-LLMTrace-Session-ID` is stored on the trace and filterable.
 */

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE}-${PARENT}-01`;
const TRACESTATE = 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7';

let upstream: MockUpstream;
let proxy: ProxyUnderTest;

beforeEach(async () => {
  upstream = await startMockUpstream();
  proxy = await startProxy(upstream.url);
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

function call(headers: Record<string, string> = {}) {
  return send(proxy.server.url, { body: CHAT_REQUEST, headers });
}

async function api(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await send(proxy.server.url, { method: 'GET', path });
  return { status: res.status, json: JSON.parse(res.body.toString()) as Record<string, unknown> };
}

describe('traceparent (W3C Trace Context)', () => {
  it("sets the span's trace and parent, and the response names the span it created", async () => {
    const res = await call({ traceparent: TRACEPARENT });
    expect(res.status).toBe(200);
    expect(res.headers['x-llmtrace-trace-id']).toBe(TRACE);
    const answered = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(
      String(res.headers['traceparent']),
    );
    expect(answered?.[1]).toBe(TRACE);
    expect(answered?.[2]).not.toBe(PARENT);
    const [span] = await proxy.spans();
    expect(span).toMatchObject({ traceId: TRACE, parentSpanId: PARENT, spanId: answered?.[2] });
  });

  it('puts three calls with the same trace id into one trace with three spans', async () => {
    for (const parent of ['1111111111111111', '2222222222222222', '2222222222222222']) {
      expect((await call({ traceparent: `00-${TRACE}-${parent}-01` })).status).toBe(200);
    }
    const trace = await eventually(async () => {
      const t = await proxy.server.storage.traces.getTrace('default', TRACE);
      return t !== null && t.spans.length === 3 ? t : undefined;
    });
    expect(new Set(trace.spans.map((s) => s.spanId)).size).toBe(3);
    expect(trace.spans.map((s) => s.parentSpanId).sort()).toEqual([
      '1111111111111111',
      '2222222222222222',
      '2222222222222222',
    ]);
    const listed = await api('/api/v1/traces');
    expect(listed.json['total']).toBe(1);
  });

  it('forwards traceparent and tracestate upstream unchanged, and no X-LLMTrace-* header', async () => {
    await call({
      traceparent: TRACEPARENT,
      tracestate: TRACESTATE,
      'x-llmtrace-session-id': 'conversation-1',
      'x-llmtrace-agent-id': 'bot',
    });
    const seen = upstream.requests[0];
    expect(seen?.headers['traceparent']).toBe(TRACEPARENT);
    expect(seen?.headers['tracestate']).toBe(TRACESTATE);
    expect(Object.keys(seen?.headers ?? {}).filter((h) => h.startsWith('x-llmtrace-'))).toEqual([]);
  });

  it.each([
    ['garbage', 'not-a-traceparent'],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${PARENT}-01`],
    ['version ff', `ff-${TRACE}-${PARENT}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT}-01`],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${PARENT}-01`],
    ['extra fields on version 00', `${TRACEPARENT}-extra`],
    ['an empty value', ''],
  ])(
    'ignores a traceparent with %s: the call succeeds and starts a new trace',
    async (_l, value) => {
      const res = await call({ traceparent: value });
      expect(res.status).toBe(200);
      const traceId = String(res.headers['x-llmtrace-trace-id']);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe(TRACE);
      const [span] = await proxy.spans();
      expect(span).toMatchObject({ traceId, parentSpanId: null });
      // Forwarded as received all the same: the upstream decides what it makes of it.
      expect(upstream.requests[0]?.headers['traceparent']).toBe(value);
    },
  );

  it('ignores two traceparent values folded into one header', async () => {
    const res = await send(proxy.server.url, {
      body: CHAT_REQUEST,
      headers: { traceparent: [TRACEPARENT, `00-${'1'.repeat(32)}-${PARENT}-01`].join(', ') },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-llmtrace-trace-id']).not.toBe(TRACE);
  });

  it('accepts a future version with extra fields, reading the version-00 part', async () => {
    const res = await call({ traceparent: `cc-${TRACE}-${PARENT}-01-what-the-future-holds` });
    expect(res.headers['x-llmtrace-trace-id']).toBe(TRACE);
  });

  it('keeps the sampled flag of the caller in the response traceparent', async () => {
    const res = await call({ traceparent: `00-${TRACE}-${PARENT}-00` });
    expect(String(res.headers['traceparent'])).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`));
  });
});

describe('traceparent on answers the proxy makes itself', () => {
  it('names the span of a call whose upstream cannot be reached (502)', async () => {
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    const offline = await startProxy('http://127.0.0.1:9');
    try {
      const res = await send(offline.server.url, {
        body: CHAT_REQUEST,
        headers: { traceparent: TRACEPARENT },
      });
      expect(res.status).toBe(502);
      const spanId = /^00-[0-9a-f]{32}-([0-9a-f]{16})-01$/.exec(
        String(res.headers['traceparent']),
      )?.[1];
      expect(spanId).toBeDefined();
      const [span] = await offline.spans();
      expect(span).toMatchObject({ traceId: TRACE, parentSpanId: PARENT, spanId });
    } finally {
      await offline.close();
    }
  });
});

describe('X-LLMTrace-Session-ID', () => {
  it('is stored on the span and the trace, and filters traces and spans', async () => {
    await call({ 'x-llmtrace-session-id': 'conversation-42' });
    await call({ 'x-llmtrace-session-id': 'conversation-42', traceparent: TRACEPARENT });
    await call({ 'x-llmtrace-session-id': 'conversation-7' });
    await call();
    const spans = await proxy.spans();
    expect(spans.map((s) => s.sessionId).sort()).toEqual([
      'conversation-42',
      'conversation-42',
      'conversation-7',
      null,
    ]);
    expect((await proxy.server.storage.traces.getTrace('default', TRACE))?.sessionId).toBe(
      'conversation-42',
    );
    const traces = await api('/api/v1/traces?session_id=conversation-42');
    expect(traces.status).toBe(200);
    expect(traces.json['total']).toBe(2);
    const spanPage = await api('/api/v1/spans?session_id=conversation-7');
    expect(spanPage.json['total']).toBe(1);
  });

  it('ignores an over-long session id instead of refusing the call', async () => {
    const res = await call({ 'x-llmtrace-session-id': 'x'.repeat(257) });
    expect(res.status).toBe(200);
    const [span] = await proxy.spans();
    expect(span?.sessionId).toBeNull();
  });
});
