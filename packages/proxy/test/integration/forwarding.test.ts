import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveTenantId } from '@llmtrace/proxy';
import {
  CHAT_COMPLETION,
  sendGzipJson,
  sendJson,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
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

describe('forwarding', () => {
  it('forwards the body byte-identical and relays status, headers and bytes unchanged', async () => {
    // Odd spacing and key order must survive: the proxy never re-serialises.
    const body =
      '{ "model":"gpt-4o",  "messages":[{"role":"user","content":"Hi \\u00e9"}] ,"temperature":0.2}';
    const res = await send(proxy.server.url, {
      headers: {
        authorization: 'Bearer sk-test-123',
        'openai-organization': 'org-1',
        'x-custom': 'kept',
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(JSON.stringify(CHAT_COMPLETION));
    expect(res.headers['x-request-id']).toBe('req_mock_1');
    expect(res.headers['openai-processing-ms']).toBe('42');
    // A W3C trace id, and the traceparent of the span the proxy created for this call.
    expect(res.headers['x-llmtrace-trace-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers['traceparent']).toMatch(
      new RegExp(`^00-${String(res.headers['x-llmtrace-trace-id'])}-[0-9a-f]{16}-01$`),
    );

    const seen = upstream.requests[0];
    expect(seen?.body.equals(Buffer.from(body))).toBe(true);
    expect(seen?.headers['authorization']).toBe('Bearer sk-test-123');
    expect(seen?.headers['openai-organization']).toBe('org-1');
    expect(seen?.headers['x-custom']).toBe('kept');
    expect(seen?.headers['host']).toBe(`127.0.0.1:${upstream.port}`);
  });

  it('consumes X-LLMTrace-* and hop-by-hop headers instead of forwarding them', async () => {
    await send(proxy.server.url, {
      headers: {
        'x-llmtrace-tenant-id': 'acme',
        'x-llmtrace-agent-id': 'agent-1',
        'x-llmtrace-key': 'llmt_secret',
        connection: 'keep-alive, x-drop-me',
        'x-drop-me': '1',
        'keep-alive': 'timeout=5',
        te: 'trailers',
      },
      body: CHAT_REQUEST,
    });
    const names = Object.keys(upstream.requests[0]?.headers ?? {});
    expect(names.filter((n) => n.startsWith('x-llmtrace-'))).toEqual([]);
    expect(names).not.toContain('x-drop-me');
    expect(names).not.toContain('keep-alive');
    expect(names).not.toContain('te');
  });

  it('records a detailed trace of a chat completion in the SQLite file', async () => {
    const res = await send(proxy.server.url, {
      headers: { 'x-llmtrace-agent-id': 'agent-9' },
      body: CHAT_REQUEST,
    });
    const [span] = await proxy.spans();
    expect(span).toBeDefined();
    expect(span?.traceId).toBe(res.headers['x-llmtrace-trace-id']);
    expect(span).toMatchObject({
      operationName: 'chat_completion',
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      agentId: 'agent-9',
      statusCode: 200,
      promptTokens: 19,
      completionTokens: 10,
      totalTokens: 29,
      tokensEstimated: false,
      response: 'Hello! How can I help you today?',
      errorMessage: null,
    });
    expect(span?.prompt).toContain('user: Hello!');
    expect(span?.durationMs).toBeGreaterThan(0);
    // gpt-4o list price: $2.50 / $10 per million tokens.
    expect(span?.estimatedCostUsd).toBeCloseTo((19 * 2.5 + 10 * 10) / 1e6, 12);
  });

  it('leaves the cost null for an unknown model unless configured, never $0', async () => {
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(res, 200, { ...CHAT_COMPLETION, model: 'my-finetune-v2' }),
    );
    await send(proxy.server.url, { body: CHAT_REQUEST });
    const [unpriced] = await proxy.spans();
    expect(unpriced?.model).toBe('my-finetune-v2');
    expect(unpriced?.estimatedCostUsd).toBeNull();

    const priced = await startProxy(upstream.url, {
      pricing: { models: { 'my-finetune-v2': { input_per_mtok: 1, output_per_mtok: 2 } } },
    });
    try {
      await send(priced.server.url, { body: CHAT_REQUEST });
      const [span] = await priced.spans();
      expect(span?.estimatedCostUsd).toBeCloseTo((19 * 1 + 10 * 2) / 1e6, 12);
    } finally {
      await priced.close();
    }
  });

  it('derives the tenant from a hash of the bearer key and never stores the key', async () => {
    const key = 'sk-proj-VERYSECRETKEY0123456789';
    await send(proxy.server.url, {
      headers: { authorization: `Bearer ${key}` },
      body: CHAT_REQUEST,
    });
    const tenant = deriveTenantId(key);
    expect(tenant).toMatch(/^key-[0-9a-f]{16}$/);
    const spans = await proxy.spans(tenant);
    expect(spans).toHaveLength(1);
    expect(await proxy.spans('default')).toHaveLength(0);
    await proxy.close();
    for (const file of [proxy.dbPath, `${proxy.dbPath}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(key))).toBe(false);
    }
  });

  it('uses the tenant header when present and rejects an invalid one with 400', async () => {
    await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'team-a' },
      body: CHAT_REQUEST,
    });
    expect(await proxy.spans('team-a')).toHaveLength(1);
    const bad = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': '../../etc' },
      body: CHAT_REQUEST,
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString())).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(upstream.requests).toHaveLength(1);
  });

  it('parses content arrays, null tool-call turns, tools and stream_options without breaking', async () => {
    const body = JSON.stringify({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup', arguments: '{"q":"cat"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      stream_options: { include_usage: true },
    });
    await send(proxy.server.url, { body });
    const [span] = await proxy.spans();
    expect(span?.prompt).toContain('What is in this image?');
    expect(span?.prompt).toContain('[image_url]');
    expect(span?.prompt).toContain('lookup({"q":"cat"})');
    expect(span?.prompt).toContain('tool: a cat');
  });

  it('forwards a body that is not JSON and traces it as unparsable', async () => {
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(res, 400, {
        error: {
          message: 'We could not parse the JSON body of your request.',
          type: 'invalid_request_error',
        },
      }),
    );
    const res = await send(proxy.server.url, { body: '{"model": "gpt-4o", broken' });
    expect(res.status).toBe(400);
    expect(upstream.requests[0]?.body.toString()).toBe('{"model": "gpt-4o", broken');
    const [span] = await proxy.spans();
    expect(span?.tags['request_unparsable']).toBe('true');
    expect(span?.statusCode).toBe(400);
    expect(span?.errorMessage).toBe('We could not parse the JSON body of your request.');
  });

  it('forwards other paths faithfully and traces them generically', async () => {
    upstream.route('GET /v1/models', (_req, res) =>
      sendJson(res, 200, { object: 'list', data: [{ id: 'gpt-4o' }] }),
    );
    upstream.route('POST /v1/embeddings', (_req, res) =>
      sendJson(res, 200, { object: 'list', data: [] }),
    );
    const models = await send(proxy.server.url, { method: 'GET', path: '/v1/models?limit=2' });
    expect(JSON.parse(models.body.toString())).toEqual({
      object: 'list',
      data: [{ id: 'gpt-4o' }],
    });
    expect(upstream.requests[0]?.url).toBe('/v1/models?limit=2');
    await send(proxy.server.url, {
      path: '/v1/embeddings',
      body: '{"model":"text-embedding-3-small","input":"hi"}',
    });
    const ops = (await proxy.spans()).map((s) => s.operationName).sort();
    expect(ops).toEqual(['http GET /v1/models', 'http POST /v1/embeddings']);
  });

  it('passes compressed bodies through as they are and decompresses its own copy', async () => {
    upstream.route('POST /v1/chat/completions', (_req, res) => sendGzipJson(res, CHAT_COMPLETION));
    const res = await send(proxy.server.url, {
      headers: { 'accept-encoding': 'gzip' },
      body: CHAT_REQUEST,
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(res.body).toString())).toEqual(CHAT_COMPLETION);
    const [span] = await proxy.spans();
    expect(span?.response).toBe('Hello! How can I help you today?');
    expect(span?.promptTokens).toBe(19);
  });

  it('relays upstream 4xx and 5xx verbatim and traces their status', async () => {
    const error = {
      error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
    };
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(res, 429, error, { 'retry-after': '7' }),
    );
    const res = await send(proxy.server.url, { body: CHAT_REQUEST });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body.toString()).toBe(JSON.stringify(error));
    upstream.route('POST /v1/chat/completions', (_req, res2) =>
      sendJson(res2, 503, { error: { message: 'overloaded' } }),
    );
    expect((await send(proxy.server.url, { body: CHAT_REQUEST })).status).toBe(503);
    const statuses = (await proxy.spans()).map((s) => s.statusCode).sort();
    expect(statuses).toEqual([429, 503]);
  });

  it('prefixes the upstream base path', async () => {
    const prefixed = await startProxy(`${upstream.url}/openai/`);
    try {
      await send(prefixed.server.url, { path: '/v1/chat/completions', body: CHAT_REQUEST });
      expect(upstream.requests[0]?.url).toBe('/openai/v1/chat/completions');
    } finally {
      await prefixed.close();
    }
  });
});
