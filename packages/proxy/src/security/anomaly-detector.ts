import { randomUUID } from 'node:crypto';
import type { CacheLayer, SecurityFinding, TraceSpan } from '@llmtrace/core';
import type { Logger } from 'pino';
import { robustBaseline, robustScore } from './robust-baseline.js';

/** The `security.anomaly` settings. */
export interface AnomalySettings {
  readonly warmupSamples: number;
  readonly threshold: number;
  readonly window: number;
  readonly newBehaviour: boolean;
}

/** A metric watched per tenant and agent. */
export type AnomalyMetric =
  | 'cost_per_hour'
  | 'requests_per_minute'
  | 'error_rate'
  | 'findings_per_minute'
  | 'tokens_per_request'
  | 'latency_ms'
  | 'new_model'
  | 'new_tool';

/** Metrics summed over a time bucket; the closed buckets form the baseline. */
const BUCKETED: readonly {
  readonly metric: AnomalyMetric;
  readonly seconds: number;
  readonly value: (span: TraceSpan) => { add: number; error: boolean };
}[] = [
  {
    metric: 'cost_per_hour',
    seconds: 3600,
    value: (s) => ({ add: s.estimatedCostUsd ?? 0, error: false }),
  },
  { metric: 'requests_per_minute', seconds: 60, value: () => ({ add: 1, error: false }) },
  {
    metric: 'error_rate',
    seconds: 300,
    value: (s) => ({ add: 1, error: s.statusCode !== null && s.statusCode >= 400 }),
  },
  {
    metric: 'findings_per_minute',
    seconds: 60,
    value: (s) => ({
      add: s.securityFindings.filter((f) => f.severity !== 'info' && f.type !== 'anomaly').length,
      error: false,
    }),
  },
];

/** An error rate is judged only over buckets with at least this many requests (minimum volume). */
const MIN_ERROR_VOLUME = 10;
/**
 * Floor of the latency baseline's spread, ms. Ten per cent of the median (the general floor) is
 * 0.3 ms for a 3 ms endpoint and 4 ms for a local model answering in 40 ms: a GC pause or a busy
 * host would then be an "anomaly". With this floor a latency anomaly is at least threshold × 50 ms
 * (300 ms at the default 6) above the median; slow endpoints keep the relative floor.
 */
const LATENCY_MIN_SPREAD_MS = 50;

/** Idle baselines expire after 30 days. */
const STATE_TTL_S = 30 * 86_400;
/** Models/tools remembered per tenant and agent for the new-behaviour signals. */
const MAX_SEEN = 200;
/** Spans waiting for the detector; past this they are skipped (counted), never queued without end. */
const MAX_PENDING = 1000;

interface MetricState {
  /** Closed-bucket values (or per-request values), oldest first, at most `window`. */
  w: number[];
  /** The open bucket: index, sum, requests, errors, whether it was flagged already. */
  b?: { i: number; s: number; n: number; e: number; f: boolean };
}

interface SeenState {
  n: number;
  models: string[];
  tools: string[];
}

/** What the detector found for one span. */
export interface AnomalyOutcome {
  readonly span: TraceSpan;
  readonly findings: readonly SecurityFinding[];
}

/** Options of {@link AnomalyDetector}. */
export interface AnomalyDetectorOptions {
  readonly cache: CacheLayer;
  readonly settings: AnomalySettings;
  readonly logger: Logger;
  /** Called with the span and its anomaly findings (alerts, storage). */
  readonly onAnomaly: (outcome: AnomalyOutcome) => void;
  readonly now?: () => number;
}

/**
 * Anomaly detection per tenant and agent over rolling baselines kept in the cache layer (Redis in
 * production, so every replica shares them; SQLite in lite). Fed by finished spans, off the request
 * path, one at a time. Each metric keeps a window of recent values; a value is scored by its
 * distance above the window's median in robust standard deviations (MAD), and only once the window
 * holds `warmup_samples` values. Bucketed metrics (cost per hour, requests per minute, error rate
 * per 5 minutes, findings per minute) score the open bucket as it fills, at most once per bucket;
 * error rates need ten requests in a bucket. New-behaviour signals (first model, first tool) fire
 * after warm-up only. A read-modify-write per metric: two replicas updating the same baseline at
 * the same instant may lose one sample, which a rolling median does not notice.
 */
export class AnomalyDetector {
  readonly #o: AnomalyDetectorOptions;
  readonly #now: () => number;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #skipped = 0;
  #found = 0;

  constructor(options: AnomalyDetectorOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Queues a finished span (never blocks, never throws). */
  onSpan(span: TraceSpan): void {
    if (this.#pending >= MAX_PENDING) {
      this.#skipped++;
      return;
    }
    this.#pending++;
    this.#tail = this.#tail
      .then(() => this.observe(span))
      .then((findings) => {
        if (findings.length > 0) this.#o.onAnomaly({ span, findings });
      })
      .catch((error: unknown) => {
        this.#o.logger.warn({ err: error, tenantId: span.tenantId }, 'anomaly detection failed');
      })
      .finally(() => {
        this.#pending--;
      });
  }

  /** Resolves when every queued span has been looked at. */
  async flush(): Promise<void> {
    while (this.#pending > 0) await this.#tail;
  }

  stats(): { readonly pending: number; readonly skipped: number; readonly found: number } {
    return { pending: this.#pending, skipped: this.#skipped, found: this.#found };
  }

  /** Updates the span's baselines and returns the anomalies it shows. */
  async observe(span: TraceSpan): Promise<SecurityFinding[]> {
    const scope = `anomaly:${span.tenantId}:${span.agentId ?? '-'}`;
    const findings: SecurityFinding[] = [];
    // Buckets follow the span's own start time: spans are judged in the hour they happened in,
    // however late they reach the detector.
    const parsed = Date.parse(span.startTime);
    const now = Number.isNaN(parsed) ? this.#now() : parsed;
    for (const b of BUCKETED) {
      const found = await this.#bucketed(`${scope}:${b.metric}`, b, now, b.value(span));
      if (found !== null) findings.push(this.#finding(span, found));
    }
    if (span.totalTokens !== null) {
      const found = await this.#perRequest(`${scope}:tokens_per_request`, span.totalTokens);
      if (found !== null)
        findings.push(this.#finding(span, { metric: 'tokens_per_request', ...found }));
    }
    if (span.durationMs !== null) {
      const latency = await this.#perRequest(
        `${scope}:latency_ms`,
        span.durationMs,
        LATENCY_MIN_SPREAD_MS,
      );
      if (latency !== null)
        findings.push(this.#finding(span, { metric: 'latency_ms', ...latency }));
    }
    if (this.#o.settings.newBehaviour) findings.push(...(await this.#newBehaviour(scope, span)));
    this.#found += findings.length;
    return findings;
  }

  async #read<T>(key: string, empty: T): Promise<T> {
    const raw = await this.#o.cache.get(key);
    if (raw === null) return empty;
    try {
      return JSON.parse(raw) as T;
    } catch {
      // A damaged baseline starts over rather than stopping detection for this tenant.
      return empty;
    }
  }

  #push(window: number[], value: number): void {
    window.push(value);
    if (window.length > this.#o.settings.window)
      window.splice(0, window.length - this.#o.settings.window);
  }

  #judge(
    window: readonly number[],
    observed: number,
    minSpread = 0,
  ): { baseline: number; score: number } | null {
    if (window.length < this.#o.settings.warmupSamples) return null;
    const base = robustBaseline(window);
    const score = robustScore(observed, base, minSpread);
    return score >= this.#o.settings.threshold ? { baseline: base.median, score } : null;
  }

  async #perRequest(
    key: string,
    value: number,
    minSpread = 0,
  ): Promise<{ baseline: number; observed: number; score: number } | null> {
    const state = await this.#read<MetricState>(key, { w: [] });
    const verdict = this.#judge(state.w, value, minSpread);
    this.#push(state.w, value);
    await this.#o.cache.set(key, JSON.stringify(state), STATE_TTL_S);
    return verdict === null ? null : { ...verdict, observed: value };
  }

  async #bucketed(
    key: string,
    bucket: { readonly metric: AnomalyMetric; readonly seconds: number },
    now: number,
    sample: { readonly add: number; readonly error: boolean },
  ): Promise<{ metric: AnomalyMetric; baseline: number; observed: number; score: number } | null> {
    const { metric, seconds } = bucket;
    const { add, error } = sample;
    const state = await this.#read<MetricState>(key, { w: [] });
    const index = Math.floor(now / (seconds * 1000));
    const rate = metric === 'error_rate';
    let open = state.b;
    if (open === undefined || open.i !== index) {
      if (open !== undefined && (!rate || open.n >= MIN_ERROR_VOLUME)) {
        this.#push(state.w, rate ? open.e / open.n : open.s);
      }
      open = { i: index, s: 0, n: 0, e: 0, f: false };
    }
    open.s += add;
    open.n += 1;
    if (error) open.e += 1;
    state.b = open;
    let found: { metric: AnomalyMetric; baseline: number; observed: number; score: number } | null =
      null;
    if (!open.f && (!rate || open.n >= MIN_ERROR_VOLUME)) {
      const observed = rate ? open.e / open.n : open.s;
      const verdict = this.#judge(state.w, observed);
      if (verdict !== null) {
        open.f = true;
        found = { metric, observed, ...verdict };
      }
    }
    await this.#o.cache.set(key, JSON.stringify(state), STATE_TTL_S);
    return found;
  }

  async #newBehaviour(scope: string, span: TraceSpan): Promise<SecurityFinding[]> {
    const key = `${scope}:seen`;
    const seen = await this.#read<SeenState>(key, { n: 0, models: [], tools: [] });
    const warm = seen.n >= this.#o.settings.warmupSamples;
    const out: SecurityFinding[] = [];
    const note = (list: string[], value: string, metric: AnomalyMetric): void => {
      if (list.includes(value)) return;
      if (warm) {
        out.push(
          this.#finding(
            span,
            { metric, baseline: list.length, observed: list.length + 1, score: 0 },
            value,
          ),
        );
      }
      if (list.length < MAX_SEEN) list.push(value);
    };
    if (span.model !== null) note(seen.models, span.model, 'new_model');
    for (const action of span.agentActions) note(seen.tools, action.name, 'new_tool');
    seen.n += 1;
    await this.#o.cache.set(key, JSON.stringify(seen), STATE_TTL_S);
    return out;
  }

  #finding(
    span: TraceSpan,
    found: { metric: AnomalyMetric; baseline: number; observed: number; score: number },
    subject?: string,
  ): SecurityFinding {
    const { metric, baseline, observed, score } = found;
    const rounded = Math.round(score * 10) / 10;
    const description =
      subject !== undefined
        ? `First use of ${metric === 'new_model' ? 'model' : 'tool'} ${subject} by this ${span.agentId === null ? 'tenant' : 'agent'}`
        : `${metric} is ${observed.toPrecision(4)} against a baseline of ${baseline.toPrecision(4)} (score ${rounded})`;
    return {
      id: randomUUID(),
      type: 'anomaly',
      severity:
        subject !== undefined ? 'low' : score >= 2 * this.#o.settings.threshold ? 'high' : 'medium',
      confidence:
        subject !== undefined ? 1 : Math.min(0.99, 0.5 + score / (4 * this.#o.settings.threshold)),
      description,
      // Cost, rate and token spikes are what OWASP calls unbounded consumption.
      ...(metric === 'cost_per_hour' ||
      metric === 'requests_per_minute' ||
      metric === 'tokens_per_request'
        ? { owaspId: 'LLM10:2025' }
        : {}),
      detectedAt: new Date(this.#now()).toISOString(),
      metadata: {
        metric,
        baseline,
        observed,
        score: rounded,
        agentId: span.agentId,
        ...(subject === undefined ? {} : { subject }),
      },
    };
  }
}
