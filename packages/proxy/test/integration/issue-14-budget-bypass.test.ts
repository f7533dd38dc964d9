import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { send, startProxy, type ProxyUnderTest } from '../support/harness.js';

// Issue 14, item 3: with a tenant's hard cap exhausted, a provider header, a UTF-8 BOM or a
// trailing slash got 100/100 requests forwarded at $0; `"n": 8` and CJK prompts were reserved at a
// fraction of their cost. Every test asserts that the upstream never saw the refused request.

let upstream: MockUpstream;
let proxy: ProxyUnderTest | undefined;

beforeEach(async () => {
  upstream = await startMockUpstream();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await upstream.close();
});

const TENANT = { 'x-llmtrace-tenant-id': 'acme' };
const chat = (extra: Record<string, unknown> = {}, content = 'Hello!') =>
  JSON.stringify({
    model: 'gpt-4o',
    messages: [{ role: 'user', content }],
    max_tokens: 10,
    ...extra,
  });

async function settle(p: ProxyUnderTest): Promise<void> {
  await p.server.capture.flush();
  await p.server.budgets?.flush();
}

/** Starts a proxy whose tenant `acme` has spent its hourly cap (two default answers). */
async function exhausted(): Promise<ProxyUnderTest> {
  const p = await startProxy(upstream.url, {
    budgets: { tenants: { acme: { caps: [{ window: 'hourly', hard_limit_usd: 0.0003 }] } } },
  });
  for (let i = 0; i < 2; i++) {
    expect((await send(p.server.url, { headers: TENANT, body: chat() })).status).toBe(200);
    await settle(p);
  }
  expect((await send(p.server.url, { headers: TENANT, body: chat() })).status).toBe(429);
  return p;
}

describe('budget hard caps cannot be bypassed (issue 14, item 3)', () => {
  it.each(['bedrock', 'ollama', 'anthropic', 'vllm'])(
    'refuses a request with X-LLMTrace-Provider: %s once the cap is spent',
    async (provider) => {
      proxy = await exhausted();
      const res = await send(proxy.server.url, {
        headers: { ...TENANT, 'x-llmtrace-provider': provider },
        body: chat(),
      });
      expect(res.status).toBe(429);
      expect(upstream.requests).toHaveLength(2);
    },
  );

  it('refuses a body that starts with a UTF-8 byte-order mark', async () => {
    proxy = await exhausted();
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(chat())]);
    const res = await send(proxy.server.url, { headers: TENANT, body });
    expect(res.status).toBe(429);
    expect(upstream.requests).toHaveLength(2);
  });

  it.each(['/v1/chat/completions/', '/v1//chat/completions', '/v1/chat/%63ompletions'])(
    'refuses the same call on the path variant %s',
    async (path) => {
      proxy = await exhausted();
      const res = await send(proxy.server.url, { path, headers: TENANT, body: chat() });
      expect(res.status).toBe(429);
      expect(upstream.requests).toHaveLength(2);
    },
  );

  it('refuses a generation body on a path no adapter knows', async () => {
    proxy = await exhausted();
    const res = await send(proxy.server.url, {
      path: '/V1/Chat/Completions',
      headers: TENANT,
      body: chat(),
    });
    expect(res.status).toBe(429);
    expect(upstream.requests).toHaveLength(2);
  });

  it('refuses, with a clear 400, a chat request whose body it cannot read', async () => {
    proxy = await startProxy(upstream.url, {
      budgets: { tenants: { acme: { caps: [{ window: 'hourly', hard_limit_usd: 1 }] } } },
    });
    const res = await send(proxy.server.url, { headers: TENANT, body: '{"model": "gpt-4o", ' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('could not read') as string },
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('reserves max_tokens for every one of n choices', async () => {
    // 10 completion tokens cost 100 µ$; n = 8 reserves 800 µ$, over a 500 µ$ cap.
    proxy = await startProxy(upstream.url, {
      budgets: { tenants: { acme: { caps: [{ window: 'hourly', hard_limit_usd: 0.0005 }] } } },
    });
    const refused = await send(proxy.server.url, { headers: TENANT, body: chat({ n: 8 }) });
    expect(refused.status).toBe(429);
    expect(upstream.requests).toHaveLength(0);
    expect((await send(proxy.server.url, { headers: TENANT, body: chat({ n: 1 }) })).status).toBe(
      200,
    );
  });

  it('applies a completion token cap to n × max_tokens', async () => {
    proxy = await startProxy(upstream.url, {
      budgets: { tenants: { acme: { max_completion_tokens: 50 } } },
    });
    const refused = await send(proxy.server.url, { headers: TENANT, body: chat({ n: 8 }) });
    expect(refused.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  it('estimates a CJK prompt at one token per character, not three characters per token', async () => {
    // 3000 CJK characters at gpt-4o's $2.5/M: ≥ 7,500 µ$ (the old estimate: 2,500 µ$).
    proxy = await startProxy(upstream.url, {
      budgets: { tenants: { acme: { caps: [{ window: 'hourly', hard_limit_usd: 0.005 }] } } },
    });
    const res = await send(proxy.server.url, {
      headers: TENANT,
      body: chat({ max_tokens: 1 }, '你'.repeat(3000)),
    });
    expect(res.status).toBe(429);
    expect(upstream.requests).toHaveLength(0);
  });

  it('applies a prompt token cap whatever the provider header says', async () => {
    proxy = await startProxy(upstream.url, {
      budgets: { tenants: { acme: { max_prompt_tokens: 100 } } },
    });
    const res = await send(proxy.server.url, {
      headers: { ...TENANT, 'x-llmtrace-provider': 'bedrock' },
      body: chat({}, 'word '.repeat(500)),
    });
    expect(res.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  it('records the cost of a request sent with a provider header at the real price', async () => {
    proxy = await startProxy(upstream.url);
    const res = await send(proxy.server.url, {
      headers: { ...TENANT, 'x-llmtrace-provider': 'bedrock' },
      body: chat(),
    });
    expect(res.status).toBe(200);
    const [span] = await proxy.spans('acme');
    expect(span?.provider).toBe('bedrock');
    expect(span?.promptTokens).toBe(19);
    expect(span?.estimatedCostUsd).toBeGreaterThan(0);
  });
});
