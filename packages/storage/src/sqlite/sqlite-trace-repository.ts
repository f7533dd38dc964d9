import type {
  BatchWriteResult,
  HealthStatus,
  LLMProvider,
  ModelStats,
  Page,
  SecuritySeverity,
  SpanQuery,
  TenantId,
  TenantStats,
  TraceCounts,
  TraceCursor,
  TraceEvent,
  TraceRepository,
  TraceSpan,
} from '@llmtrace/core';
import { LLMTraceError } from '@llmtrace/core/errors';
import type BetterSqlite3 from 'better-sqlite3';
import { assertPageBounds } from '../assert-page-bounds.js';
import { parseTime } from '../parse-time.js';
import type { SpanRow } from '../span-codec.js';
import { actionFlagBits, actionNamesColumn, spanJsonColumns } from '../span-columns.js';
import { validateSpan, validateTrace } from '../span-validation.js';
import { percentileRank } from '../percentile-rank.js';
import { spanFilterSql, type SpanFilterSql } from '../span-filter-sql.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { translateSqliteError } from './translate-sqlite-error.js';
import { probeHealth } from '../probe-health.js';

/** What reads need to turn rows back into spans and traces. */
interface RowDecoder {
  readonly spanFromRow: (row: SpanRow) => TraceSpan;
  readonly traceSessionId: (spans: readonly TraceSpan[]) => string | null;
}

let rowDecoder: Promise<RowDecoder> | undefined;

/**
 * The row decoder, loaded by the first read. It brings core's schemas (and zod), which the SQLite
 * writer thread, an instance of this class that only ever writes, does not need: without them its
 * heap is about 10 MB smaller (issue 13).
 */
function loadRowDecoder(): Promise<RowDecoder> {
  rowDecoder ??= Promise.all([import('../span-codec.js'), import('@llmtrace/core')]).then(
    ([codec, core]) => ({ spanFromRow: codec.spanFromRow, traceSessionId: core.traceSessionId }),
  );
  return rowDecoder;
}

/** Column order shared by the insert and every select, so rows map by position-free names. */
const SPAN_COLUMNS = [
  'tenant_id',
  'span_id',
  'trace_id',
  'start_ms',
  'provider',
  'model',
  'security_score',
  'finding_count',
  'status_code',
  'duration_ms',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cost_usd',
  'tokens_estimated',
  'ttft_ms',
  'parent_span_id',
  'agent_id',
  'operation_name',
  'start_time',
  'end_time',
  'error_message',
  'tags',
  'findings',
  'agent_actions',
  'events',
  'prompt',
  'response',
  'session_id',
  'action_flags',
  'action_names',
] as const;
/** The read side names the ISO text `start_iso`, as the span codec expects. */
const SELECT_SPAN = `SELECT ${SPAN_COLUMNS.map((c) => (c === 'start_time' ? 'start_time AS start_iso' : c)).join(', ')} FROM spans`;

interface TraceRow {
  trace_id: string;
  tenant_id: string;
  created_at_iso: string;
}

interface TotalsRow {
  span_count: number;
  trace_count: number;
  error_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  total_cost: number;
  unpriced: number;
  latency_avg: number | null;
  latency_n: number;
}

interface ModelRow {
  model: string;
  provider: string;
  span_count: number;
  total_tokens: number;
  total_cost: number;
}

/** A span's total: the provider's total when known, else prompt + completion. */
const TOKENS_EXPR =
  'coalesce(total_tokens, coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0))';

function spanParams(span: TraceSpan, startMs: number): unknown[] {
  const json = spanJsonColumns(span);
  return [
    span.tenantId,
    span.spanId,
    span.traceId,
    startMs,
    span.provider,
    span.model,
    span.securityScore,
    span.securityFindings.length,
    span.statusCode,
    span.durationMs,
    span.promptTokens,
    span.completionTokens,
    span.totalTokens,
    span.estimatedCostUsd,
    span.tokensEstimated ? 1 : 0,
    span.timeToFirstTokenMs,
    span.parentSpanId,
    span.agentId,
    span.operationName,
    span.startTime,
    span.endTime,
    span.errorMessage,
    json.tags,
    json.findings,
    json.agentActions,
    json.events,
    span.prompt,
    span.response,
    span.sessionId,
    actionFlagBits(span.agentActions),
    actionNamesColumn(span.agentActions),
  ];
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

function emptySeverities(): Record<SecuritySeverity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

interface CachedQuery {
  readonly items: BetterSqlite3.Statement;
  readonly count: BetterSqlite3.Statement;
}

interface StatsStatements {
  readonly totals: BetterSqlite3.Statement;
  readonly percentiles: BetterSqlite3.Statement;
  readonly severities: BetterSqlite3.Statement;
  readonly models: BetterSqlite3.Statement;
}

/**
 * {@link TraceRepository} over SQLite. Fixed statements are prepared in the constructor; filtered
 * queries are prepared once per filter *shape* (which optional filters are present, at most 2^9)
 * and cached. Filtering, ordering, pagination and aggregation all happen in SQL.
 *
 * Every statement is scoped by `tenant_id`, and span identity is `(tenant_id, span_id)`, so one
 * tenant can neither read nor overwrite another tenant's span even when ids collide.
 *
 * A trace's `createdAt` is the `createdAt` given to {@link storeTrace}, or the start time of the
 * first span stored for it; traces are listed newest `createdAt` first.
 *
 * @example
 * const traces = new SqliteTraceRepository(await SqliteConnection.open('llmtrace.db'));
 */
export class SqliteTraceRepository implements TraceRepository {
  readonly #connection: SqliteConnection;
  readonly #db: BetterSqlite3.Database;
  readonly #insertSpan: BetterSqlite3.Statement;
  readonly #replaceSpan: BetterSqlite3.Statement;
  readonly #insertTraceIfMissing: BetterSqlite3.Statement;
  readonly #upsertTrace: BetterSqlite3.Statement;
  readonly #selectTrace: BetterSqlite3.Statement;
  readonly #selectTraceSpans: BetterSqlite3.Statement;
  readonly #selectSpansOfTraces: BetterSqlite3.Statement;
  readonly #selectSpan: BetterSqlite3.Statement;
  readonly #selectTraceAnyTenant: BetterSqlite3.Statement;
  readonly #selectSpanAnyTenant: BetterSqlite3.Statement;
  readonly #countOldSpans: BetterSqlite3.Statement;
  readonly #deleteOldTraces: BetterSqlite3.Statement;
  readonly #ping: BetterSqlite3.Statement;
  readonly #exportTraces: BetterSqlite3.Statement;
  readonly #exportSpans: BetterSqlite3.Statement;
  readonly #countAll: BetterSqlite3.Statement;
  readonly #storeTracesTx: (traces: readonly TraceEvent[]) => void;
  /** Why the last write failed (cleared by the next successful one): `health()` reports it. */
  #lastWriteError: string | null = null;
  readonly #storeBatchTx: (spans: readonly TraceSpan[]) => BatchWriteResult;
  readonly #storeTraceTx: (trace: TraceEvent) => void;
  readonly #storeSpanTx: (span: TraceSpan) => void;
  readonly #deleteTx: (tenantId: string, beforeMs: number) => number;
  readonly #spanQueries = new Map<string, CachedQuery>();
  readonly #traceQueries = new Map<string, CachedQuery>();
  readonly #statsQueries = new Map<string, StatsStatements>();
  #closed = false;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
    const db = connection.db;
    this.#db = db;
    const updates = SPAN_COLUMNS.slice(2)
      .map((c) => `${c} = ?`)
      .join(', ');
    // A plain INSERT, and an UPDATE only when the span id already exists: replacing a span is rare,
    // and `INSERT … ON CONFLICT DO UPDATE` measured ~15 % slower on the ingest path.
    this.#insertSpan = db.prepare(
      `INSERT INTO spans (${SPAN_COLUMNS.join(', ')}) VALUES (${SPAN_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.#replaceSpan = db.prepare(
      `UPDATE spans SET ${updates} WHERE tenant_id = ? AND span_id = ?`,
    );
    this.#insertTraceIfMissing = db.prepare(
      `INSERT INTO traces (tenant_id, trace_id, created_at, created_at_iso) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant_id, trace_id) DO NOTHING`,
    );
    this.#upsertTrace = db.prepare(
      `INSERT INTO traces (tenant_id, trace_id, created_at, created_at_iso) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant_id, trace_id)
       DO UPDATE SET created_at = excluded.created_at, created_at_iso = excluded.created_at_iso`,
    );
    this.#selectTrace = db.prepare(
      'SELECT trace_id, tenant_id, created_at_iso FROM traces WHERE tenant_id = ? AND trace_id = ?',
    );
    this.#selectTraceSpans = db.prepare(
      `${SELECT_SPAN} WHERE tenant_id = ? AND trace_id = ? ORDER BY start_ms, span_id`,
    );
    // One statement for any number of traces: the ids travel as one JSON array parameter.
    this.#selectSpansOfTraces = db.prepare(
      `${SELECT_SPAN} WHERE tenant_id = ? AND trace_id IN (SELECT value FROM json_each(?))
       ORDER BY start_ms, span_id`,
    );
    this.#selectSpan = db.prepare(`${SELECT_SPAN} WHERE tenant_id = ? AND span_id = ?`);
    // By id in whichever tenant holds it (reads across tenants); the newest wins a collision.
    this.#selectTraceAnyTenant = db.prepare(
      `SELECT trace_id, tenant_id, created_at_iso FROM traces WHERE trace_id = ?
       ORDER BY created_at DESC, tenant_id DESC LIMIT 1`,
    );
    this.#selectSpanAnyTenant = db.prepare(
      `${SELECT_SPAN} WHERE span_id = ? ORDER BY start_ms DESC, tenant_id DESC LIMIT 1`,
    );
    this.#countOldSpans = db
      .prepare(
        `SELECT count(*) FROM spans WHERE tenant_id = ? AND trace_id IN
         (SELECT trace_id FROM traces WHERE tenant_id = ? AND created_at < ?)`,
      )
      .pluck();
    // Spans go with their trace through ON DELETE CASCADE.
    this.#deleteOldTraces = db.prepare('DELETE FROM traces WHERE tenant_id = ? AND created_at < ?');
    this.#ping = db.prepare('SELECT 1').pluck();
    // Keyset pages in primary-key order; the spans of a page are one range of spans_tenant_trace.
    this.#exportTraces = db.prepare(
      `SELECT trace_id, tenant_id, created_at_iso FROM traces
       WHERE (tenant_id, trace_id) > (?, ?) ORDER BY tenant_id, trace_id LIMIT ?`,
    );
    this.#exportSpans = db.prepare(
      `${SELECT_SPAN} WHERE (tenant_id, trace_id) > (?, ?) AND (tenant_id, trace_id) <= (?, ?)
       ORDER BY tenant_id, trace_id, start_ms, span_id`,
    );
    this.#countAll = db.prepare(
      'SELECT (SELECT count(*) FROM traces) AS traces, (SELECT count(*) FROM spans) AS spans',
    );

    this.#storeBatchTx = db.transaction((spans: readonly TraceSpan[]) => {
      let written = 0;
      const failed: { spanId: string; error: string }[] = [];
      const seenTraces = new Set<string>();
      for (const span of spans) {
        let startMs: number;
        try {
          startMs = validateSpan(span);
        } catch (error) {
          failed.push({
            spanId: String(span.spanId),
            error: translateSqliteError(error, 'storeBatch').message,
          });
          continue;
        }
        const traceKey = `${span.tenantId}\u0000${span.traceId}`;
        if (!seenTraces.has(traceKey)) {
          this.#insertTraceIfMissing.run(span.tenantId, span.traceId, startMs, span.startTime);
          seenTraces.add(traceKey);
        }
        this.#writeSpan(spanParams(span, startMs));
        written += 1;
      }
      return { written, failed };
    });
    this.#storeSpanTx = db.transaction((span: TraceSpan) => {
      const startMs = validateSpan(span);
      this.#insertTraceIfMissing.run(span.tenantId, span.traceId, startMs, span.startTime);
      this.#writeSpan(spanParams(span, startMs));
    });
    this.#storeTraceTx = db.transaction((trace: TraceEvent) => {
      const { createdMs, starts } = validateTrace(trace);
      this.#upsertTrace.run(trace.tenantId, trace.traceId, createdMs, trace.createdAt);
      trace.spans.forEach((span, i) => this.#writeSpan(spanParams(span, starts[i] ?? 0)));
    });
    this.#storeTracesTx = db.transaction((traces: readonly TraceEvent[]) => {
      const checked = traces.map((trace) => validateTrace(trace));
      traces.forEach((trace, i) => {
        const times = checked[i];
        if (times === undefined) return;
        this.#upsertTrace.run(trace.tenantId, trace.traceId, times.createdMs, trace.createdAt);
        trace.spans.forEach((span, j) => this.#writeSpan(spanParams(span, times.starts[j] ?? 0)));
      });
    });
    this.#deleteTx = db.transaction((tenantId: string, beforeMs: number) => {
      const spans = this.#countOldSpans.get(tenantId, tenantId, beforeMs) as number;
      this.#deleteOldTraces.run(tenantId, beforeMs);
      return spans;
    });
    connection.retain();
  }

  storeTrace(trace: TraceEvent): Promise<void> {
    return this.#write('storeTrace', () => this.#storeTraceTx(trace));
  }

  storeSpan(span: TraceSpan): Promise<void> {
    return this.#write('storeSpan', () => this.#storeSpanTx(span));
  }

  /** One transaction for all the traces; any invalid trace rejects the whole call. */
  storeTraces(traces: readonly TraceEvent[]): Promise<void> {
    return this.#write('storeTraces', () => this.#storeTracesTx(traces));
  }

  exportTraces(after: TraceCursor | null, limit: number): Promise<TraceEvent[]> {
    return this.#read('exportTraces', ({ spanFromRow, traceSessionId }) => {
      assertPageBounds(limit, 0);
      // Ids are non-empty, so ('', '') is before every trace.
      const start = after === null ? ['', ''] : [after.tenantId, after.traceId];
      const rows = this.#exportTraces.all(...start, limit) as TraceRow[];
      const last = rows.at(-1);
      if (last === undefined) return [];
      const byTrace = new Map<string, TraceEvent>();
      const items = rows.map((row): TraceEvent => {
        const event = {
          traceId: row.trace_id,
          tenantId: row.tenant_id,
          createdAt: row.created_at_iso,
          spans: [],
        };
        byTrace.set(`${row.tenant_id}\u0000${row.trace_id}`, event);
        return event;
      });
      const spanRows = this.#exportSpans.all(...start, last.tenant_id, last.trace_id) as SpanRow[];
      for (const row of spanRows) {
        byTrace.get(`${row.tenant_id}\u0000${row.trace_id}`)?.spans.push(spanFromRow(row));
      }
      for (const item of items) item.sessionId = traceSessionId(item.spans);
      return items;
    });
  }

  countAll(): Promise<TraceCounts> {
    return this.#run('countAll', () => this.#countAll.get() as TraceCounts);
  }

  /**
   * One transaction for the whole batch. A span that fails validation is reported in `failed` and
   * the rest are written; a database failure rolls back the batch and throws (STYLE rule 10).
   */
  storeBatch(spans: readonly TraceSpan[]): Promise<BatchWriteResult> {
    return this.#write('storeBatch', () => this.#storeBatchTx(spans));
  }

  querySpans(query: SpanQuery): Promise<Page<TraceSpan>> {
    return this.#read('querySpans', ({ spanFromRow }) => {
      assertPageBounds(query.limit, query.offset);
      const filter = spanFilterSql(query);
      let cached = this.#spanQueries.get(filter.shape);
      if (cached === undefined) {
        // Across tenants two spans may share an id: the tenant breaks that tie.
        const order = filter.allTenants
          ? 'start_ms DESC, span_id DESC, tenant_id DESC'
          : 'start_ms DESC, span_id DESC';
        cached = {
          items: this.#db.prepare(
            `${SELECT_SPAN} WHERE ${filter.where} ORDER BY ${order} LIMIT ? OFFSET ?`,
          ),
          count: this.#db.prepare(`SELECT count(*) FROM spans WHERE ${filter.where}`).pluck(),
        };
        this.#spanQueries.set(filter.shape, cached);
      }
      const total = cached.count.get(filter.params) as number;
      const rows =
        query.limit === 0 || query.offset >= total
          ? []
          : (cached.items.all([...filter.params, query.limit, query.offset]) as SpanRow[]);
      return { items: rows.map(spanFromRow), total, limit: query.limit, offset: query.offset };
    });
  }

  /**
   * Traces with at least one span matching the filter (every trace when only the tenant is given),
   * newest first, each with all of its spans.
   */
  queryTraces(query: SpanQuery): Promise<Page<TraceEvent>> {
    return this.#read('queryTraces', ({ spanFromRow, traceSessionId }) => {
      assertPageBounds(query.limit, query.offset);
      const filter = spanFilterSql(query);
      let cached = this.#traceQueries.get(filter.shape);
      if (cached === undefined && filter.allTenants) {
        // Every tenant: traces are keyed by (tenant, trace id), so the match is on the pair.
        const matching = filter.narrowed
          ? `WHERE (tenant_id, trace_id) IN (SELECT tenant_id, trace_id FROM spans WHERE ${filter.where})`
          : '';
        cached = {
          items: this.#db.prepare(
            `SELECT trace_id, tenant_id, created_at_iso FROM traces ${matching}
             ORDER BY created_at DESC, trace_id DESC, tenant_id DESC LIMIT ? OFFSET ?`,
          ),
          count: this.#db.prepare(`SELECT count(*) FROM traces ${matching}`).pluck(),
        };
        this.#traceQueries.set(filter.shape, cached);
      } else if (cached === undefined) {
        cached = filter.narrowed
          ? {
              items: this.#db.prepare(
                `SELECT trace_id, tenant_id, created_at_iso FROM traces
                 WHERE tenant_id = ? AND trace_id IN (SELECT trace_id FROM spans WHERE ${filter.where})
                 ORDER BY created_at DESC, trace_id DESC LIMIT ? OFFSET ?`,
              ),
              // Same shape as the page query (not count(DISTINCT trace_id)), so the planner picks
              // the filter's covering index instead of walking spans_tenant_trace row by row.
              count: this.#db
                .prepare(
                  `SELECT count(*) FROM traces WHERE tenant_id = ?
                   AND trace_id IN (SELECT trace_id FROM spans WHERE ${filter.where})`,
                )
                .pluck(),
            }
          : {
              items: this.#db.prepare(
                `SELECT trace_id, tenant_id, created_at_iso FROM traces WHERE tenant_id = ?
                 ORDER BY created_at DESC, trace_id DESC LIMIT ? OFFSET ?`,
              ),
              count: this.#db.prepare('SELECT count(*) FROM traces WHERE tenant_id = ?').pluck(),
            };
        this.#traceQueries.set(filter.shape, cached);
      }
      const traceParams =
        filter.narrowed && !filter.allTenants ? [query.tenantId, ...filter.params] : filter.params;
      const total = cached.count.get(traceParams) as number;
      if (query.limit === 0 || query.offset >= total) {
        return { items: [], total, limit: query.limit, offset: query.offset };
      }
      const traceRows = cached.items.all([...traceParams, query.limit, query.offset]) as TraceRow[];
      // One span query per tenant on the page (one in all but the every-tenant listing).
      const key = (tenant: string, trace: string): string => `${tenant}\u0000${trace}`;
      const idsByTenant = new Map<string, string[]>();
      const spansByTrace = new Map<string, TraceSpan[]>();
      for (const row of traceRows) {
        spansByTrace.set(key(row.tenant_id, row.trace_id), []);
        const ids = idsByTenant.get(row.tenant_id) ?? [];
        ids.push(row.trace_id);
        idsByTenant.set(row.tenant_id, ids);
      }
      for (const [tenant, ids] of idsByTenant) {
        const spanRows = this.#selectSpansOfTraces.all(tenant, JSON.stringify(ids)) as SpanRow[];
        for (const row of spanRows)
          spansByTrace.get(key(row.tenant_id, row.trace_id))?.push(spanFromRow(row));
      }
      const items = traceRows.map((row): TraceEvent => ({
        traceId: row.trace_id,
        tenantId: row.tenant_id,
        createdAt: row.created_at_iso,
        sessionId: traceSessionId(spansByTrace.get(key(row.tenant_id, row.trace_id)) ?? []),
        spans: spansByTrace.get(key(row.tenant_id, row.trace_id)) ?? [],
      }));
      return { items, total, limit: query.limit, offset: query.offset };
    });
  }

  getTrace(tenantId: TenantId | undefined, traceId: string): Promise<TraceEvent | null> {
    return this.#read('getTrace', ({ spanFromRow, traceSessionId }) => {
      const row = (
        tenantId === undefined
          ? this.#selectTraceAnyTenant.get(traceId)
          : this.#selectTrace.get(tenantId, traceId)
      ) as TraceRow | undefined;
      if (row === undefined) return null;
      const spans = (this.#selectTraceSpans.all(row.tenant_id, traceId) as SpanRow[]).map(
        spanFromRow,
      );
      return {
        traceId: row.trace_id,
        tenantId: row.tenant_id,
        createdAt: row.created_at_iso,
        sessionId: traceSessionId(spans),
        spans,
      };
    });
  }

  getSpan(tenantId: TenantId | undefined, spanId: string): Promise<TraceSpan | null> {
    return this.#read('getSpan', ({ spanFromRow }) => {
      const row = (
        tenantId === undefined
          ? this.#selectSpanAnyTenant.get(spanId)
          : this.#selectSpan.get(tenantId, spanId)
      ) as SpanRow | undefined;
      return row === undefined ? null : spanFromRow(row);
    });
  }

  /**
   * Aggregates over the tenant's spans that start in `[from, to)`. Latency percentiles use the
   * nearest-rank definition ({@link percentileRank}) over `durationMs`, picked in SQL with a window
   * function; errors are spans with status >= 400 or an error message.
   */
  getStats(
    tenantId: TenantId | undefined,
    range: { readonly from?: string; readonly to?: string },
  ): Promise<TenantStats> {
    return this.#run('getStats', () => {
      const filter = spanFilterSql({ tenantId, from: range.from, to: range.to });
      const statements = this.#statsStatements(filter);
      const totals = statements.totals.get(filter.params) as TotalsRow;
      let p50: number | null = null;
      let p95: number | null = null;
      let p99: number | null = null;
      if (totals.latency_n > 0) {
        const ranks = [50, 95, 99].map((p) => percentileRank(totals.latency_n, p));
        const rows = statements.percentiles.all([...filter.params, ...ranks]) as {
          rn: number;
          d: number;
        }[];
        const at = (rank: number | undefined) => rows.find((r) => r.rn === rank)?.d ?? null;
        [p50, p95, p99] = [at(ranks[0]), at(ranks[1]), at(ranks[2])];
      }
      const findingsBySeverity = emptySeverities();
      for (const row of statements.severities.all(filter.params) as {
        severity: string;
        n: number;
      }[]) {
        if (row.severity in findingsBySeverity) {
          findingsBySeverity[row.severity as SecuritySeverity] = row.n;
        }
      }
      const byModel = (statements.models.all(filter.params) as ModelRow[]).map(
        (row): ModelStats => ({
          model: row.model,
          provider: row.provider as LLMProvider,
          spanCount: row.span_count,
          totalTokens: row.total_tokens,
          totalCostUsd: row.total_cost,
        }),
      );
      return {
        traceCount: totals.trace_count,
        spanCount: totals.span_count,
        errorCount: totals.error_count,
        promptTokens: totals.prompt_tokens,
        completionTokens: totals.completion_tokens,
        totalTokens: totals.total_tokens,
        totalCostUsd: totals.total_cost,
        unpricedSpans: totals.unpriced,
        latencyMs: { avg: totals.latency_avg, p50, p95, p99 },
        findingsBySeverity,
        byModel,
      };
    });
  }

  countOlderThan(tenantId: TenantId, before: string): Promise<number> {
    return this.#run('countOlderThan', () => {
      const beforeMs = parseTime(before, 'before');
      return this.#countOldSpans.get(tenantId, tenantId, beforeMs) as number;
    });
  }

  deleteOlderThan(tenantId: TenantId, before: string): Promise<number> {
    return this.#write('deleteOlderThan', () =>
      this.#deleteTx(tenantId, parseTime(before, 'before')),
    );
  }

  /**
   * Unhealthy when the file was deleted or replaced under the open connection, or the last write
   * failed (disk full, I/O error) — at once, not after the capture breaker has seen several
   * failures (issue 14 item 10) — else when the database does not answer.
   */
  health(): Promise<HealthStatus> {
    return probeHealth(() =>
      this.#run('health', () => {
        const problem = this.#connection.fileProblem();
        if (problem !== null) throw new Error(problem);
        if (this.#lastWriteError !== null) throw new Error(this.#lastWriteError);
        return this.#ping.get();
      }),
    );
  }

  /** Releases the shared connection (closed when its last repository lets go). Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#connection.release();
    }
    return Promise.resolve();
  }

  #statsStatements({ shape, where, allTenants }: SpanFilterSql): StatsStatements {
    let statements = this.#statsQueries.get(shape);
    if (statements === undefined) {
      // Trace ids are unique per tenant only: across tenants a trace is the (tenant, id) pair.
      const traceKey = allTenants ? 'tenant_id || char(0) || trace_id' : 'trace_id';
      statements = {
        totals: this.#db.prepare(
          `SELECT count(*) AS span_count,
             count(DISTINCT ${traceKey}) AS trace_count,
             coalesce(sum(status_code >= 400 OR error_message IS NOT NULL), 0) AS error_count,
             coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
             coalesce(sum(completion_tokens), 0) AS completion_tokens,
             coalesce(sum(${TOKENS_EXPR}), 0) AS total_tokens,
             coalesce(sum(cost_usd), 0) AS total_cost,
             coalesce(sum(cost_usd IS NULL AND model IS NOT NULL), 0) AS unpriced,
             avg(duration_ms) AS latency_avg,
             count(duration_ms) AS latency_n
           FROM spans WHERE ${where}`,
        ),
        percentiles: this.#db.prepare(
          `SELECT rn, d FROM (
             SELECT duration_ms AS d, row_number() OVER (ORDER BY duration_ms) AS rn
             FROM spans WHERE ${where} AND duration_ms IS NOT NULL
           ) WHERE rn IN (?, ?, ?)`,
        ),
        severities: this.#db.prepare(
          `SELECT json_extract(f.value, '$.severity') AS severity, count(*) AS n
           FROM spans, json_each(spans.findings) AS f
           WHERE ${where} AND finding_count > 0 GROUP BY severity`,
        ),
        models: this.#db.prepare(
          `SELECT model, provider, count(*) AS span_count,
             coalesce(sum(${TOKENS_EXPR}), 0) AS total_tokens,
             coalesce(sum(cost_usd), 0) AS total_cost
           FROM spans WHERE ${where} AND model IS NOT NULL
           GROUP BY model, provider ORDER BY span_count DESC, model, provider`,
        ),
      };
      this.#statsQueries.set(shape, statements);
    }
    return statements;
  }

  #writeSpan(params: unknown[]): void {
    try {
      this.#insertSpan.run(params);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // SET takes the columns after the key, then the WHERE takes the key (tenant_id, span_id).
      this.#replaceSpan.run([...params.slice(2), params[0], params[1]]);
    }
  }

  /**
   * A write: refused while the file is gone (SQLite would accept it into an unlinked file that no
   * restart will see), and its outcome remembered for `health()`. Invalid input is the caller's
   * problem, not the store's, and leaves the health as it was.
   */
  async #write<T>(operation: string, fn: () => T): Promise<T> {
    const problem = this.#connection.fileProblem();
    if (problem !== null) {
      this.#lastWriteError = problem;
      throw new LLMTraceError('STORAGE_UNAVAILABLE', problem, {
        details: { path: this.#connection.path },
      });
    }
    try {
      const result = await this.#run(operation, fn);
      this.#lastWriteError = null;
      return result;
    } catch (error) {
      const translated = translateSqliteError(error, operation);
      if (translated.code !== 'VALIDATION_FAILED') {
        this.#lastWriteError = `last write failed at ${new Date().toISOString()}: ${translated.message}`;
      }
      throw translated;
    }
  }

  /** A read that decodes rows: {@link loadRowDecoder}, then {@link #run}. */
  async #read<T>(operation: string, fn: (decoder: RowDecoder) => T): Promise<T> {
    const decoder = await loadRowDecoder();
    return this.#run(operation, () => fn(decoder));
  }

  async #run<T>(operation: string, fn: () => T): Promise<T> {
    if (this.#closed) {
      throw new LLMTraceError('STORAGE_UNAVAILABLE', `trace repository is closed (${operation})`);
    }
    if (this.#connection.busy) await this.#connection.whenIdle();
    try {
      return fn();
    } catch (error) {
      throw translateSqliteError(error, operation);
    }
  }
}
