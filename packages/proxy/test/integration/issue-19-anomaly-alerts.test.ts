import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHAT_COMPLETION,
  sendJson,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import { startMockWebhook, type MockWebhook } from '../support/mock-webhook.js';
import { eventually, send, startProxy, type ProxyUnderTest } from '../support/harness.js';

let upstream: MockUpstream;
let webhook: MockWebhook;
let proxy: ProxyUnderTest | undefined;

beforeEach(async () => {
  upstream = await startMockUpstream();
  webhook = await startMockWebhook();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await webhook.close();
  await upstream.close();
});

const CHAT = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }] });

describe('issue 19: anomaly detection in the proxy', () => {
  it('turns a token spike into a stored anomaly finding and one alert (cooldown for the next)', async () => {
    proxy = await startProxy(upstream.url, {
      security: { anomaly: { enabled: true, warmup_samples: 5, new_behaviour: false } },
      alerts: {
        enabled: true,
        cooldown_seconds: 300,
        retry_base_ms: 10,
        timeout_ms: 2_000,
        channels: [{ type: 'webhook', url: `${webhook.url}/webhook`, min_severity: 'medium' }],
      },
    });
    let completion = 100;
    let delayMs = 0;
    upstream.route('POST /v1/chat/completions', (_req, res) => {
      setTimeout(
        () =>
          sendJson(res, 200, {
            ...CHAT_COMPLETION,
            usage: {
              prompt_tokens: 20,
              completion_tokens: completion,
              total_tokens: 20 + completion,
            },
          }),
        delayMs,
      );
    });
    const headers = { 'x-llmtrace-tenant-id': 'acme', 'x-llmtrace-agent-id': 'bot' };
    // Latency is watched too: warm-up latencies of 0 and 150 ms make its baseline wide enough
    // (anomalous only past ~0.75 s) that a busy CI machine cannot add a latency anomaly, and with it
    // a third anomalous span and a different alert count.
    for (const [i, c] of [90, 110, 100, 95, 105, 100].entries()) {
      completion = c;
      delayMs = i % 2 === 0 ? 0 : 150;
      await send(proxy.server.url, { headers, body: CHAT });
    }
    delayMs = 75;
    completion = 40_000;
    await send(proxy.server.url, { headers, body: CHAT });
    await send(proxy.server.url, { headers, body: CHAT });
    await proxy.server.capture.flush();
    await proxy.server.anomalies?.flush();
    const server = proxy.server;

    const spans = await eventually(async () => {
      const page = await server.storage.traces.querySpans({
        tenantId: 'acme',
        findingType: 'anomaly',
        limit: 10,
        offset: 0,
      });
      return page.items.length === 2 ? page.items : undefined;
    });
    const tokens = spans
      .flatMap((s) => s.securityFindings)
      .filter((f) => f.metadata['metric'] === 'tokens_per_request');
    expect(tokens).toHaveLength(2);
    expect(tokens[0]?.metadata).toMatchObject({ baseline: 120, observed: 40_020, agentId: 'bot' });

    await server.alerts.flush();
    const alerts = await server.storage.metadata.queryAlerts({
      tenantId: 'acme',
      limit: 10,
      offset: 0,
    });
    expect(alerts.items.map((a) => a.status).sort()).toEqual(['sent', 'suppressed']);
    expect(webhook.on('/webhook')).toHaveLength(1);
  });
});
