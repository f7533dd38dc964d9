import { afterEach, describe, expect, it } from 'vitest';
import {
  CHAT_COMPLETION,
  chatStreamFrames,
  sendFrames,
  sendJson,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import { CHAT_REQUEST, send, startProxy, type ProxyUnderTest } from '../support/harness.js';
import { histogram, parsePrometheus, sample } from '../support/prometheus-text.js';

let upstream: MockUpstream | undefined;
let proxy: ProxyUnderTest | undefined;

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = undefined;
  upstream = undefined;
});

const ADMIN_KEY = 'admin-key-0123456789abcdef';

async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await send(url, { method: 'GET', path: '/metrics', headers });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = res.body.toString();
  return Object.assign(parsePrometheus(text), { text });
}

const num = (v: string | undefined): number => Number(v);

describe('GET /metrics (issue 17)', () => {
  it('counts proxied traffic: requests, tokens, cost, latency and TTFT histograms, refusals', async () => {
    upstream = await startMockUpstream();
    const mock = upstream;
    proxy = await startProxy(mock.url, {
      budgets: { default: { max_completion_tokens: 100 } },
    });
    // Two JSON answers (usage 19 in / 10 out each), one stream with usage (12 in / 3 out), one 500.
    await send(proxy.server.url, {
      body: CHAT_REQUEST.replace('"messages"', '"max_tokens":50,"messages"'),
    });
    await send(proxy.server.url, {
      body: CHAT_REQUEST.replace('"messages"', '"max_tokens":50,"messages"'),
    });
    mock.route('POST /v1/chat/completions', (_req, res) =>
      sendFrames(res, chatStreamFrames(['a', 'b', 'c'], { usage: true }), 2),
    );
    await send(proxy.server.url, {
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    mock.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(res, 500, { error: { message: 'boom', type: 'server_error' } }),
    );
    await send(proxy.server.url, {
      body: CHAT_REQUEST.replace('"messages"', '"max_tokens":50,"messages"'),
    });
    // Refused before forwarding: asks for more completion tokens than the cap allows.
    const refused = await send(proxy.server.url, {
      body: CHAT_REQUEST.replace('"messages"', '"max_tokens":1000,"messages"'),
    });
    expect(refused.status).toBe(400);
    const spans = await proxy.spans();
    expect(spans).toHaveLength(4);

    const m = await scrape(proxy.server.url);
    expect(
      num(
        sample(m, 'llmtrace_requests_total', {
          provider: 'openai',
          model: 'gpt-4o-2024-08-06',
          status_class: '2xx',
        })?.value,
      ),
    ).toBe(2);
    expect(
      num(
        sample(m, 'llmtrace_requests_total', {
          provider: 'openai',
          model: 'gpt-4o-mini',
          status_class: '2xx',
        })?.value,
      ),
    ).toBe(1);
    expect(
      num(
        sample(m, 'llmtrace_requests_total', {
          provider: 'openai',
          model: 'gpt-4o',
          status_class: '5xx',
        })?.value,
      ),
    ).toBe(1);
    expect(
      num(sample(m, 'llmtrace_tokens_total', { model: 'gpt-4o-2024-08-06', type: 'input' })?.value),
    ).toBe(38);
    expect(
      num(
        sample(m, 'llmtrace_tokens_total', { model: 'gpt-4o-2024-08-06', type: 'output' })?.value,
      ),
    ).toBe(20);
    expect(
      num(sample(m, 'llmtrace_tokens_total', { model: 'gpt-4o-mini', type: 'input' })?.value),
    ).toBe(12);
    expect(
      num(sample(m, 'llmtrace_tokens_total', { model: 'gpt-4o-mini', type: 'output' })?.value),
    ).toBe(3);
    // The cost counter adds up exactly what was stored on the spans.
    const storedCost = spans
      .filter((s) => s.model === 'gpt-4o-2024-08-06')
      .reduce((sum, s) => sum + (s.estimatedCostUsd ?? 0), 0);
    expect(storedCost).toBeGreaterThan(0);
    expect(
      num(sample(m, 'llmtrace_cost_usd_total', { model: 'gpt-4o-2024-08-06' })?.value),
    ).toBeCloseTo(storedCost, 12);
    // Histograms: one observation per span; TTFT only for the stream.
    expect(m.get('llmtrace_upstream_duration_seconds')?.type).toBe('HISTOGRAM');
    const duration = histogram(m.text, 'llmtrace_upstream_duration_seconds', {
      model: 'gpt-4o-2024-08-06',
    });
    expect(duration?.count).toBe(2);
    expect(duration?.buckets.get('120')).toBe(2);
    expect(duration?.buckets.get('+Inf')).toBe(2);
    expect([...(duration?.buckets.keys() ?? [])][0]).toBe('0.05');
    const ttft = histogram(m.text, 'llmtrace_time_to_first_token_seconds', {
      model: 'gpt-4o-mini',
    });
    expect(ttft?.count).toBe(1);
    expect(ttft?.sum).toBeGreaterThan(0);
    expect(
      histogram(m.text, 'llmtrace_time_to_first_token_seconds', { model: 'gpt-4o-2024-08-06' }),
    ).toBeUndefined();
    expect(histogram(m.text, 'llmtrace_proxy_overhead_seconds')?.count).toBe(4);
    expect(
      num(sample(m, 'llmtrace_requests_refused_total', { reason: 'token_cap_exceeded' })?.value),
    ).toBe(1);
    // Capture and storage state, read at scrape time.
    expect(num(sample(m, 'llmtrace_capture_queue_depth')?.value)).toBe(0);
    expect(num(sample(m, 'llmtrace_traces_dropped_total', { reason: 'queue_full' })?.value)).toBe(
      0,
    );
    expect(num(sample(m, 'llmtrace_storage_breaker_state', { state: 'closed' })?.value)).toBe(1);
    expect(
      histogram(m.text, 'llmtrace_storage_write_duration_seconds', { outcome: 'ok' })?.count,
    ).toBeGreaterThan(0);
    expect(num(sample(m, 'llmtrace_alert_deliveries_total', { outcome: 'sent' })?.value)).toBe(0);
    expect(m.get('process_cpu_seconds_total')?.type).toBe('COUNTER');
    expect(m.get('llmtrace_build_info')?.metrics[0]?.labels?.['version']).toMatch(/^\d+\.\d+\.\d+/);
    // No tenant label unless asked for.
    expect(sample(m, 'llmtrace_tokens_total')?.labels?.['tenant']).toBeUndefined();
    // Nothing about /metrics reached the upstream.
    expect(mock.requests.every((r) => r.url !== '/metrics')).toBe(true);
  });

  it('labels tokens and cost with the tenant when metrics.tenant_label is on', async () => {
    upstream = await startMockUpstream();
    proxy = await startProxy(upstream.url, { metrics: { tenant_label: true } });
    await send(proxy.server.url, {
      body: CHAT_REQUEST,
      headers: { 'x-llmtrace-tenant-id': 'acme' },
    });
    await proxy.spans('acme');
    const m = await scrape(proxy.server.url);
    expect(num(sample(m, 'llmtrace_tokens_total', { tenant: 'acme', type: 'input' })?.value)).toBe(
      19,
    );
  });

  it('counts spans whose analysis was cut by its budget (issue 14, item 6)', async () => {
    upstream = await startMockUpstream();
    proxy = await startProxy(upstream.url);
    // More messages than the analysis budget covers (256): the oldest are left out.
    const messages = Array.from({ length: 300 }, (_, i) => ({ role: 'user', content: `m${i}` }));
    await send(proxy.server.url, { body: JSON.stringify({ model: 'gpt-4o', messages }) });
    await send(proxy.server.url, { body: CHAT_REQUEST });
    const spans = await proxy.spans();
    expect(spans.filter((s) => s.tags['analysis_partial'] !== undefined)).toHaveLength(1);
    const m = await scrape(proxy.server.url);
    expect(num(sample(m, 'llmtrace_analysis_partial_total')?.value)).toBe(1);
  });

  it('folds model names past metrics.max_label_sets into model="other" (bounded cardinality)', async () => {
    upstream = await startMockUpstream();
    const mock = upstream;
    // The upstream answers with the model asked for, so every request names a new model.
    mock.route('POST /v1/chat/completions', (_req, res, received) => {
      const model = (JSON.parse(received.body.toString()) as { model: string }).model;
      sendJson(res, 200, { ...CHAT_COMPLETION, model });
    });
    proxy = await startProxy(mock.url, { metrics: { max_label_sets: 2 } });
    for (const model of ['m-1', 'm-2', 'm-3', 'm-4', 'm-5']) {
      await send(proxy.server.url, { body: CHAT_REQUEST.replace('gpt-4o', model) });
    }
    await proxy.spans();
    const m = await scrape(proxy.server.url);
    const models = new Set(
      m.get('llmtrace_requests_total')?.metrics.map((s) => s.labels?.['model']),
    );
    expect(models).toEqual(new Set(['m-1', 'm-2', 'other']));
    expect(num(sample(m, 'llmtrace_requests_total', { model: 'other' })?.value)).toBe(3);
  });

  it('needs the admin key when auth is enabled; no key, an unknown key or a tenant key is refused', async () => {
    upstream = await startMockUpstream();
    proxy = await startProxy(upstream.url, { auth: { enabled: true, admin_key: ADMIN_KEY } });
    const anonymous = await send(proxy.server.url, { method: 'GET', path: '/metrics' });
    expect(anonymous.status).toBe(401);
    const wrong = await send(proxy.server.url, {
      method: 'GET',
      path: '/metrics',
      headers: { authorization: 'Bearer not-a-key-at-all' },
    });
    expect(wrong.status).toBe(401);
    const url = proxy.server.url;
    await send(url, {
      path: '/api/v1/tenants',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ id: 'acme', name: 'acme' }),
    });
    const created = await send(url, {
      path: '/api/v1/tenants/acme/keys',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ name: 'ops', role: 'admin' }),
    });
    expect(created.status).toBe(201);
    const tenantKey = (JSON.parse(created.body.toString()) as { key: string }).key;
    // Even a tenant's admin key: metrics cover every tenant.
    const tenant = await send(url, {
      method: 'GET',
      path: '/metrics',
      headers: { authorization: `Bearer ${tenantKey}` },
    });
    expect(tenant.status).toBe(403);
    expect(tenant.body.toString()).not.toContain('llmtrace_requests_total');
    const m = await scrape(proxy.server.url, { authorization: `Bearer ${ADMIN_KEY}` });
    expect(m.has('llmtrace_requests_total')).toBe(true);
  });

  it('serves /metrics on metrics.listen instead of the proxy port when configured', async () => {
    upstream = await startMockUpstream();
    proxy = await startProxy(upstream.url, {
      auth: { enabled: true, admin_key: ADMIN_KEY },
      metrics: { listen: { host: '127.0.0.1', port: 0 } },
    });
    const onProxy = await send(proxy.server.url, { method: 'GET', path: '/metrics' });
    expect(onProxy.status).toBe(404);
    const url = proxy.server.metricsUrl;
    expect(url).toBeDefined();
    const m = await scrape(url as string);
    expect(m.has('llmtrace_capture_queue_depth')).toBe(true);
    const other = await send(url as string, { method: 'GET', path: '/v1/models' });
    expect(other.status).toBe(404);
    expect(upstream.requests).toHaveLength(0);
  });

  it('answers a clear 404 when metrics.enabled is false, and never forwards', async () => {
    upstream = await startMockUpstream();
    proxy = await startProxy(upstream.url, { metrics: { enabled: false } });
    const res = await send(proxy.server.url, { method: 'GET', path: '/metrics' });
    expect(res.status).toBe(404);
    expect(res.body.toString()).toMatch(/metrics\.enabled/);
    expect(upstream.requests).toHaveLength(0);
  });
});
