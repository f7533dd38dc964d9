import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { CHAT_REQUEST, send, startProxy, type ProxyUnderTest } from '../support/harness.js';

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

const OTLP_JSON = JSON.stringify({
  resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [] }] }],
});

function errorOf(body: Buffer): { code: string; message: string } {
  return (JSON.parse(body.toString()) as { error: { code: string; message: string } }).error;
}

describe('reserved paths are answered locally, never forwarded (issues 11 and 12)', () => {
  it('serves a landing page at GET / that links the docs and health, and records nothing', async () => {
    const res = await send(proxy.server.url, { method: 'GET', path: '/' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const html = res.body.toString();
    expect(html).toContain('href="/api/v1/docs"');
    expect(html).toContain('href="/health"');
    const head = await send(proxy.server.url, { method: 'HEAD', path: '/' });
    expect(head.status).toBe(200);
    expect(head.body).toHaveLength(0);
    expect(upstream.requests).toHaveLength(0);
    expect(await proxy.spans()).toHaveLength(0);
  });

  it('answers /metrics itself (Prometheus text, or a clear JSON 404 for other methods)', async () => {
    const get = await send(proxy.server.url, { method: 'GET', path: '/metrics?x=1' });
    expect(get.status).toBe(200);
    expect(get.headers['content-type']).toContain('text/plain');
    const post = await send(proxy.server.url, { method: 'POST', path: '/metrics' });
    expect(post.status).toBe(400);
    expect(errorOf(post.body)).toMatchObject({ code: 'BAD_REQUEST' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('answers an OTLP export to /v1/traces (protobuf or OTLP JSON) with a clear 404', async () => {
    const protobuf = await send(proxy.server.url, {
      path: '/v1/traces',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from([0x0a, 0x02, 0x08, 0x01]),
    });
    expect(protobuf.status).toBe(404);
    expect(errorOf(protobuf.body).message).toMatch(/OpenTelemetry/);
    const json = await send(proxy.server.url, { path: '/v1/traces', body: OTLP_JSON });
    expect(json.status).toBe(404);
    expect(errorOf(json.body).code).toBe('NOT_FOUND');
    expect(upstream.requests).toHaveLength(0);
    expect(await proxy.spans()).toHaveLength(0);
  });

  it('still forwards a POST /v1/traces that is not OTLP, and a POST / (TGI generate)', async () => {
    await send(proxy.server.url, { path: '/v1/traces', body: '{"model":"x","input":"hi"}' });
    await send(proxy.server.url, { path: '/', body: '{"inputs":"hi"}' });
    expect(upstream.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1/traces',
      'POST /',
    ]);
  });

  it('never sends /api/v1 or /health upstream, whatever the method or query', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1'],
      ['POST', '/api/v1?x=1'],
      ['DELETE', '/api/v1/unknown/route'],
      ['GET', '/health?verbose=1'],
    ] as const) {
      const res = await send(proxy.server.url, {
        method,
        path,
        ...(method === 'POST' ? { body: CHAT_REQUEST } : {}),
      });
      expect(res.headers['content-type'], `${method} ${path}`).toContain('application/json');
    }
    expect(upstream.requests).toHaveLength(0);
  });
});
