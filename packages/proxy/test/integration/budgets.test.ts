import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { periodOf, type BudgetWindow } from '../../src/budgets/budget-window.js';
import {
  CHAT_COMPLETION,
  sendJson,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import { startMockWebhook, type MockWebhook } from '../support/mock-webhook.js';
import { send, startProxy, type ProxyUnderTest } from '../support/harness.js';

let upstream: MockUpstream;
let hooks: MockWebhook;
let proxy: ProxyUnderTest | undefined;

beforeEach(async () => {
  upstream = await startMockUpstream();
  hooks = await startMockWebhook();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await hooks.close();
  await upstream.close();
});

/**
 * Prices (gpt-4o: $2.5 / $10 per million tokens): the default mock answer reports 19 prompt and 10
 * completion tokens = $0.0001475 (148 µ$ once rounded up). A request with `max_tokens: 10` and
 * the 6-character prompt "Hello!" reserves 2 × 2.5 + 10 × 10 = 105 µ$.
 */
const ACTUAL_USD = 0.000148;

const chat = (maxTokens?: number, content = 'Hello!', model = 'gpt-4o') =>
  JSON.stringify({
    model,
    messages: [{ role: 'user', content }],
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
  });

const as = (tenant: string, agent?: string) => ({
  'x-llmtrace-tenant-id': tenant,
  ...(agent === undefined ? {} : { 'x-llmtrace-agent-id': agent }),
});

interface ErrorBody {
  error: Record<string, unknown> & { code: string; message: string };
}

const json = <T>(body: Buffer): T => JSON.parse(body.toString('utf8')) as T;

async function settle(p: ProxyUnderTest): Promise<void> {
  await p.server.capture.flush();
  await p.server.budgets?.flush();
  await p.server.alerts.flush();
}

/** Sends one request and waits until its cost is settled. */
async function call(p: ProxyUnderTest, headers: Record<string, string>, body = chat(10)) {
  const res = await send(p.server.url, { headers, body });
  await settle(p);
  return res;
}

interface CostWindow {
  window: BudgetWindow;
  scope: 'tenant' | 'agent';
  spent_usd: number;
  hard_limit_usd: number | null;
  soft_limit_usd: number | null;
  remaining_usd: number | null;
  period_start: string;
  resets_at: string;
  source: 'budget' | 'traces';
}

async function costs(p: ProxyUnderTest, query: string) {
  const res = await send(p.server.url, { method: 'GET', path: `/api/v1/costs/current?${query}` });
  expect(res.status).toBe(200);
  return json<{ tenant_id: string; agent_id: string | null; windows: CostWindow[] }>(res.body);
}

describe('budget caps', () => {
  it.each(['hourly', 'daily', 'weekly', 'monthly'] as const)(
    'refuses with 429 once the %s hard cap would be exceeded',
    async (window) => {
      proxy = await startProxy(upstream.url, {
        budgets: { tenants: { acme: { caps: [{ window, hard_limit_usd: 0.0003 }] } } },
      });
      expect((await call(proxy, as('acme'))).status).toBe(200);
      expect((await call(proxy, as('acme'))).status).toBe(200);
      const before = Date.now();
      const refused = await call(proxy, as('acme'));
      const after = Date.now();
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toContain('application/json');
      const resets = [periodOf(window, before).end, periodOf(window, after).end];
      const body = json<ErrorBody>(refused.body);
      expect(body.error).toMatchObject({
        code: 'BUDGET_EXCEEDED',
        window,
        scope: 'tenant',
        spent_usd: 2 * ACTUAL_USD,
        limit_usd: 0.0003,
      });
      expect(body.error.message).toContain(window);
      expect(resets.map((t) => new Date(t).toISOString())).toContain(body.error['resets_at']);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(Math.floor((resets[0]! - after) / 1000));
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil((resets[1]! - before) / 1000));
      // The refused request never reached the provider, and other tenants are not affected.
      expect(upstream.requests).toHaveLength(2);
      expect((await call(proxy, as('globex'))).status).toBe(200);
    },
  );

  it('50 concurrent requests at the edge of a cap overshoot it by at most one request', async () => {
    // Each answer uses all of max_tokens (the worst case) and a prompt larger than estimated.
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
        30,
      );
    });
    const limit = 0.05;
    proxy = await startProxy(upstream.url, {
      budgets: { tenants: { edge: { caps: [{ window: 'daily', hard_limit_usd: limit }] } } },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        send(proxy!.server.url, { headers: as('edge'), body: chat(1000) }),
      ),
    );
    await settle(proxy);
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429).length;
    expect(ok + refused).toBe(50);
    expect(ok).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(upstream.requests).toHaveLength(ok);

    const spans = await proxy.spans('edge');
    const perRequest = Math.max(...spans.map((s) => s.estimatedCostUsd ?? 0));
    const total = spans.reduce((sum, s) => sum + (s.estimatedCostUsd ?? 0), 0);
    expect(perRequest).toBeCloseTo(0.0100475, 7);
    expect(total).toBeLessThanOrEqual(limit + perRequest);
    // The counter settled to the true spend (µ$ rounding aside), not to the reservations.
    const [daily] = (await costs(proxy, 'tenant_id=edge')).windows.filter(
      (w) => w.source === 'budget',
    );
    expect(daily?.spent_usd).toBeCloseTo(total, 5);
    expect(daily?.spent_usd).toBeLessThanOrEqual(limit + perRequest);
  });

  it('releases the reservation when the upstream fails', async () => {
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(res, 500, { error: { message: 'overloaded', type: 'server_error' } }),
    );
    proxy = await startProxy(upstream.url, {
      budgets: { tenants: { acme: { caps: [{ window: 'daily', hard_limit_usd: 1 }] } } },
    });
    expect((await call(proxy, as('acme'), chat(1000))).status).toBe(500);
    const daily = (await costs(proxy, 'tenant_id=acme')).windows.find((w) => w.source === 'budget');
    expect(daily).toMatchObject({ window: 'daily', spent_usd: 0, remaining_usd: 1 });
  });

  it('counts an agent against its own cap and the tenant cap', async () => {
    proxy = await startProxy(upstream.url, {
      budgets: {
        tenants: {
          acme: {
            caps: [{ window: 'daily', hard_limit_usd: 0.0005 }],
            agents: {
              'bot-a': { caps: [{ window: 'hourly', hard_limit_usd: 0.0002 }] },
              '*': { caps: [{ window: 'daily', hard_limit_usd: 0.0003 }] },
            },
          },
        },
      },
    });
    expect((await call(proxy, as('acme', 'bot-a'))).status).toBe(200);
    const refused = await call(proxy, as('acme', 'bot-a'));
    expect(refused.status).toBe(429);
    expect(json<ErrorBody>(refused.body).error).toMatchObject({
      window: 'hourly',
      scope: 'agent',
      agent_id: 'bot-a',
      limit_usd: 0.0002,
    });
    // bot-b falls under `*`: its own daily counter; the tenant-wide cap still binds everyone.
    expect((await call(proxy, as('acme', 'bot-b'))).status).toBe(200);
    expect((await call(proxy, as('acme', 'bot-b'))).status).toBe(200);
    const tenantWide = await call(proxy, as('acme', 'bot-c'));
    expect(tenantWide.status).toBe(429);
    expect(json<ErrorBody>(tenantWide.body).error).toMatchObject({
      window: 'daily',
      scope: 'tenant',
      spent_usd: 0.000444,
    });
  });

  it('applies budgets.default to tenants without an entry, each with its own counter', async () => {
    proxy = await startProxy(upstream.url, {
      budgets: {
        default: { caps: [{ window: 'daily', hard_limit_usd: 0.0002 }] },
        tenants: { vip: {} },
      },
    });
    expect((await call(proxy, as('a'))).status).toBe(200);
    expect((await call(proxy, as('a'))).status).toBe(429);
    expect((await call(proxy, as('b'))).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await call(proxy, as('vip'))).status).toBe(200);
  });

  it('forwards unpriced models as $0 by default, or refuses them when configured', async () => {
    proxy = await startProxy(upstream.url, {
      budgets: { tenants: { acme: { caps: [{ window: 'daily', hard_limit_usd: 0.0002 }] } } },
    });
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(res, 200, { ...CHAT_COMPLETION, model: 'my-local-model' }),
    );
    for (let i = 0; i < 3; i++) {
      expect((await call(proxy, as('acme'), chat(10, 'Hi', 'my-local-model'))).status).toBe(200);
    }
    await proxy.close();
    proxy = await startProxy(upstream.url, {
      budgets: {
        unpriced_models: 'refuse',
        tenants: { acme: { caps: [{ window: 'daily', hard_limit_usd: 0.0002 }] } },
      },
    });
    const refused = await call(proxy, as('acme'), chat(10, 'Hi', 'my-local-model'));
    expect(refused.status).toBe(403);
    expect(json<ErrorBody>(refused.body).error.message).toContain('pricing.models');
  });

  it('sends one soft-cap alert and one 80 % warning per window', async () => {
    proxy = await startProxy(upstream.url, {
      alerts: {
        enabled: true,
        retry_base_ms: 10,
        channels: [
          { type: 'webhook', url: `${hooks.url}/budget`, kinds: ['budget'] },
          { type: 'slack', url: `${hooks.url}/slack`, kinds: ['budget'] },
        ],
      },
      budgets: {
        tenants: {
          acme: {
            caps: [
              { window: 'daily', soft_limit_usd: 0.0002 },
              { window: 'hourly', hard_limit_usd: 0.0005 },
            ],
          },
        },
      },
    });
    // 148 µ$ each: request 2 passes the $0.0002 soft cap, request 3 passes 80 % of $0.0005.
    expect((await call(proxy, as('acme'))).status).toBe(200);
    expect(hooks.received).toHaveLength(0);
    expect((await call(proxy, as('acme'))).status).toBe(200);
    expect(hooks.on('/budget')).toHaveLength(1);
    expect((await call(proxy, as('acme'))).status).toBe(200);
    expect((await call(proxy, as('acme'))).status).toBe(429);
    await settle(proxy);

    const alerts = hooks.on('/budget').map((r) => r.body);
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({
      kind: 'budget',
      tenant_id: 'acme',
      severity: 'medium',
      budget: { window: 'daily', level: 'soft', scope: 'tenant', limit_usd: 0.0002 },
    });
    expect(alerts[1]).toMatchObject({
      kind: 'budget',
      severity: 'high',
      budget: { window: 'hourly', level: 'warning', limit_usd: 0.0005, threshold_usd: 0.0004 },
    });
    expect((alerts[1]?.['budget'] as { resets_at: string }).resets_at).toBe(
      new Date(periodOf('hourly', Date.now()).end).toISOString(),
    );
    const slack = hooks.on('/slack').map((r) => r.body['text'] as string);
    expect(slack).toHaveLength(2);
    expect(slack[0]).toContain('soft cap');

    const res = await send(proxy.server.url, {
      method: 'GET',
      path: '/api/v1/alerts?tenant_id=acme&status=sent&channel=webhook:0',
    });
    const history = json<{ items: { kind: string }[] }>(res.body);
    expect(history.items.map((a) => a.kind)).toEqual(['budget', 'budget']);
  });
});

describe('token caps', () => {
  const headers = as('tok');
  const config = {
    budgets: {
      tenants: {
        tok: {
          max_prompt_tokens: 20,
          max_completion_tokens: 50,
          max_total_tokens: 60,
          agents: { big: { max_completion_tokens: 1000, max_total_tokens: 2000 } },
        },
      },
    },
  };

  it('refuses prompts, completions and totals over the caps with 400 TOKEN_CAP_EXCEEDED', async () => {
    proxy = await startProxy(upstream.url, config);
    const long = 'word '.repeat(50);
    const prompt = await send(proxy.server.url, { headers, body: chat(10, long) });
    expect(prompt.status).toBe(400);
    expect(json<ErrorBody>(prompt.body).error).toMatchObject({
      code: 'TOKEN_CAP_EXCEEDED',
      cap: 'max_prompt_tokens',
      limit: 20,
    });
    expect(json<ErrorBody>(prompt.body).error['requested']).toBeGreaterThan(20);

    const completion = await send(proxy.server.url, { headers, body: chat(51) });
    expect(json<ErrorBody>(completion.body).error).toMatchObject({
      code: 'TOKEN_CAP_EXCEEDED',
      cap: 'max_completion_tokens',
      limit: 50,
      requested: 51,
    });
    const unbounded = await send(proxy.server.url, { headers, body: chat() });
    expect(unbounded.status).toBe(400);
    expect(json<ErrorBody>(unbounded.body).error.message).toContain('set max_tokens');

    const total = await send(proxy.server.url, { headers, body: chat(50, 'word '.repeat(15)) });
    expect(json<ErrorBody>(total.body).error).toMatchObject({ cap: 'max_total_tokens', limit: 60 });
    expect(upstream.requests).toHaveLength(0);

    expect((await send(proxy.server.url, { headers, body: chat(50) })).status).toBe(200);
    // max_completion_tokens (the newer OpenAI name) counts the same.
    const newer = JSON.stringify({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hello!' }],
      max_completion_tokens: 500,
    });
    expect((await send(proxy.server.url, { headers, body: newer })).status).toBe(400);
    expect(upstream.requests).toHaveLength(1);
  });

  it('lets an agent override the tenant token caps and leaves other tenants alone', async () => {
    proxy = await startProxy(upstream.url, config);
    expect(
      (await send(proxy.server.url, { headers: as('tok', 'big'), body: chat(500) })).status,
    ).toBe(200);
    // The agent keeps the tenant's prompt cap (not overridden).
    const long = await send(proxy.server.url, {
      headers: as('tok', 'big'),
      body: chat(10, 'word '.repeat(50)),
    });
    expect(json<ErrorBody>(long.body).error).toMatchObject({ cap: 'max_prompt_tokens' });
    expect((await send(proxy.server.url, { headers: as('free'), body: chat() })).status).toBe(200);
    // Calls that generate nothing (embeddings) are not token-capped.
    const embeddings = await send(proxy.server.url, {
      headers,
      path: '/v1/embeddings',
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'word '.repeat(50) }),
    });
    expect(embeddings.status).toBe(200);
  });
});

describe('GET /api/v1/costs/current', () => {
  it('reports spend, limits, remaining and reset time per window', async () => {
    proxy = await startProxy(upstream.url, {
      budgets: {
        tenants: {
          acme: {
            caps: [{ window: 'daily', hard_limit_usd: 0.01, soft_limit_usd: 0.005 }],
            agents: { 'bot-a': { caps: [{ window: 'monthly', hard_limit_usd: 0.001 }] } },
          },
        },
      },
    });
    await call(proxy, as('acme', 'bot-a'));
    await call(proxy, as('acme', 'bot-b'));
    const now = Date.now();

    const tenant = await costs(proxy, 'tenant_id=acme');
    expect(tenant).toMatchObject({ tenant_id: 'acme', agent_id: null });
    expect(tenant.windows.map((w) => `${w.scope}:${w.window}:${w.source}`)).toEqual([
      'tenant:hourly:traces',
      'tenant:daily:budget',
      'tenant:weekly:traces',
      'tenant:monthly:traces',
    ]);
    const daily = tenant.windows[1];
    expect(daily).toMatchObject({
      spent_usd: 2 * ACTUAL_USD,
      hard_limit_usd: 0.01,
      soft_limit_usd: 0.005,
      remaining_usd: 0.01 - 2 * ACTUAL_USD,
      period_start: new Date(periodOf('daily', now).start).toISOString(),
      resets_at: new Date(periodOf('daily', now).end).toISOString(),
    });
    const monthly = tenant.windows[3];
    expect(monthly?.spent_usd).toBeCloseTo(2 * 0.0001475, 9);
    expect(monthly).toMatchObject({ hard_limit_usd: null, remaining_usd: null });

    const agent = await costs(proxy, 'tenant_id=acme&agent_id=bot-a');
    expect(agent.windows.find((w) => w.scope === 'agent')).toMatchObject({
      window: 'monthly',
      spent_usd: ACTUAL_USD,
      hard_limit_usd: 0.001,
      remaining_usd: 0.001 - ACTUAL_USD,
      resets_at: new Date(periodOf('monthly', now).end).toISOString(),
    });
  });

  it('reports spend from traces for a tenant without caps', async () => {
    proxy = await startProxy(upstream.url);
    await call(proxy, as('plain'));
    const report = await costs(proxy, 'tenant_id=plain');
    expect(report.windows).toHaveLength(4);
    expect(report.windows.every((w) => w.source === 'traces' && w.hard_limit_usd === null)).toBe(
      true,
    );
    expect(report.windows[0]?.spent_usd).toBeCloseTo(0.0001475, 9);
    expect(proxy.server.budgets).toBeUndefined();
  });
});
