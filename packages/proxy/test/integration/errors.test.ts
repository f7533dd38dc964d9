import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHAT_COMPLETION,
  chatStreamFrames,
  sendFrames,
  sendJson,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import {
  CHAT_REQUEST,
  eventually,
  send,
  startProxy,
  type ProxyUnderTest,
} from '../support/harness.js';

let upstream: MockUpstream;
let proxy: ProxyUnderTest;

beforeEach(async () => {
  upstream = await startMockUpstream();
  proxy = await startProxy(upstream.url, {
    timeouts: { connect_ms: 1000, first_byte_ms: 400, idle_ms: 400 },
    limits: { max_body_bytes: 64 * 1024 },
  });
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function errorBody(body: Buffer): { error: { code: string; message: string } } {
  return JSON.parse(body.toString()) as { error: { code: string; message: string } };
}

describe('error paths', () => {
  it('answers 502 as JSON when the upstream is unreachable, and traces it', async () => {
    const dead = await startProxy(`http://127.0.0.1:${await freePort()}`);
    try {
      const res = await send(dead.server.url, { body: CHAT_REQUEST });
      expect(res.status).toBe(502);
      expect(res.headers['content-type']).toContain('application/json');
      const body = errorBody(res.body);
      expect(body.error.code).toBe('UPSTREAM_UNREACHABLE');
      expect(body.error.message).not.toMatch(/ECONNREFUSED|at .*\.js/);
      const [span] = await dead.spans();
      expect(span?.statusCode).toBe(502);
      expect(span?.events.map((e) => e.name)).toContain('upstream_unreachable');
    } finally {
      await dead.close();
    }
  });

  it('answers 504 when the upstream sends no first byte in time', async () => {
    upstream.route('POST /v1/chat/completions', () => {
      /* never answers */
    });
    const res = await send(proxy.server.url, { body: CHAT_REQUEST });
    expect(res.status).toBe(504);
    expect(errorBody(res.body).error.code).toBe('UPSTREAM_TIMEOUT');
    const [span] = await proxy.spans();
    expect(span?.statusCode).toBe(504);
    expect(span?.events.map((e) => e.name)).toContain('upstream_timeout');
  });

  it('answers 413 for a body over the limit, by header or by bytes, without contacting the upstream', async () => {
    const big = Buffer.alloc(100 * 1024, 'a');
    const res = await send(proxy.server.url, { body: big });
    expect(res.status).toBe(413);
    expect(errorBody(res.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(upstream.requests).toHaveLength(0);
    // And the proxy still serves the next request.
    expect((await send(proxy.server.url, { body: CHAT_REQUEST })).status).toBe(200);
  });

  it('aborts the upstream request when the client disconnects, and records the cancel', async () => {
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendFrames(res, chatStreamFrames(Array.from({ length: 50 }, () => 'x')), 50),
    );
    const controller = new AbortController();
    let chunks = 0;
    const pending = send(proxy.server.url, {
      body: '{"model":"gpt-4o","stream":true,"messages":[]}',
      signal: controller.signal,
      // A few content events first, so the cut answer has text to count.
      onChunk: () => (++chunks === 4 ? controller.abort() : undefined),
    }).catch(() => undefined);
    await pending;
    await eventually(() => (upstream.requests[0]?.aborted === true ? true : undefined));
    const [span] = await eventually(async () => {
      const spans = await proxy.spans();
      return spans.length > 0 ? spans : undefined;
    });
    expect(span?.events.map((e) => e.name)).toContain('client_abort');
    expect(span?.errorMessage).toMatch(/client disconnected/);
    // A cut-off answer without usage is counted by estimate, not with the tokenizer (issue 13).
    expect(span?.tokensEstimated).toBe(true);
    expect(span?.tags['tokens_approximated']).toBe('true');
  });

  it('estimates the prompt tokens of a request abandoned before any answer, without the tokenizer', async () => {
    upstream.route('POST /v1/chat/completions', (_req, res) => {
      setTimeout(() => sendJson(res, 200, CHAT_COMPLETION), 1_000);
    });
    const controller = new AbortController();
    const pending = send(proxy.server.url, {
      body: JSON.stringify({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Count the words in this sentence, please.' }],
      }),
      signal: controller.signal,
    }).catch(() => undefined);
    setTimeout(() => controller.abort(), 100);
    await pending;
    const [span] = await eventually(async () => {
      const spans = await proxy.spans();
      return spans.length > 0 ? spans : undefined;
    });
    expect(span?.statusCode).toBeNull();
    expect(span?.events.map((e) => e.name)).toContain('client_abort');
    expect(span?.promptTokens).toBeGreaterThan(0);
    expect(span?.tokensEstimated).toBe(true);
    expect(span?.tags['tokens_approximated']).toBe('true');
  });

  it('leaves the client with a terminated stream when the upstream dies mid-stream', async () => {
    upstream.route('POST /v1/chat/completions', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chatStreamFrames(['partial'])[1]);
      setTimeout(() => req.socket.destroy(), 50);
    });
    const res = await send(proxy.server.url, {
      body: '{"model":"gpt-4o","stream":true,"messages":[]}',
    });
    expect(res.aborted).toBe(true);
    expect(res.body.toString()).toContain('partial');
    const [span] = await proxy.spans();
    expect(span?.events.map((e) => e.name)).toContain('upstream_error');
    expect(span?.errorMessage).toMatch(/mid-response/);
    expect(span?.response).toBe('partial');
  });

  it('cuts a stream that goes silent longer than the idle timeout', async () => {
    upstream.route('POST /v1/chat/completions', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chatStreamFrames(['stalled'])[1]);
      // …and then nothing.
    });
    const res = await send(proxy.server.url, {
      body: '{"model":"gpt-4o","stream":true,"messages":[]}',
    });
    expect(res.aborted).toBe(true);
    const [span] = await proxy.spans();
    expect(span?.events.map((e) => e.name)).toContain('upstream_timeout');
  });

  it('answers JSON 404 for unknown API routes', async () => {
    const res = await send(proxy.server.url, { method: 'GET', path: '/api/v1/nope' });
    expect(res.status).toBe(404);
    expect(errorBody(res.body).error.code).toBe('NOT_FOUND');
    expect(upstream.requests).toHaveLength(0);
  });

  it('survives malformed HTTP from a client', async () => {
    const { connect } = await import('node:net');
    const socket = connect(proxy.server.port, '127.0.0.1');
    const reply = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.write('THIS IS NOT HTTP\r\n\r\n');
    });
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    expect((await send(proxy.server.url, { body: CHAT_REQUEST })).status).toBe(200);
  });
});
