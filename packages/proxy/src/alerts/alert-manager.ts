import {
  SEVERITY_RANK,
  severityAtLeast,
  type AlertRecord,
  type CacheLayer,
  type Config,
  type MetadataRepository,
  type SecurityFinding,
  type SecuritySeverity,
  type TenantConfig,
  type TenantId,
  type TraceSpan,
} from '@llmtrace/core';
import type { Logger } from 'pino';
import type { BudgetAlertEvent } from '../budgets/budget-guard.js';
import type { Alert, AlertFinding } from './alert.js';
import { pagerDutyPayload, slackPayload, webhookPayload } from './alert-payloads.js';
import { AlertSender } from './alert-sender.js';

/** The `alerts` config section. */
export type AlertsConfig = Config['alerts'];

/** A channel compiled once at startup. */
interface Channel {
  /** `name`, or `<type>:<index>`: what alert history records. */
  readonly id: string;
  readonly url: string;
  readonly minSeverity: SecuritySeverity;
  readonly minScore: number;
  readonly security: boolean;
  readonly budget: boolean;
  readonly format: (alert: Alert) => unknown;
}

/** Counters for `/health`. */
export interface AlertStats {
  readonly sent: number;
  readonly failed: number;
  readonly suppressed: number;
  /** Alerts not even attempted because too many were in flight. */
  readonly dropped: number;
  readonly retries: number;
  readonly recordErrors: number;
  readonly pending: number;
}

/** Options of {@link AlertManager}. */
export interface AlertManagerOptions {
  readonly config: AlertsConfig;
  readonly cache: CacheLayer;
  readonly metadata: MetadataRepository;
  readonly logger: Logger;
  /** The tenant's own thresholds (tenant config), which override every channel's. */
  readonly thresholdsFor: (tenantId: TenantId) => TenantConfig['alertThresholds'] | undefined;
  /** Base URL for trace links when `alerts.public_url` is not set (the listening address). */
  readonly baseUrl: () => string;
  /** Alerts in flight at most; beyond, new ones are dropped and counted. */
  readonly maxPending?: number;
}

/** On close, deliveries in flight get this long before they are aborted. */
const CLOSE_GRACE_MS = 5_000;

function compileChannels(config: AlertsConfig): Channel[] {
  return config.channels.map((c, index) => {
    const id = c.name ?? `${c.type}:${index}`;
    const base = {
      id,
      url: c.url,
      minSeverity: c.min_severity,
      minScore: c.min_security_score,
      security: c.kinds.includes('security'),
      budget: c.kinds.includes('budget'),
    };
    switch (c.type) {
      case 'webhook':
        return { ...base, format: (alert: Alert) => webhookPayload(alert, id) };
      case 'slack':
        return { ...base, format: slackPayload };
      case 'pagerduty': {
        const key = c.routing_key;
        return { ...base, format: (alert: Alert) => pagerDutyPayload(alert, key) };
      }
    }
  });
}

function highest(findings: readonly SecurityFinding[]): SecuritySeverity {
  let top: SecuritySeverity = 'info';
  for (const f of findings) if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[top]) top = f.severity;
  return top;
}

/**
 * Alerts after analysis, never on the request path and never thrown into capture:
 * - `onSpan` (called by the capture worker for each built span) picks the channels whose thresholds
 *   the span's findings reach — a synchronous filter, free for spans without findings;
 * - a cooldown per (tenant, finding type, channel) is taken with one atomic `CacheLayer.reserve`
 *   per type (Redis in production, so replicas share it): of two concurrent alerts only one passes;
 * - delivery runs in the background with a timeout and bounded retries ({@link AlertSender});
 * - every alert sent, suppressed or failed is recorded with `MetadataRepository.recordAlert`.
 */
export class AlertManager {
  readonly #o: AlertManagerOptions;
  readonly #channels: readonly Channel[];
  readonly #securityChannels: readonly Channel[];
  readonly #budgetChannels: readonly Channel[];
  readonly #sender: AlertSender;
  readonly #closing = new AbortController();
  readonly #pending = new Set<Promise<void>>();
  readonly #maxPending: number;
  #sent = 0;
  #failed = 0;
  #suppressed = 0;
  #dropped = 0;
  #recordErrors = 0;

  constructor(options: AlertManagerOptions) {
    this.#o = options;
    this.#channels = options.config.enabled ? compileChannels(options.config) : [];
    this.#securityChannels = this.#channels.filter((c) => c.security);
    this.#budgetChannels = this.#channels.filter((c) => c.budget);
    this.#maxPending = options.maxPending ?? 1_000;
    this.#sender = new AlertSender({
      timeoutMs: options.config.timeout_ms,
      maxAttempts: options.config.max_attempts,
      retryBaseMs: options.config.retry_base_ms,
    });
  }

  /** True when at least one channel is configured and alerts are enabled. */
  get active(): boolean {
    return this.#channels.length > 0;
  }

  /** Checks a built span against every security channel and sends what is due (background). */
  onSpan(span: TraceSpan): void {
    if (span.securityFindings.length === 0 || this.#securityChannels.length === 0) return;
    const tenant = this.#o.thresholdsFor(span.tenantId);
    for (const channel of this.#securityChannels) {
      const minSeverity = tenant?.minSeverity ?? channel.minSeverity;
      const minScore = tenant?.minSecurityScore ?? channel.minScore;
      if ((span.securityScore ?? 0) < minScore) continue;
      const findings = span.securityFindings.filter((f) =>
        severityAtLeast(f.severity, minSeverity),
      );
      if (findings.length === 0) continue;
      this.#launch(() => this.#security(channel, span, findings));
    }
  }

  /** Sends a budget threshold alert to every channel that takes budget alerts (background). */
  onBudget(event: BudgetAlertEvent): void {
    for (const channel of this.#budgetChannels) this.#launch(() => this.#budget(channel, event));
  }

  stats(): AlertStats {
    return {
      sent: this.#sent,
      failed: this.#failed,
      suppressed: this.#suppressed,
      dropped: this.#dropped,
      retries: this.#sender.retries,
      recordErrors: this.#recordErrors,
      pending: this.#pending.size,
    };
  }

  /** Waits until every alert in flight is delivered (or has failed) and recorded. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Lets deliveries in flight finish for a short grace period, then aborts them. */
  async close(): Promise<void> {
    const grace = setTimeout(() => this.#closing.abort(), CLOSE_GRACE_MS);
    await this.flush();
    clearTimeout(grace);
    this.#closing.abort();
    await this.#sender.close();
  }

  #launch(task: () => Promise<void>): void {
    if (this.#pending.size >= this.#maxPending || this.#closing.signal.aborted) {
      this.#dropped++;
      this.#o.logger.warn(
        { pending: this.#pending.size },
        'too many alerts in flight; alert dropped',
      );
      return;
    }
    const running = task()
      .catch((error: unknown) => {
        // A bug, not a delivery failure (those are values): log it, never throw into capture.
        this.#o.logger.error({ err: error }, 'alert task failed');
      })
      .finally(() => this.#pending.delete(running));
    this.#pending.add(running);
  }

  #traceUrl(span: TraceSpan): string {
    const base = (this.#o.config.public_url ?? this.#o.baseUrl()).replace(/\/+$/, '');
    return `${base}/api/v1/traces/${encodeURIComponent(span.traceId)}?tenant_id=${encodeURIComponent(span.tenantId)}`;
  }

  /** The finding types of this alert that are not cooling down on this channel. */
  async #fresh(tenantId: TenantId, channel: Channel, types: readonly string[]): Promise<string[]> {
    const seconds = this.#o.config.cooldown_seconds;
    if (seconds === 0) return [...types];
    const fresh: string[] = [];
    for (const type of types) {
      const key = `alert-cooldown:${tenantId}/${encodeURIComponent(channel.id)}/${encodeURIComponent(type)}`;
      try {
        // Atomic: 0 → 1 succeeds once per cooldown; the key expires with it.
        if ((await this.#o.cache.reserve(key, 1, 1, seconds)).ok) fresh.push(type);
      } catch (error) {
        // Without the cache we cannot know; an extra alert beats a missed attack.
        this.#o.logger.warn({ err: error }, 'alert cooldown unavailable; sending anyway');
        fresh.push(type);
      }
    }
    return fresh;
  }

  async #security(
    channel: Channel,
    span: TraceSpan,
    findings: readonly SecurityFinding[],
  ): Promise<void> {
    const types = [...new Set(findings.map((f) => f.type))].sort();
    const severity = highest(findings);
    const fresh = await this.#fresh(span.tenantId, channel, types);
    const list: AlertFinding[] = findings.map((f) => ({
      type: f.type,
      severity: f.severity,
      confidence: f.confidence,
      description: f.description,
    }));
    const title = `${severity[0]?.toUpperCase() ?? ''}${severity.slice(1)} security findings in tenant ${span.tenantId}`;
    const alert: Alert = {
      kind: 'security',
      tenantId: span.tenantId,
      agentId: span.agentId,
      traceId: span.traceId,
      severity,
      title,
      summary: `LLMTrace: ${types.join(', ')} (${severity}, score ${span.securityScore ?? 'n/a'}) in tenant ${span.tenantId}, model ${span.model ?? 'unknown'}, trace ${span.traceId}`,
      model: span.model,
      provider: span.provider,
      securityScore: span.securityScore,
      findings: list,
      findingTypes: types,
      traceUrl: this.#traceUrl(span),
      budget: null,
      dedupKey: `llmtrace:${span.tenantId}:security:${span.traceId}`,
      createdAt: new Date().toISOString(),
    };
    if (fresh.length === 0) {
      this.#suppressed++;
      await this.#record(channel, alert, 'suppressed', {
        reason: `cooldown of ${this.#o.config.cooldown_seconds}s per finding type`,
      });
      return;
    }
    await this.#deliver(channel, alert, {
      ...(fresh.length < types.length
        ? { cooling_types: types.filter((t) => !fresh.includes(t)) }
        : {}),
    });
  }

  async #budget(channel: Channel, event: BudgetAlertEvent): Promise<void> {
    const who =
      event.scope === 'agent'
        ? `agent ${event.agentId ?? ''} of tenant ${event.tenantId}`
        : `tenant ${event.tenantId}`;
    const what =
      event.level === 'soft'
        ? `passed its soft cap of $${event.limitUsd}`
        : `reached ${this.#warnPercent(event)}% of its hard cap of $${event.limitUsd}`;
    const alert: Alert = {
      kind: 'budget',
      tenantId: event.tenantId,
      agentId: event.agentId,
      traceId: null,
      severity: event.level === 'soft' ? 'medium' : 'high',
      title: `Budget: ${who} ${event.window} spend ${what}`,
      summary: `LLMTrace: ${event.window} spend of ${who} is $${event.spentUsd.toFixed(4)} and ${what}; the window resets at ${event.resetsAt}`,
      model: null,
      provider: null,
      securityScore: null,
      findings: [],
      findingTypes: [],
      traceUrl: null,
      budget: event,
      dedupKey: `llmtrace:${event.tenantId}:budget:${event.scope}:${event.agentId ?? ''}:${event.window}:${event.periodId}:${event.level}`,
      createdAt: new Date().toISOString(),
    };
    await this.#deliver(channel, alert, {});
  }

  #warnPercent(event: BudgetAlertEvent): number {
    return event.limitUsd === 0 ? 100 : Math.round((event.thresholdUsd / event.limitUsd) * 100);
  }

  async #deliver(channel: Channel, alert: Alert, extra: Record<string, unknown>): Promise<void> {
    const result = await this.#sender.deliver(
      channel.url,
      channel.format(alert),
      this.#closing.signal,
    );
    if (result.ok) {
      this.#sent++;
      await this.#record(channel, alert, 'sent', { ...extra, attempts: result.attempts });
      return;
    }
    this.#failed++;
    this.#o.logger.warn(
      {
        channel: channel.id,
        tenantId: alert.tenantId,
        attempts: result.attempts,
        error: result.error,
      },
      'alert delivery failed',
    );
    await this.#record(channel, alert, 'failed', {
      ...extra,
      attempts: result.attempts,
      error: result.error,
      status_code: result.status,
    });
  }

  async #record(
    channel: Channel,
    alert: Alert,
    status: AlertRecord['status'],
    extra: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.#o.metadata.recordAlert({
        tenantId: alert.tenantId,
        channel: channel.id,
        kind: alert.kind,
        status,
        severity: alert.severity,
        title: alert.title,
        traceId: alert.traceId,
        details: {
          summary: alert.summary,
          agent_id: alert.agentId,
          model: alert.model,
          security_score: alert.securityScore,
          finding_types: alert.findingTypes,
          dedup_key: alert.dedupKey,
          ...(alert.traceUrl === null ? {} : { trace_url: alert.traceUrl }),
          ...(alert.budget === null
            ? {}
            : {
                window: alert.budget.window,
                scope: alert.budget.scope,
                level: alert.budget.level,
                spent_usd: alert.budget.spentUsd,
                limit_usd: alert.budget.limitUsd,
                resets_at: alert.budget.resetsAt,
              }),
          ...extra,
        },
      });
    } catch (error) {
      this.#recordErrors++;
      this.#o.logger.warn({ err: error, channel: channel.id }, 'could not record alert history');
    }
  }
}
