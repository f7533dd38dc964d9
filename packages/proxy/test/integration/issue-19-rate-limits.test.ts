import { randomUUID } from 'node:crypto';
import type { Storage } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import { RedisCacheLayer } from '@llmtrace/storage/redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHAT_COMPLETION,
  sendJson,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import { send, startProxy, type ClientResponse, type ProxyUnderTest } from '../support/harness.js';

/**
 * Issue 19, part 3: requests and tokens per minute, per tenant and per agent, reserved atomically
 * before forwarding and settled from the answer's usage — on SQLite (lite) and on Redis.
 */

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

/**
 * The limits count fixed one-minute windows of the wall clock; a test that starts in the last
 * seconds of a minute waits for the next one, so its requests share one window.
 */
async function awayFromMinuteEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((r) => setTimeout(r, left + 50));
}

async function redisStorage(): Promise<Storage> {
  const cache = await RedisCacheLayer.connect('redis://127.0.0.1:6379', {
    keyPrefix: `llmtrace-test-h19-${randomUUID()}:`,
  });
  const memory = await createStorage({ profile: 'memory' });
  return {
    traces: memory.traces,
    metadata: memory.metadata,
    cache,
    close: async () => {
      await Promise.all([memory.close(), cache.close()]);
    },
  };
}

type Backend = 'sqlite' | 'redis';

async function start(
  backend: Backend,
  overrides: Record<string, unknown>,
): Promise<ProxyUnderTest> {
  const p = await startProxy(
    upstream.url,
    overrides,
    backend === 'redis' ? { storage: await redisStorage() } : {},
  );
  proxy = p;
  return p;
}

const chat = (maxTokens: number, content = 'Hello!') =>
  JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content }], max_tokens: maxTokens });

const as = (tenant: string, agent?: string) => ({
  'x-llmtrace-tenant-id': tenant,
  ...(agent === undefined ? {} : { 'x-llmtrace-agent-id': agent }),
});

const header = (res: ClientResponse, name: string): string => {
  const v = res.headers[name];
  if (typeof v !== 'string') throw new Error(`missing header ${name}`);
  return v;
};

async function settled(p: ProxyUnderTest): Promise<void> {
  await p.server.capture.flush();
  await p.server.rateLimiter.flush();
}

describe.each<Backend>(['sqlite', 'redis'])('rate limits on %s', (backend) => {
  it('reserves estimated tokens, settles them to the usage, and refuses past the TPM', async () => {
    await awayFromMinuteEdge();
    const p = await start(backend, { rate_limits: { tpm: 200 } });
    // The upstream also sends its own x-ratelimit-* headers: the client sees LLMTrace's.
    upstream.route('POST /v1/chat/completions', (_req, res) => {
      res.setHeader('x-ratelimit-limit-tokens', '999999');
      sendJson(res, 200, CHAT_COMPLETION);
    });
    const first = await send(p.server.url, { headers: as('acme'), body: chat(40) });
    expect(first.status).toBe(200);
    expect(header(first, 'x-ratelimit-limit-tokens')).toBe('200');
    expect(first.rawHeaders.filter((h) => h.toLowerCase() === 'x-ratelimit-limit-tokens')).toEqual([
      'x-ratelimit-limit-tokens',
    ]);
    const estimate = 200 - Number(header(first, 'x-ratelimit-remaining-tokens'));
    // The estimate covers max_tokens plus the prompt.
    expect(estimate).toBeGreaterThan(40);
    expect(header(first, 'x-ratelimit-reset-tokens')).toMatch(/^(\d+m)?\d+(ms|s)$/);
    // No RPM configured: no request headers.
    expect(first.headers['x-ratelimit-limit-requests']).toBeUndefined();
    await settled(p);

    // The first request now counts its true 29 tokens, not its estimate.
    const second = await send(p.server.url, { headers: as('acme'), body: chat(40) });
    expect(second.status).toBe(200);
    expect(Number(header(second, 'x-ratelimit-remaining-tokens'))).toBe(200 - 29 - estimate);
    await settled(p);

    // 58 used; a request estimated at more than the 142 left is refused, never forwarded.
    const refused = await send(p.server.url, { headers: as('acme'), body: chat(150) });
    expect(refused.status).toBe(429);
    expect(Number(header(refused, 'retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(header(refused, 'retry-after'))).toBeLessThanOrEqual(60);
    expect(header(refused, 'x-ratelimit-remaining-tokens')).toBe(String(200 - 58));
    const body = JSON.parse(refused.body.toString('utf8')) as {
      error: { code: string; type: string; limit_tpm?: number };
    };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.limit_tpm).toBe(200);
    expect(upstream.requests).toHaveLength(2);

    // Anthropic clients get the refusal in Anthropic's error format.
    const anthropic = await send(p.server.url, {
      path: '/v1/messages',
      headers: { ...as('acme'), 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 500,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(anthropic.status).toBe(429);
    expect(JSON.parse(anthropic.body.toString('utf8'))).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', code: 'RATE_LIMITED' },
    });
    // Another tenant has its own counter.
    expect((await send(p.server.url, { headers: as('globex'), body: chat(150) })).status).toBe(200);
  });

  it('limits each agent on its own, and tenant settings override the global defaults', async () => {
    await awayFromMinuteEdge();
    const p = await start(backend, { rate_limits: { agent_rpm: 2 } });
    await p.server.storage.metadata.createTenant({
      id: 'strict',
      name: 'Strict',
      config: { agentRateLimitRpm: 1, rateLimitRpm: 3 },
    });
    const codes = async (tenant: string, agent: string | undefined, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        out.push((await send(p.server.url, { headers: as(tenant, agent), body: chat(5) })).status);
      }
      return out;
    };
    expect(await codes('acme', 'a', 3)).toEqual([200, 200, 429]);
    expect(await codes('acme', 'b', 2)).toEqual([200, 200]);
    // Requests without an agent are not held by the per-agent limit.
    expect(await codes('acme', undefined, 3)).toEqual([200, 200, 200]);
    const last = await send(p.server.url, { headers: as('acme', 'b'), body: chat(5) });
    expect(last.status).toBe(429);
    expect(header(last, 'x-ratelimit-limit-requests')).toBe('2');
    expect(header(last, 'x-ratelimit-remaining-requests')).toBe('0');
    const message = (JSON.parse(last.body.toString('utf8')) as { error: { message: string } }).error
      .message;
    expect(message).toContain('this agent');

    // The tenant's own settings: one request per agent, three for the whole tenant.
    expect(await codes('strict', 'x', 2)).toEqual([200, 429]);
    expect(await codes('strict', 'y', 1)).toEqual([200]);
    expect(await codes('strict', 'z', 1)).toEqual([200]);
    const tenantFull = await send(p.server.url, { headers: as('strict', 'w'), body: chat(5) });
    expect(tenantFull.status).toBe(429);
    expect(tenantFull.body.toString('utf8')).toContain('this tenant');
    // A refused request never reached the provider.
    expect(upstream.requests).toHaveLength(2 + 2 + 3 + 1 + 1 + 1);
  });

  it('40 concurrent requests at the edge of a TPM overshoot it by at most one request', async () => {
    await awayFromMinuteEdge();
    // Each answer uses all of max_tokens and a prompt larger than estimated (the worst case).
    upstream.route('POST /v1/chat/completions', (_req, res, received) => {
      const { max_tokens } = JSON.parse(received.body.toString('utf8')) as { max_tokens: number };
      setTimeout(
        () =>
          sendJson(res, 200, {
            ...CHAT_COMPLETION,
            usage: {
              prompt_tokens: 19,
              completion_tokens: max_tokens,
              total_tokens: 19 + max_tokens,
            },
          }),
        20,
      );
    });
    const limit = 1_000;
    const p = await start(backend, { rate_limits: { tpm: limit, rpm: 30 } });
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        send(p.server.url, { headers: as('edge'), body: chat(100) }),
      ),
    );
    await settled(p);
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429).length;
    expect(ok + refused).toBe(40);
    expect(ok).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(upstream.requests).toHaveLength(ok);
    const spans = await p.spans('edge');
    const perRequest = Math.max(...spans.map((s) => s.totalTokens ?? 0));
    const total = spans.reduce((sum, s) => sum + (s.totalTokens ?? 0), 0);
    expect(perRequest).toBe(119);
    expect(total).toBeLessThanOrEqual(limit + perRequest);
  });

  it('20 concurrent requests under an RPM of 5: exactly 5 pass', async () => {
    await awayFromMinuteEdge();
    const p = await start(backend, { rate_limits: { rpm: 5 } });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => send(p.server.url, { headers: as('burst'), body: chat(5) })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(upstream.requests).toHaveLength(5);
  });
});
