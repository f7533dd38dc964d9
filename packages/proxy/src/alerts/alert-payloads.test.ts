import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import { pagerDutyPayload, slackPayload, webhookPayload } from './alert-payloads.js';

const alert: Alert = {
  kind: 'security',
  tenantId: 'acme',
  agentId: null,
  traceId: 't-1',
  severity: 'high',
  title: 'High security findings in tenant acme',
  summary: 'LLMTrace: prompt_injection in tenant acme, model <!channel>',
  model: '<!channel>',
  provider: 'openai',
  securityScore: 91,
  findings: [{ type: 'prompt_injection', severity: 'high', confidence: 0.9, description: 'a & b' }],
  findingTypes: ['prompt_injection'],
  traceUrl: 'http://llmtrace.local/api/v1/traces/t-1?tenant_id=acme',
  budget: null,
  dedupKey: 'llmtrace:acme:security:t-1',
  createdAt: '2026-01-31T00:00:00.000Z',
};

describe('alert payloads', () => {
  it('escapes Slack control characters so upstream data cannot mention @channel', () => {
    const body = JSON.stringify(slackPayload(alert));
    expect(body).not.toContain('<!channel>');
    expect(body).toContain('&lt;!channel&gt;');
    expect(body).toContain('a &amp; b');
    expect(body).toContain('<http://llmtrace.local/api/v1/traces/t-1?tenant_id=acme|t-1>');
  });

  it('maps severities to the four PagerDuty levels and bounds summary and dedup key', () => {
    const long = { ...alert, summary: 'x'.repeat(2000), dedupKey: 'k'.repeat(300) };
    const pd = pagerDutyPayload(long, 'key') as {
      dedup_key: string;
      payload: { severity: string; summary: string };
    };
    expect(pd.payload.severity).toBe('error');
    expect(pd.payload.summary).toHaveLength(1024);
    expect(pd.dedup_key).toHaveLength(255);
    expect(
      (pagerDutyPayload({ ...alert, severity: 'medium' }, 'k') as { payload: { severity: string } })
        .payload.severity,
    ).toBe('warning');
  });

  it('webhook JSON carries every field with snake_case names', () => {
    expect(webhookPayload(alert, 'webhook:0')).toMatchObject({
      version: 1,
      channel: 'webhook:0',
      tenant_id: 'acme',
      trace_id: 't-1',
      security_score: 91,
      finding_types: ['prompt_injection'],
      budget: null,
    });
  });
});
