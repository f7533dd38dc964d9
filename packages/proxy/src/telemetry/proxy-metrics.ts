import type { TraceSpan } from '@llmtrace/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Upstream latency buckets, in seconds: LLM calls run from tens of milliseconds (a cached
 * embedding) to minutes (a reasoning model's long answer), so 50 ms … 120 s (issue 17).
 */
export const LLM_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120,
]);
/** What LLMTrace adds before forwarding: the DESIGN budget is 0.3 ms, so 50 µs … 100 ms. */
const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];
/** One batched storage write: SQLite commits take about a millisecond, ClickHouse inserts more. */
const WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/** Counters of the capture pipeline, read when Prometheus scrapes (see {@link ProxyMetrics.observe}). */
export interface CaptureCounters {
  readonly queueDepth: number;
  readonly droppedQueueFull: number;
  readonly droppedStorage: number;
  readonly buildErrors: number;
  readonly droppedWorker: number;
  readonly breaker: 'closed' | 'open' | 'half_open';
}

/** Alert delivery counters, read at scrape time. */
export interface AlertCounters {
  readonly sent: number;
  readonly failed: number;
  readonly suppressed: number;
  readonly dropped: number;
}

/** OTLP export counters, read at scrape time. */
export interface ExportCounters {
  readonly queueDepth: number;
  readonly exported: number;
  readonly failed: number;
  readonly dropped: number;
}

/** Transformer tier (`security.ml`) counters, read at scrape time. */
export interface MlCounters {
  readonly queueDepth: number;
  readonly scored: number;
  readonly batches: number;
  readonly dropped: number;
  readonly timeouts: number;
  readonly failed: number;
  readonly modelMs: number;
}

/** Where the scrape-time values come from; each source is optional. */
export interface MetricSources {
  readonly capture?: () => CaptureCounters;
  readonly alerts?: () => AlertCounters;
  readonly export?: () => ExportCounters;
  readonly ml?: () => MlCounters;
  /** The retention job (issue 19): spans deleted and runs. */
  readonly retention?: () => RetentionCounters;
}

/** Retention job counters, read at scrape time. */
export interface RetentionCounters {
  readonly deletedSpans: number;
  readonly runs: number;
  readonly failedRuns: number;
}

/** Options of {@link ProxyMetrics}. */
export interface ProxyMetricsOptions {
  readonly version: string;
  /** Label token and cost counters with the tenant (cardinality grows with tenants). */
  readonly tenantLabel: boolean;
  /** Distinct (provider, model[, tenant]) label sets before new ones fold into `model="other"`. */
  readonly maxLabelSets: number;
  /** Also collect Node's process metrics (CPU, memory, event loop lag, GC). */
  readonly processMetrics?: boolean;
}

/** The pre-bound children of one (provider, model[, tenant]) combination. */
interface LabelSet {
  /** The label values, after folding (see {@link ProxyMetricsOptions.maxLabelSets}). */
  readonly labels: readonly string[];
  /** By status class index (0: no response, 1..5: 1xx..5xx); filled on first use. */
  readonly requests: (Counter.Internal | undefined)[];
  readonly duration: Histogram.Internal<string>;
  readonly ttft: Histogram.Internal<string>;
  readonly inputTokens: Counter.Internal;
  readonly outputTokens: Counter.Internal;
  readonly cost: Counter.Internal;
}

const STATUS_CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;
const OTHER_MODEL = 'other';
const NO_MODEL = 'unknown';

/**
 * LLMTrace's Prometheus metrics (prom-client), named after Prometheus conventions (base units:
 * seconds, `_total` counters) and mapped to the OpenTelemetry GenAI metrics in the README:
 * `llmtrace_tokens_total` ↔ `gen_ai.client.token.usage`, `llmtrace_upstream_duration_seconds` ↔
 * `gen_ai.client.operation.duration`, `llmtrace_time_to_first_token_seconds` ↔
 * `gen_ai.server.time_to_first_token`.
 *
 * Cost (STYLE rule 16): spans are counted by capture, off the request path; each label combination
 * is bound once and kept, so a span costs one map lookup and a few additions. The request path
 * itself calls only {@link refused}, for requests it answers without forwarding.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  readonly #o: ProxyMetricsOptions;
  readonly #sets = new Map<string, LabelSet>();
  readonly #requests: Counter;
  readonly #duration: Histogram;
  readonly #ttft: Histogram;
  readonly #overhead: Histogram.Internal<string>;
  readonly #tokens: Counter;
  readonly #cost: Counter;
  readonly #findings: Counter;
  readonly #findingChildren = new Map<string, Counter.Internal>();
  readonly #refused: Counter;
  readonly #analysisPartial: Counter.Internal;
  readonly #refusedChildren = new Map<string, Counter.Internal>();
  readonly #writeOk: Histogram.Internal<string>;
  readonly #writeFailed: Histogram.Internal<string>;
  #sources: MetricSources = {};

  constructor(options: ProxyMetricsOptions) {
    this.#o = options;
    const registers = [this.registry];
    const base = options.tenantLabel ? ['provider', 'model', 'tenant'] : ['provider', 'model'];
    this.#requests = new Counter({
      name: 'llmtrace_requests_total',
      help: 'Proxied LLM requests that were captured, by provider, model and response status class (none: no response).',
      labelNames: [...base, 'status_class'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'llmtrace_upstream_duration_seconds',
      help: 'Time from receiving a request to the last response byte (gen_ai.client.operation.duration).',
      labelNames: base,
      buckets: [...LLM_LATENCY_BUCKETS],
      registers,
    });
    this.#ttft = new Histogram({
      name: 'llmtrace_time_to_first_token_seconds',
      help: 'Time to the first generated token of streamed answers (gen_ai.server.time_to_first_token).',
      labelNames: base,
      buckets: [...LLM_LATENCY_BUCKETS],
      registers,
    });
    this.#overhead = new Histogram({
      name: 'llmtrace_proxy_overhead_seconds',
      help: 'Time LLMTrace spent deciding a request (auth, limits, budgets, screen) between its body being read and it being sent upstream.',
      buckets: OVERHEAD_BUCKETS,
      registers,
    }).labels();
    this.#tokens = new Counter({
      name: 'llmtrace_tokens_total',
      help: 'Tokens used, by type (input, output) (gen_ai.client.token.usage).',
      labelNames: [...base, 'type'],
      registers,
    });
    this.#cost = new Counter({
      name: 'llmtrace_cost_usd_total',
      help: 'Estimated cost in US dollars of requests to priced models.',
      labelNames: base,
      registers,
    });
    this.#findings = new Counter({
      name: 'llmtrace_security_findings_total',
      help: 'Security findings on captured spans, by type and severity.',
      labelNames: ['type', 'severity'],
      registers,
    });
    this.#refused = new Counter({
      name: 'llmtrace_requests_refused_total',
      help: 'Requests LLMTrace answered itself without forwarding, by reason (security_blocked, budget_exceeded, token_cap_exceeded, rate_limited, unauthorized…).',
      labelNames: ['reason'],
      registers,
    });
    this.#analysisPartial = new Counter({
      name: 'llmtrace_analysis_partial_total',
      help: 'Spans whose security analysis left part of the request out because it was over the size or time budget (the span tag analysis_partial says what).',
      registers,
    }).labels();
    const writes = new Histogram({
      name: 'llmtrace_storage_write_duration_seconds',
      help: 'Duration of one batched span write to storage, from hand-off to commit (with lite storage, including the wait for the writer thread to group it), by outcome.',
      labelNames: ['outcome'],
      buckets: WRITE_BUCKETS,
      registers,
    });
    this.#writeOk = writes.labels('ok');
    this.#writeFailed = writes.labels('error');
    this.#scrapeTimeMetrics();
    new Gauge({
      name: 'llmtrace_build_info',
      help: 'Always 1; the version label says which LLMTrace is running.',
      labelNames: ['version'],
      registers,
    }).set({ version: options.version }, 1);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Sets where the scrape-time values (queue depths, drop counts, breaker, alerts) come from. */
  observe(sources: MetricSources): void {
    this.#sources = sources;
  }

  /**
   * Counts one captured span: request, latency, time to first token, tokens, cost, findings.
   * `overheadMs` is the time between the body being read and the upstream call (null: not forwarded).
   */
  spanFinished(span: TraceSpan, overheadMs: number | null): void {
    const set = this.#labelSet(span);
    const status = span.statusCode;
    const cls = status === null || status < 100 || status > 599 ? 0 : Math.floor(status / 100);
    let counter = set.requests[cls];
    if (counter === undefined) {
      counter = this.#requests.labels(...set.labels, STATUS_CLASSES[cls] as string);
      set.requests[cls] = counter;
    }
    counter.inc();
    if (span.durationMs !== null) set.duration.observe(span.durationMs / 1000);
    if (span.timeToFirstTokenMs !== null) set.ttft.observe(span.timeToFirstTokenMs / 1000);
    if (span.promptTokens !== null) set.inputTokens.inc(span.promptTokens);
    if (span.completionTokens !== null) set.outputTokens.inc(span.completionTokens);
    if (span.estimatedCostUsd !== null) set.cost.inc(span.estimatedCostUsd);
    if (overheadMs !== null && overheadMs >= 0) this.#overhead.observe(overheadMs / 1000);
    if (span.tags['analysis_partial'] !== undefined) this.#analysisPartial.inc();
    for (const finding of span.securityFindings) {
      const key = `${finding.type}\u0000${finding.severity}`;
      let child = this.#findingChildren.get(key);
      if (child === undefined) {
        // Finding types come from the analyzers (a closed list plus plug-ins), not from clients.
        child = this.#findings.labels(finding.type, finding.severity);
        this.#findingChildren.set(key, child);
      }
      child.inc();
    }
  }

  /** Counts a request answered without forwarding; `code` is LLMTrace's error code. */
  refused(code: string): void {
    let child = this.#refusedChildren.get(code);
    if (child === undefined) {
      child = this.#refused.labels(code.toLowerCase());
      this.#refusedChildren.set(code, child);
    }
    child.inc();
  }

  /** Records one storage write of a batch. */
  storageWrite(seconds: number, ok: boolean): void {
    (ok ? this.#writeOk : this.#writeFailed).observe(seconds);
  }

  /** The Prometheus text exposition. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #values(span: TraceSpan): string[] {
    const model = this.#modelLabel(span);
    return this.#o.tenantLabel ? [span.provider, model, span.tenantId] : [span.provider, model];
  }

  #modelLabel(span: TraceSpan): string {
    return span.model ?? NO_MODEL;
  }

  #labelSet(span: TraceSpan): LabelSet {
    const model = this.#modelLabel(span);
    const key = this.#o.tenantLabel
      ? `${span.provider}\u0000${model}\u0000${span.tenantId}`
      : `${span.provider}\u0000${model}`;
    const known = this.#sets.get(key);
    if (known !== undefined) return known;
    // Model names come from clients: past the limit, new ones share one series per provider.
    const overflow = this.#sets.size >= this.#o.maxLabelSets;
    const labels = overflow
      ? this.#o.tenantLabel
        ? [span.provider, OTHER_MODEL, OTHER_MODEL]
        : [span.provider, OTHER_MODEL]
      : this.#values(span);
    const overflowKey = labels.join('\u0000');
    if (overflow) {
      const shared = this.#sets.get(overflowKey);
      if (shared !== undefined) return shared;
    }
    const set: LabelSet = {
      labels,
      requests: [],
      duration: this.#duration.labels(...labels),
      ttft: this.#ttft.labels(...labels),
      inputTokens: this.#tokens.labels(...labels, 'input'),
      outputTokens: this.#tokens.labels(...labels, 'output'),
      cost: this.#cost.labels(...labels),
    };
    this.#sets.set(overflow ? overflowKey : key, set);
    return set;
  }

  /** Values owned by other components, read when Prometheus scrapes rather than on every change. */
  #scrapeTimeMetrics(): void {
    const registers = [this.registry];
    const sources = (): MetricSources => this.#sources;
    new Gauge({
      name: 'llmtrace_capture_queue_depth',
      help: 'Capture jobs waiting to be turned into spans and stored.',
      registers,
      collect() {
        const c = sources().capture?.();
        if (c !== undefined) this.set(c.queueDepth);
      },
    });
    new Counter({
      name: 'llmtrace_traces_dropped_total',
      help: 'Traces not stored, by reason (queue_full: capture queue full; storage: write failed or circuit open; build_error: span could not be built; worker: the span worker building it died).',
      labelNames: ['reason'],
      registers,
      collect() {
        const c = sources().capture?.();
        if (c === undefined) return;
        // Mirrors the pipeline's own monotonic totals (they are kept there for /health too).
        this.reset();
        this.labels('queue_full').inc(c.droppedQueueFull);
        this.labels('storage').inc(c.droppedStorage);
        this.labels('build_error').inc(c.buildErrors);
        this.labels('worker').inc(c.droppedWorker);
      },
    });
    new Gauge({
      name: 'llmtrace_storage_breaker_state',
      help: 'Storage circuit breaker: 1 for the current state (closed: writing; open: traces dropped; half_open: one trial write).',
      labelNames: ['state'],
      registers,
      collect() {
        const c = sources().capture?.();
        if (c === undefined) return;
        for (const state of BREAKER_STATES) this.set({ state }, c.breaker === state ? 1 : 0);
      },
    });
    new Counter({
      name: 'llmtrace_alert_deliveries_total',
      help: 'Alerts by outcome (sent, failed after retries, suppressed by cooldown, dropped when too many were pending).',
      labelNames: ['outcome'],
      registers,
      collect() {
        const a = sources().alerts?.();
        if (a === undefined) return;
        this.reset();
        this.labels('sent').inc(a.sent);
        this.labels('failed').inc(a.failed);
        this.labels('suppressed').inc(a.suppressed);
        this.labels('dropped').inc(a.dropped);
      },
    });
    new Counter({
      name: 'llmtrace_retention_deleted_spans_total',
      help: 'Spans the retention job deleted because they were older than their tenant retention_days.',
      registers,
      collect() {
        const r = sources().retention?.();
        if (r === undefined) return;
        this.reset();
        this.inc(r.deletedSpans);
      },
    });
    new Counter({
      name: 'llmtrace_retention_runs_total',
      help: 'Retention job runs by outcome (ok, failed).',
      labelNames: ['outcome'],
      registers,
      collect() {
        const r = sources().retention?.();
        if (r === undefined) return;
        this.reset();
        this.labels('ok').inc(r.runs - r.failedRuns);
        this.labels('failed').inc(r.failedRuns);
      },
    });
    new Gauge({
      name: 'llmtrace_ml_queue_depth',
      help: 'Texts waiting for the transformer tier (security.ml) worker pool.',
      registers,
      collect() {
        const m = sources().ml?.();
        if (m !== undefined) this.set(m.queueDepth);
      },
    });
    new Counter({
      name: 'llmtrace_ml_texts_scored_total',
      help: 'Texts scored by the transformer tier.',
      registers,
      collect() {
        const m = sources().ml?.();
        if (m === undefined) return;
        this.reset();
        this.inc(m.scored);
      },
    });
    new Counter({
      name: 'llmtrace_ml_batches_total',
      help: 'Model runs of the transformer tier (each scores a batch of texts).',
      registers,
      collect() {
        const m = sources().ml?.();
        if (m === undefined) return;
        this.reset();
        this.inc(m.batches);
      },
    });
    new Counter({
      name: 'llmtrace_ml_model_seconds_total',
      help: 'Time the transformer tier spent tokenising and running the model.',
      registers,
      collect() {
        const m = sources().ml?.();
        if (m === undefined) return;
        this.reset();
        this.inc(m.modelMs / 1000);
      },
    });
    new Counter({
      name: 'llmtrace_ml_prompts_skipped_total',
      help: 'Prompts the transformer tier did not score, by reason (queue_full: its queue was full; timeout: security.ml.timeout_ms passed; failed: the model run failed). They keep the fast tier score.',
      labelNames: ['reason'],
      registers,
      collect() {
        const m = sources().ml?.();
        if (m === undefined) return;
        this.reset();
        this.labels('queue_full').inc(m.dropped);
        this.labels('timeout').inc(m.timeouts);
        this.labels('failed').inc(m.failed);
      },
    });
    new Gauge({
      name: 'llmtrace_otlp_queue_depth',
      help: 'Spans waiting for OTLP export.',
      registers,
      collect() {
        const e = sources().export?.();
        if (e !== undefined) this.set(e.queueDepth);
      },
    });
    new Counter({
      name: 'llmtrace_otlp_spans_total',
      help: 'OpenTelemetry spans by export outcome (exported, failed: the collector refused or was unreachable, dropped: export queue full).',
      labelNames: ['outcome'],
      registers,
      collect() {
        const e = sources().export?.();
        if (e === undefined) return;
        this.reset();
        this.labels('exported').inc(e.exported);
        this.labels('failed').inc(e.failed);
        this.labels('dropped').inc(e.dropped);
      },
    });
  }
}
