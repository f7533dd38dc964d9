import type { SecuritySeverity } from '@llmtrace/core';
import type { Alert } from './alert.js';

/** The generic JSON body posted to `webhook` channels (versioned so receivers can evolve). */
export function webhookPayload(alert: Alert, channel: string): Record<string, unknown> {
  return {
    source: 'llmtrace',
    version: 1,
    kind: alert.kind,
    channel,
    title: alert.title,
    summary: alert.summary,
    severity: alert.severity,
    tenant_id: alert.tenantId,
    agent_id: alert.agentId,
    trace_id: alert.traceId,
    trace_url: alert.traceUrl,
    model: alert.model,
    provider: alert.provider,
    security_score: alert.securityScore,
    finding_types: alert.findingTypes,
    findings: alert.findings,
    budget:
      alert.budget === null
        ? null
        : {
            scope: alert.budget.scope,
            window: alert.budget.window,
            level: alert.budget.level,
            spent_usd: alert.budget.spentUsd,
            threshold_usd: alert.budget.thresholdUsd,
            limit_usd: alert.budget.limitUsd,
            period: alert.budget.periodId,
            resets_at: alert.budget.resetsAt,
          },
    dedup_key: alert.dedupKey,
    created_at: alert.createdAt,
  };
}

/** Slack mrkdwn treats `&`, `<` and `>` as control characters (api.slack.com/reference/surfaces/formatting#escaping). */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const SEVERITY_EMOJI: Readonly<Record<SecuritySeverity, string>> = Object.freeze({
  critical: ':rotating_light:',
  high: ':warning:',
  medium: ':large_orange_diamond:',
  low: ':information_source:',
  info: ':information_source:',
});

/**
 * Slack incoming-webhook body: `text` (notification fallback) plus Block Kit `blocks`
 * (api.slack.com/messaging/webhooks, api.slack.com/reference/block-kit/blocks). Header text is
 * limited to 150 characters, section text to 3000, and a section to 10 fields.
 */
export function slackPayload(alert: Alert): Record<string, unknown> {
  const field = (label: string, value: string) => ({
    type: 'mrkdwn',
    text: `*${label}*\n${slackEscape(value)}`,
  });
  const fields = [
    field('Tenant', alert.tenantId),
    field('Severity', alert.severity),
    ...(alert.agentId === null ? [] : [field('Agent', alert.agentId)]),
  ];
  if (alert.kind === 'security') {
    fields.push(
      field('Model', alert.model ?? 'unknown'),
      field('Security score', alert.securityScore === null ? 'n/a' : String(alert.securityScore)),
      field('Findings', alert.findingTypes.join(', ')),
    );
  } else if (alert.budget !== null) {
    const b = alert.budget;
    fields.push(
      field('Window', `${b.window} (${b.periodId})`),
      field('Spent', `$${b.spentUsd.toFixed(4)}`),
      field(b.level === 'soft' ? 'Soft cap' : 'Hard cap', `$${b.limitUsd}`),
      field('Resets at', b.resetsAt),
    );
  }
  if (alert.traceId !== null) {
    fields.push({
      type: 'mrkdwn',
      text:
        alert.traceUrl === null
          ? `*Trace*\n${slackEscape(alert.traceId)}`
          : `*Trace*\n<${alert.traceUrl}|${slackEscape(alert.traceId)}>`,
    });
  }
  const details = alert.findings
    .slice(0, 10)
    .map((f) => `• *${slackEscape(f.type)}* (${f.severity}): ${slackEscape(f.description)}`)
    .join('\n');
  return {
    // The fallback text is mrkdwn too: escaped, so a model name cannot smuggle in `<!channel>`.
    text: `${SEVERITY_EMOJI[alert.severity]} ${slackEscape(alert.summary)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(alert.title, 150), emoji: true } },
      { type: 'section', fields: fields.slice(0, 10) },
      ...(details === ''
        ? []
        : [{ type: 'section', text: { type: 'mrkdwn', text: clip(details, 3000) } }]),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `LLMTrace · ${alert.kind} alert · ${alert.createdAt}` }],
      },
    ],
  };
}

/** PagerDuty has four severities (developer.pagerduty.com/docs/events-api-v2/trigger-events). */
const PAGERDUTY_SEVERITY: Readonly<Record<SecuritySeverity, string>> = Object.freeze({
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
});

/**
 * PagerDuty Events API v2 trigger event: `summary` at most 1024 characters, `dedup_key` at most 255
 * (developer.pagerduty.com/docs/events-api-v2/trigger-events).
 */
export function pagerDutyPayload(alert: Alert, routingKey: string): Record<string, unknown> {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: clip(alert.dedupKey, 255),
    client: 'LLMTrace',
    payload: {
      summary: clip(alert.summary, 1024),
      source: `llmtrace/${alert.tenantId}`,
      severity: PAGERDUTY_SEVERITY[alert.severity],
      timestamp: alert.createdAt,
      component: alert.model ?? 'llmtrace',
      group: alert.tenantId,
      class: alert.kind === 'security' ? alert.findingTypes.join(',') : 'budget',
      custom_details: {
        kind: alert.kind,
        tenant_id: alert.tenantId,
        agent_id: alert.agentId,
        trace_id: alert.traceId,
        trace_url: alert.traceUrl,
        model: alert.model,
        security_score: alert.securityScore,
        finding_types: alert.findingTypes,
        findings: alert.findings,
        ...(alert.budget === null ? {} : { budget: alert.budget }),
      },
    },
    ...(alert.traceUrl === null
      ? {}
      : { links: [{ href: alert.traceUrl, text: 'Trace in LLMTrace' }] }),
  };
}
