import {
  LLMTraceError,
  actionFlags,
  traceSessionId,
  type BatchWriteResult,
  type HealthStatus,
  type ModelStats,
  type Page,
  type SecuritySeverity,
  type SpanFilter,
  type SpanQuery,
  type TenantId,
  type TenantStats,
  type TraceCounts,
  type TraceCursor,
  type TraceEvent,
  type TraceRepository,
  type TraceSpan,
} from '@llmtrace/core';
import { assertPageBounds } from '../assert-page-bounds.js';
import { parseTime } from '../parse-time.js';
import { validateSpan, validateTrace } from '../span-validation.js';
import { percentileRank } from '../percentile-rank.js';

interface StoredSpan {
  readonly span: TraceSpan;
  readonly startMs: number;
}

interface StoredTrace {
  createdAt: string;
  createdMs: number;
  readonly spans: Map<string, StoredSpan>;
}

interface TenantData {
  readonly traces: Map<string, StoredTrace>;
  /** Span id → trace id, to move a span whose trace changed when it is replaced. */
  readonly spanTrace: Map<string, string>;
}

interface CompiledFilter {
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly narrowed: boolean;
  /** True when an action filter is present (issue 15). */
  readonly actions: boolean;
}

function compileFilter(filter: SpanFilter): CompiledFilter {
  const fromMs = filter.from === undefined ? undefined : parseTime(filter.from, 'from');
  const toMs = filter.to === undefined ? undefined : parseTime(filter.to, 'to');
  const actions =
    filter.hasActions !== undefined ||
    filter.hasToolCalls !== undefined ||
    filter.hasCommands !== undefined ||
    filter.hasWebAccess !== undefined ||
    filter.hasFileAccess !== undefined ||
    filter.actionName !== undefined ||
    filter.actionType !== undefined;
  const narrowed =
    actions ||
    fromMs !== undefined ||
    toMs !== undefined ||
    filter.provider !== undefined ||
    filter.model !== undefined ||
    filter.operationName !== undefined ||
    filter.minSecurityScore !== undefined ||
    filter.maxSecurityScore !== undefined ||
    filter.hasFindings !== undefined ||
    filter.findingType !== undefined ||
    filter.findingSeverity !== undefined ||
    filter.agentId !== undefined ||
    filter.sessionId !== undefined;
  return { fromMs, toMs, narrowed, actions };
}

/** Same semantics as the SQL filter (see `spanFilterSql`). */
function matches(stored: StoredSpan, filter: SpanFilter, compiled: CompiledFilter): boolean {
  const span = stored.span;
  if (compiled.fromMs !== undefined && stored.startMs < compiled.fromMs) return false;
  if (compiled.toMs !== undefined && stored.startMs >= compiled.toMs) return false;
  if (filter.provider !== undefined && span.provider !== filter.provider) return false;
  if (filter.model !== undefined && span.model !== filter.model) return false;
  if (filter.operationName !== undefined && span.operationName !== filter.operationName) {
    return false;
  }
  if (
    filter.minSecurityScore !== undefined &&
    (span.securityScore === null || span.securityScore < filter.minSecurityScore)
  ) {
    return false;
  }
  if (
    filter.maxSecurityScore !== undefined &&
    (span.securityScore === null || span.securityScore > filter.maxSecurityScore)
  ) {
    return false;
  }
  if (filter.hasFindings !== undefined && span.securityFindings.length > 0 !== filter.hasFindings) {
    return false;
  }
  if (
    filter.findingType !== undefined &&
    !span.securityFindings.some((f) => f.type === filter.findingType)
  ) {
    return false;
  }
  if (
    filter.findingSeverity !== undefined &&
    !span.securityFindings.some((f) => f.severity === filter.findingSeverity)
  ) {
    return false;
  }
  if (filter.agentId !== undefined && span.agentId !== filter.agentId) return false;
  if (filter.sessionId !== undefined && span.sessionId !== filter.sessionId) return false;
  if (compiled.actions) {
    if (filter.hasActions === true && span.agentActions.length === 0) return false;
    const flags = actionFlags(span.agentActions);
    if (filter.hasToolCalls !== undefined && flags.hasToolCalls !== filter.hasToolCalls)
      return false;
    if (filter.hasCommands !== undefined && flags.hasCommands !== filter.hasCommands) return false;
    if (filter.hasWebAccess !== undefined && flags.hasWebAccess !== filter.hasWebAccess)
      return false;
    if (filter.hasFileAccess !== undefined && flags.hasFileAccess !== filter.hasFileAccess) {
      return false;
    }
    const { actionType, actionName } = filter;
    if (actionType !== undefined && !span.agentActions.some((a) => a.actionType === actionType)) {
      return false;
    }
    if (actionName !== undefined && !span.agentActions.some((a) => a.name === actionName)) {
      return false;
    }
  }
  return true;
}

/** Descending string order (the SQL `… DESC` on a text column). */
function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * Newest first, ties by id then tenant descending — the SQL
 * `ORDER BY start_ms DESC, span_id DESC, tenant_id DESC`.
 */
function newestSpanFirst(a: StoredSpan, b: StoredSpan): number {
  if (a.startMs !== b.startMs) return b.startMs - a.startMs;
  return descending(a.span.spanId, b.span.spanId) || descending(a.span.tenantId, b.span.tenantId);
}

/** Oldest first inside a trace — the SQL `ORDER BY start_ms, span_id`. */
function oldestSpanFirst(a: StoredSpan, b: StoredSpan): number {
  return -newestSpanFirst(a, b);
}

/** Code-unit order, the order keyset pages of {@link MemoryTraceRepository.exportTraces} follow. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tokensOf(span: TraceSpan): number {
  return span.totalTokens ?? (span.promptTokens ?? 0) + (span.completionTokens ?? 0);
}

/**
 * {@link TraceRepository} in process memory, for tests and the `memory` profile. Same semantics as
 * the SQLite repository (ordering, filters, stats definitions); values are deep-copied in and out,
 * so callers can never mutate what is stored.
 *
 * @example
 * const traces = new MemoryTraceRepository();
 */
export class MemoryTraceRepository implements TraceRepository {
  readonly #tenants = new Map<TenantId, TenantData>();
  #closed = false;

  storeTrace(trace: TraceEvent): Promise<void> {
    return this.#run(() => this.#storeTrace(trace, validateTrace(trace)));
  }

  storeTraces(traces: readonly TraceEvent[]): Promise<void> {
    return this.#run(() => {
      // Every trace is checked before any is stored: all or nothing, as in the SQL backends.
      const checked = traces.map((trace) => validateTrace(trace));
      traces.forEach((trace, i) => {
        const times = checked[i];
        if (times !== undefined) this.#storeTrace(trace, times);
      });
    });
  }

  exportTraces(after: TraceCursor | null, limit: number): Promise<TraceEvent[]> {
    return this.#run(() => {
      assertPageBounds(limit, 0);
      const page: TraceEvent[] = [];
      for (const tenantId of [...this.#tenants.keys()].sort(byCodeUnit)) {
        if (after !== null && tenantId < after.tenantId) continue;
        const traces = this.#tenants.get(tenantId)?.traces;
        if (traces === undefined) continue;
        for (const traceId of [...traces.keys()].sort(byCodeUnit)) {
          if (after !== null && tenantId === after.tenantId && traceId <= after.traceId) continue;
          if (page.length === limit) return page;
          const trace = traces.get(traceId);
          if (trace !== undefined) page.push(this.#toEvent(tenantId, traceId, trace));
        }
      }
      return page;
    });
  }

  countAll(): Promise<TraceCounts> {
    return this.#run(() => {
      let traces = 0;
      let spans = 0;
      for (const data of this.#tenants.values()) {
        traces += data.traces.size;
        for (const trace of data.traces.values()) spans += trace.spans.size;
      }
      return { traces, spans };
    });
  }

  #storeTrace(
    trace: TraceEvent,
    { createdMs, starts }: { readonly createdMs: number; readonly starts: readonly number[] },
  ): void {
    const stored = this.#trace(trace.tenantId, trace.traceId, createdMs, trace.createdAt);
    stored.createdAt = trace.createdAt;
    stored.createdMs = createdMs;
    trace.spans.forEach((span, i) => this.#put(span, starts[i] ?? 0));
  }

  storeSpan(span: TraceSpan): Promise<void> {
    return this.#run(() => this.#put(span, validateSpan(span)));
  }

  storeBatch(spans: readonly TraceSpan[]): Promise<BatchWriteResult> {
    return this.#run(() => {
      let written = 0;
      const failed: { spanId: string; error: string }[] = [];
      for (const span of spans) {
        try {
          this.#put(span, validateSpan(span));
          written += 1;
        } catch (error) {
          failed.push({
            spanId: String(span.spanId),
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return { written, failed };
    });
  }

  querySpans(query: SpanQuery): Promise<Page<TraceSpan>> {
    return this.#run(() => {
      assertPageBounds(query.limit, query.offset);
      const compiled = compileFilter(query);
      const matched: StoredSpan[] = [];
      for (const [, data] of this.#scope(query.tenantId)) {
        for (const trace of data.traces.values()) {
          for (const stored of trace.spans.values()) {
            if (matches(stored, query, compiled)) matched.push(stored);
          }
        }
      }
      matched.sort(newestSpanFirst);
      const items = matched
        .slice(query.offset, query.offset + query.limit)
        .map((s) => structuredClone(s.span));
      return { items, total: matched.length, limit: query.limit, offset: query.offset };
    });
  }

  queryTraces(query: SpanQuery): Promise<Page<TraceEvent>> {
    return this.#run(() => {
      assertPageBounds(query.limit, query.offset);
      const compiled = compileFilter(query);
      const matched: [TenantId, string, StoredTrace][] = [];
      for (const [tenantId, data] of this.#scope(query.tenantId)) {
        for (const [traceId, trace] of data.traces) {
          const spans = [...trace.spans.values()];
          if (!compiled.narrowed || spans.some((s) => matches(s, query, compiled))) {
            matched.push([tenantId, traceId, trace]);
          }
        }
      }
      matched.sort(
        ([tenantA, idA, a], [tenantB, idB, b]) =>
          b.createdMs - a.createdMs || descending(idA, idB) || descending(tenantA, tenantB),
      );
      const items = matched
        .slice(query.offset, query.offset + query.limit)
        .map(([tenantId, traceId, trace]) => this.#toEvent(tenantId, traceId, trace));
      return { items, total: matched.length, limit: query.limit, offset: query.offset };
    });
  }

  getTrace(tenantId: TenantId | undefined, traceId: string): Promise<TraceEvent | null> {
    return this.#run(() => {
      let found: [TenantId, StoredTrace] | undefined;
      for (const [tenant, data] of this.#scope(tenantId)) {
        const trace = data.traces.get(traceId);
        // Newest trace wins when two tenants reuse an id (the SQL `ORDER BY created_at DESC`).
        if (trace !== undefined && (found === undefined || trace.createdMs > found[1].createdMs))
          found = [tenant, trace];
      }
      return found === undefined ? null : this.#toEvent(found[0], traceId, found[1]);
    });
  }

  getSpan(tenantId: TenantId | undefined, spanId: string): Promise<TraceSpan | null> {
    return this.#run(() => {
      let found: StoredSpan | undefined;
      for (const [, data] of this.#scope(tenantId)) {
        const traceId = data.spanTrace.get(spanId);
        const stored =
          traceId === undefined ? undefined : data.traces.get(traceId)?.spans.get(spanId);
        if (stored !== undefined && (found === undefined || stored.startMs > found.startMs))
          found = stored;
      }
      return found === undefined ? null : structuredClone(found.span);
    });
  }

  getStats(
    tenantId: TenantId | undefined,
    range: { readonly from?: string; readonly to?: string },
  ): Promise<TenantStats> {
    return this.#run(() => {
      const filter: SpanFilter = { tenantId, from: range.from, to: range.to };
      const compiled = compileFilter(filter);
      const traceIds = new Set<string>();
      const durations: number[] = [];
      const findingsBySeverity: Record<SecuritySeverity, number> = {
        critical: 0,
        high: 0,
        medium: 0,
        low: 0,
        info: 0,
      };
      const models = new Map<string, ModelStats>();
      let spanCount = 0;
      let errorCount = 0;
      let promptTokens = 0;
      let completionTokens = 0;
      let totalTokens = 0;
      let totalCostUsd = 0;
      let unpricedSpans = 0;
      for (const [tenant, data] of this.#scope(tenantId)) {
        for (const [traceId, trace] of data.traces) {
          for (const stored of trace.spans.values()) {
            if (!matches(stored, filter, compiled)) continue;
            const span = stored.span;
            spanCount += 1;
            traceIds.add(`${tenant}\u0000${traceId}`);
            if ((span.statusCode ?? 0) >= 400 || span.errorMessage !== null) errorCount += 1;
            promptTokens += span.promptTokens ?? 0;
            completionTokens += span.completionTokens ?? 0;
            totalTokens += tokensOf(span);
            totalCostUsd += span.estimatedCostUsd ?? 0;
            if (span.estimatedCostUsd === null && span.model !== null) unpricedSpans += 1;
            if (span.durationMs !== null) durations.push(span.durationMs);
            for (const finding of span.securityFindings) findingsBySeverity[finding.severity] += 1;
            if (span.model !== null) {
              const key = `${span.model}\u0000${span.provider}`;
              const previous = models.get(key);
              models.set(key, {
                model: span.model,
                provider: span.provider,
                spanCount: (previous?.spanCount ?? 0) + 1,
                totalTokens: (previous?.totalTokens ?? 0) + tokensOf(span),
                totalCostUsd: (previous?.totalCostUsd ?? 0) + (span.estimatedCostUsd ?? 0),
              });
            }
          }
        }
      }
      durations.sort((a, b) => a - b);
      const pick = (p: number): number | null =>
        durations.length === 0
          ? null
          : (durations[percentileRank(durations.length, p) - 1] ?? null);
      const byModel = [...models.values()].sort(
        (a, b) =>
          b.spanCount - a.spanCount ||
          (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) ||
          (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0),
      );
      return {
        traceCount: traceIds.size,
        spanCount,
        errorCount,
        promptTokens,
        completionTokens,
        totalTokens,
        totalCostUsd,
        unpricedSpans,
        latencyMs: {
          avg:
            durations.length === 0
              ? null
              : durations.reduce((sum, d) => sum + d, 0) / durations.length,
          p50: pick(50),
          p95: pick(95),
          p99: pick(99),
        },
        findingsBySeverity,
        byModel,
      };
    });
  }

  countOlderThan(tenantId: TenantId, before: string): Promise<number> {
    return this.#run(() => {
      const beforeMs = parseTime(before, 'before');
      let n = 0;
      for (const trace of this.#tenants.get(tenantId)?.traces.values() ?? []) {
        if (trace.createdMs < beforeMs) n += trace.spans.size;
      }
      return n;
    });
  }

  deleteOlderThan(tenantId: TenantId, before: string): Promise<number> {
    return this.#run(() => {
      const beforeMs = parseTime(before, 'before');
      const data = this.#tenants.get(tenantId);
      if (data === undefined) return 0;
      let deleted = 0;
      for (const [traceId, trace] of data.traces) {
        if (trace.createdMs >= beforeMs) continue;
        for (const spanId of trace.spans.keys()) data.spanTrace.delete(spanId);
        deleted += trace.spans.size;
        data.traces.delete(traceId);
      }
      return deleted;
    });
  }

  health(): Promise<HealthStatus> {
    return Promise.resolve(
      this.#closed
        ? { ok: false, latencyMs: 0, error: 'trace repository is closed' }
        : { ok: true, latencyMs: 0 },
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#tenants.clear();
    return Promise.resolve();
  }

  #trace(tenantId: TenantId, traceId: string, createdMs: number, createdAt: string): StoredTrace {
    let data = this.#tenants.get(tenantId);
    if (data === undefined) {
      data = { traces: new Map(), spanTrace: new Map() };
      this.#tenants.set(tenantId, data);
    }
    let trace = data.traces.get(traceId);
    if (trace === undefined) {
      trace = { createdAt, createdMs, spans: new Map() };
      data.traces.set(traceId, trace);
    }
    return trace;
  }

  #put(span: TraceSpan, startMs: number): void {
    const trace = this.#trace(span.tenantId, span.traceId, startMs, span.startTime);
    const data = this.#tenants.get(span.tenantId);
    const previousTrace = data?.spanTrace.get(span.spanId);
    if (previousTrace !== undefined && previousTrace !== span.traceId) {
      data?.traces.get(previousTrace)?.spans.delete(span.spanId);
    }
    trace.spans.set(span.spanId, { span: structuredClone(span), startMs });
    data?.spanTrace.set(span.spanId, span.traceId);
  }

  /** The tenants a read covers: one (if it has data) or, with no tenant given, all of them. */
  #scope(tenantId: TenantId | undefined): Iterable<[TenantId, TenantData]> {
    if (tenantId === undefined) return this.#tenants;
    const data = this.#tenants.get(tenantId);
    return data === undefined ? [] : [[tenantId, data]];
  }

  #toEvent(tenantId: TenantId, traceId: string, trace: StoredTrace): TraceEvent {
    const spans = [...trace.spans.values()]
      .sort(oldestSpanFirst)
      .map((s) => structuredClone(s.span));
    return {
      traceId,
      tenantId,
      createdAt: trace.createdAt,
      sessionId: traceSessionId(spans),
      spans,
    };
  }

  #run<T>(fn: () => T): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new LLMTraceError('STORAGE_UNAVAILABLE', 'trace repository is closed'));
    }
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
