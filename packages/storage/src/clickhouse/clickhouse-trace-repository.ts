import {
  LLMTraceError,
  traceSessionId,
  type BatchWriteResult,
  type HealthStatus,
  type LLMProvider,
  type Page,
  type SecuritySeverity,
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
import { spanFromRow, type SpanRow } from '../span-codec.js';
import { actionFlagBits, spanJsonColumns } from '../span-columns.js';
import { validateSpan, validateTrace } from '../span-validation.js';
import type { ClickHouseExecutor } from './clickhouse-executor.js';
import { checkDatabaseName } from './clickhouse-migrations.js';
import { clickhouseSpanFilter } from './clickhouse-span-filter.js';
import { translateClickHouseError } from './translate-clickhouse-error.js';
import { probeHealth } from '../probe-health.js';

/** Options for {@link ClickHouseTraceRepository}. */
export interface ClickHouseTraceRepositoryOptions {
  /** Database holding the tables (see `clickhouseMigrations`). */
  readonly database: string;
  /** Close the executor when the repository is closed (default true). */
  readonly ownsExecutor?: boolean;
}

/** Columns read back to rebuild a span (everything but the sort key's `start_time` and `version`). */
const SPAN_COLUMNS = [
  'tenant_id',
  'span_id',
  'trace_id',
  'parent_span_id',
  'agent_id',
  'operation_name',
  'start_iso',
  'end_time',
  'duration_ms',
  'provider',
  'model',
  'prompt',
  'response',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'tokens_estimated',
  'ttft_ms',
  'status_code',
  'error_message',
  'security_score',
  'findings',
  'cost_usd',
  'tags',
  'agent_actions',
  'events',
  'session_id',
].join(', ');

interface TotalsRow {
  span_count: number;
  trace_count: number;
  error_count: number;
  sum_prompt_tokens: number;
  sum_completion_tokens: number;
  sum_total_tokens: number;
  total_cost: number;
  unpriced: number;
  latency_avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  sev_critical: number;
  sev_high: number;
  sev_medium: number;
  sev_low: number;
  sev_info: number;
}

interface ModelRow {
  model_name: string;
  provider_name: string;
  span_count: number;
  sum_total_tokens: number;
  total_cost: number;
}

/** A span's total: the provider's total when known, else prompt + completion. */
const TOKENS_EXPR = 'ifNull(total_tokens, ifNull(prompt_tokens, 0) + ifNull(completion_tokens, 0))';

/** The nearest-rank element of the sorted `durations` array (same definition as percentileRank). */
function percentileExpr(p: number): string {
  // (p / 100) as a literal: the same double as JavaScript's p / 100, so the ranks agree.
  const level = String(p / 100);
  return `if(latency_n = 0, NULL,
    durations[toUInt64(greatest(1, least(toFloat64(latency_n), ceil(${level} * latency_n))))]) AS p${p}`;
}

/** DateTime64(3) input text for epoch ms (UTC, the column's zone). */
function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Column order of a span row as inserted (JSONCompactEachRow: values without names). */
const INSERT_COLUMNS = [
  'tenant_id',
  'start_time',
  'span_id',
  'trace_id',
  'version',
  'parent_span_id',
  'agent_id',
  'operation_name',
  'start_iso',
  'end_time',
  'duration_ms',
  'provider',
  'model',
  'prompt',
  'response',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'tokens_estimated',
  'ttft_ms',
  'status_code',
  'error_message',
  'security_score',
  'finding_count',
  'finding_types',
  'finding_severities',
  'findings',
  'cost_usd',
  'tags',
  'agent_actions',
  'events',
  'session_id',
  'action_flags',
  'action_names',
] as const;

/** Column order of an explicit trace claim (see `clickhouseMigrations`). */
const TRACE_COLUMNS = [
  'tenant_id',
  'trace_id',
  'explicit',
  'version',
  'created_at',
  'created_iso',
] as const;

/** A span as one row of values in {@link INSERT_COLUMNS} order. */
function spanValues(span: TraceSpan, startMs: number, version: number): unknown[] {
  const findings = span.securityFindings;
  const json = spanJsonColumns(span);
  return [
    span.tenantId,
    chTime(startMs),
    span.spanId,
    span.traceId,
    version,
    span.parentSpanId,
    span.agentId,
    span.operationName,
    span.startTime,
    span.endTime,
    span.durationMs,
    span.provider,
    span.model,
    span.prompt,
    span.response,
    span.promptTokens,
    span.completionTokens,
    span.totalTokens,
    span.tokensEstimated,
    span.timeToFirstTokenMs,
    span.statusCode,
    span.errorMessage,
    span.securityScore,
    findings.length,
    findings.map((f) => f.type),
    findings.map((f) => f.severity),
    json.findings,
    span.estimatedCostUsd,
    json.tags,
    json.agentActions,
    json.events,
    span.sessionId,
    actionFlagBits(span.agentActions),
    span.agentActions.map((a) => a.name),
  ];
}

/**
 * {@link TraceRepository} on ClickHouse (schema and design: `clickhouseMigrations`). Writes are
 * inserts only: one INSERT per `storeBatch` whatever its size (the trace rows follow through a
 * materialized view), and storing a span again inserts a newer version that every read resolves
 * with FINAL, so a span is never returned twice. Filtering, ordering, pagination and aggregation
 * all run in ClickHouse; every statement is scoped by `tenant_id` and every value is a bound
 * parameter.
 *
 * Versions are microsecond timestamps made strictly increasing within the process, so the last
 * write wins, also between replicas (up to clock skew).
 *
 * @example
 * const executor = await ClickHouseClientExecutor.connect('http://clickhouse:8123');
 * const traces = new ClickHouseTraceRepository(executor, { database: 'llmtrace' });
 * await traces.storeBatch(spans);
 */
export class ClickHouseTraceRepository implements TraceRepository {
  readonly #executor: ClickHouseExecutor;
  readonly #ownsExecutor: boolean;
  readonly #spans: string;
  readonly #traces: string;
  /**
   * Resolves each trace of a tenant (or, with `allTenants`, of every tenant) to its creation time
   * (see `clickhouseMigrations`).
   */
  readonly #resolvedTraces: (extraWhere: string, allTenants?: boolean) => string;
  readonly #oldTraces: string;
  #lastVersion = 0;
  /** Why the last insert failed (cleared by the next successful one): `health()` reports it. */
  #lastWriteError: string | null = null;
  #closed = false;

  constructor(executor: ClickHouseExecutor, options: ClickHouseTraceRepositoryOptions) {
    const db = checkDatabaseName(options.database);
    this.#executor = executor;
    this.#ownsExecutor = options.ownsExecutor ?? true;
    this.#spans = `${db}.spans`;
    this.#traces = `${db}.traces`;
    this.#resolvedTraces = (extraWhere, allTenants = false) =>
      `SELECT tenant_id, trace_id,
         argMax(tuple(created_at, created_iso), tuple(explicit, version)) AS created
       FROM ${this.#traces} WHERE ${allTenants ? '1' : 'tenant_id = {tenant:String}'} ${extraWhere}
       GROUP BY tenant_id, trace_id`;
    this.#oldTraces = `SELECT trace_id FROM ${this.#traces} WHERE tenant_id = {tenant:String}
       GROUP BY trace_id
       HAVING argMax(created_at, tuple(explicit, version)) < fromUnixTimestamp64Milli({before:Int64}, 'UTC')`;
  }

  async storeTrace(trace: TraceEvent): Promise<void> {
    this.#assertOpen('storeTrace');
    const { createdMs, starts } = validateTrace(trace);
    await this.#insert(this.#traces, TRACE_COLUMNS, [
      [trace.tenantId, trace.traceId, 1, this.#nextVersion(), chTime(createdMs), trace.createdAt],
    ]);
    await this.#insert(
      this.#spans,
      INSERT_COLUMNS,
      trace.spans.map((span, i) => spanValues(span, starts[i] ?? 0, this.#nextVersion())),
    );
  }

  /** Two INSERTs whatever the number of traces: the explicit trace claims, then every span. */
  async storeTraces(traces: readonly TraceEvent[]): Promise<void> {
    this.#assertOpen('storeTraces');
    const checked = traces.map((trace) => validateTrace(trace));
    if (traces.length === 0) return;
    await this.#insert(
      this.#traces,
      TRACE_COLUMNS,
      traces.map((trace, i) => [
        trace.tenantId,
        trace.traceId,
        1,
        this.#nextVersion(),
        chTime(checked[i]?.createdMs ?? 0),
        trace.createdAt,
      ]),
    );
    const rows = traces.flatMap((trace, i) =>
      trace.spans.map((span, j) =>
        spanValues(span, checked[i]?.starts[j] ?? 0, this.#nextVersion()),
      ),
    );
    if (rows.length > 0) await this.#insert(this.#spans, INSERT_COLUMNS, rows);
  }

  /**
   * Keyset pages over every tenant in (tenant_id, trace_id) order, each trace resolved as in
   * `getTrace`, with its spans read as `getTrace` reads them. The traces
   * table is sorted by that key, so aggregating in order lets a page stop after `limit` groups
   * instead of grouping every trace after the cursor.
   */
  async exportTraces(after: TraceCursor | null, limit: number): Promise<TraceEvent[]> {
    this.#assertOpen('exportTraces');
    assertPageBounds(limit, 0);
    if (limit === 0) return [];
    const start = { tenant: after?.tenantId ?? '', trace: after?.traceId ?? '' };
    const traceRows = await this.#executor.query<{
      tenant_id: string;
      trace_id: string;
      created_iso: string;
    }>(
      `SELECT tenant_id, trace_id,
         argMax(created_iso, tuple(explicit, version)) AS created_iso
       FROM ${this.#traces}
       WHERE (tenant_id, trace_id) > ({tenant:String}, {trace:String})
       GROUP BY tenant_id, trace_id
       ORDER BY tenant_id, trace_id
       LIMIT {limit:UInt64}
       SETTINGS optimize_aggregation_in_order = 1`,
      { ...start, limit },
    );
    if (traceRows.length === 0) return [];
    const byTrace = new Map<string, TraceEvent>();
    const items = traceRows.map((row): TraceEvent => {
      const event = {
        traceId: row.trace_id,
        tenantId: row.tenant_id,
        createdAt: row.created_iso,
        spans: [],
      };
      byTrace.set(`${row.tenant_id}\u0000${row.trace_id}`, event);
      return event;
    });
    // The spans of the page by trace id per tenant (bloom filters, newest version of each span),
    // as getTrace reads them: a range scan with FINAL would merge the tenant's whole key range for
    // every page.
    const idsByTenant = new Map<string, string[]>();
    for (const row of traceRows) {
      const ids = idsByTenant.get(row.tenant_id) ?? [];
      ids.push(row.trace_id);
      idsByTenant.set(row.tenant_id, ids);
    }
    const spanPages = await Promise.all(
      [...idsByTenant].map(([tenant, ids]) =>
        this.#executor.query<SpanRow>(this.#latestSpans('trace_id IN {ids:Array(String)}'), {
          tenant,
          ids,
        }),
      ),
    );
    for (const row of spanPages.flat()) {
      byTrace.get(`${row.tenant_id}\u0000${row.trace_id}`)?.spans.push(spanFromRow(row));
    }
    for (const item of items) item.sessionId = traceSessionId(item.spans);
    return items;
  }

  async countAll(): Promise<TraceCounts> {
    this.#assertOpen('countAll');
    const rows = await this.#executor.query<TraceCounts>(
      `SELECT
         (SELECT count() FROM (SELECT 1 FROM ${this.#traces} GROUP BY tenant_id, trace_id)) AS traces,
         (SELECT count() FROM ${this.#spans} FINAL) AS spans`,
    );
    return rows[0] ?? { traces: 0, spans: 0 };
  }

  async storeSpan(span: TraceSpan): Promise<void> {
    this.#assertOpen('storeSpan');
    const startMs = validateSpan(span);
    await this.#insert(this.#spans, INSERT_COLUMNS, [
      spanValues(span, startMs, this.#nextVersion()),
    ]);
  }

  /**
   * One INSERT for the whole batch (ClickHouse wants few large inserts, never one per request). A
   * span that fails validation is reported in `failed` and the rest are written; a server failure
   * throws and writes nothing (an insert block is atomic).
   */
  async storeBatch(spans: readonly TraceSpan[]): Promise<BatchWriteResult> {
    this.#assertOpen('storeBatch');
    const rows: unknown[][] = [];
    const failed: { spanId: string; error: string }[] = [];
    for (const span of spans) {
      try {
        rows.push(spanValues(span, validateSpan(span), this.#nextVersion()));
      } catch (error) {
        failed.push({
          spanId: String(span.spanId),
          error: translateClickHouseError(error, 'storeBatch').message,
        });
      }
    }
    await this.#insert(this.#spans, INSERT_COLUMNS, rows);
    return { written: rows.length, failed };
  }

  async querySpans(query: SpanQuery): Promise<Page<TraceSpan>> {
    this.#assertOpen('querySpans');
    assertPageBounds(query.limit, query.offset);
    const filter = clickhouseSpanFilter(query);
    const params = { ...filter.params, limit: query.limit, offset: query.offset };
    const [counts, rows] = await Promise.all([
      this.#executor.query<{ n: number }>(
        `SELECT count() AS n FROM ${this.#spans} FINAL WHERE ${filter.where}`,
        params,
      ),
      query.limit === 0
        ? Promise.resolve([])
        : this.#executor.query<SpanRow>(
            `SELECT ${SPAN_COLUMNS} FROM ${this.#spans} FINAL WHERE ${filter.where}
             ORDER BY start_time DESC, span_id DESC
             LIMIT {limit:UInt64} OFFSET {offset:UInt64}`,
            params,
          ),
    ]);
    return {
      items: rows.map(spanFromRow),
      total: counts[0]?.n ?? 0,
      limit: query.limit,
      offset: query.offset,
    };
  }

  /**
   * Traces with at least one span matching the filter (every trace when only the tenant is given),
   * newest first, each with all of its spans: one query for the page and its total, one for the
   * spans of the page.
   */
  async queryTraces(query: SpanQuery): Promise<Page<TraceEvent>> {
    this.#assertOpen('queryTraces');
    assertPageBounds(query.limit, query.offset);
    const filter = clickhouseSpanFilter(query);
    const all = filter.allTenants;
    // Across tenants a trace is the (tenant, id) pair: ids are unique per tenant only.
    const matching = !filter.narrowed
      ? ''
      : all
        ? `AND (tenant_id, trace_id) IN (SELECT tenant_id, trace_id FROM ${this.#spans} FINAL WHERE ${filter.where})`
        : `AND trace_id IN (SELECT trace_id FROM ${this.#spans} FINAL WHERE ${filter.where})`;
    const params = { ...filter.params, limit: query.limit, offset: query.offset };
    // The page carries the total (a window count over the grouped traces, which the GROUP BY has
    // materialised anyway): one scan instead of two. Only an empty page needs its own count.
    const traceRows =
      query.limit === 0
        ? []
        : await this.#executor.query<{
            tenant_id: string;
            trace_id: string;
            created_iso: string;
            total: number;
          }>(
            `SELECT tenant_id, trace_id, created.2 AS created_iso, count() OVER () AS total
             FROM (${this.#resolvedTraces(matching, all)})
             ORDER BY created.1 DESC, trace_id DESC, tenant_id DESC
             LIMIT {limit:UInt64} OFFSET {offset:UInt64}`,
            params,
          );
    const total =
      traceRows[0]?.total ??
      (
        await this.#executor.query<{ n: number }>(
          `SELECT count() AS n FROM (
             SELECT tenant_id, trace_id FROM ${this.#traces}
             WHERE ${all ? '1' : 'tenant_id = {tenant:String}'} ${matching}
             GROUP BY tenant_id, trace_id
           )`,
          params,
        )
      )[0]?.n ??
      0;
    if (traceRows.length === 0) {
      return { items: [], total, limit: query.limit, offset: query.offset };
    }
    // One span query per tenant on the page (one in all but the every-tenant listing).
    const key = (tenant: string, trace: string): string => `${tenant}\u0000${trace}`;
    const idsByTenant = new Map<string, string[]>();
    for (const row of traceRows) {
      const ids = idsByTenant.get(row.tenant_id) ?? [];
      ids.push(row.trace_id);
      idsByTenant.set(row.tenant_id, ids);
    }
    const spansByTrace = new Map<string, TraceSpan[]>(
      traceRows.map((r) => [key(r.tenant_id, r.trace_id), []]),
    );
    const spanPages = await Promise.all(
      [...idsByTenant].map(([tenant, ids]) =>
        this.#executor.query<SpanRow>(this.#latestSpans('trace_id IN {ids:Array(String)}'), {
          tenant,
          ids,
        }),
      ),
    );
    for (const row of spanPages.flat())
      spansByTrace.get(key(row.tenant_id, row.trace_id))?.push(spanFromRow(row));
    const items = traceRows.map((row): TraceEvent => ({
      traceId: row.trace_id,
      tenantId: row.tenant_id,
      createdAt: row.created_iso,
      sessionId: traceSessionId(spansByTrace.get(key(row.tenant_id, row.trace_id)) ?? []),
      spans: spansByTrace.get(key(row.tenant_id, row.trace_id)) ?? [],
    }));
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async getTrace(tenantId: TenantId | undefined, traceId: string): Promise<TraceEvent | null> {
    this.#assertOpen('getTrace');
    if (tenantId === undefined) {
      // Which tenant holds it (the newest trace on a collision), then the tenant-scoped read.
      const owners = await this.#executor.query<{ tenant_id: string }>(
        `SELECT tenant_id FROM (${this.#resolvedTraces('AND trace_id = {trace:String}', true)})
         ORDER BY created.1 DESC, tenant_id DESC LIMIT 1`,
        { trace: traceId },
      );
      const owner = owners[0]?.tenant_id;
      return owner === undefined ? null : this.getTrace(owner, traceId);
    }
    const params = { tenant: tenantId, trace: traceId };
    const [traceRows, spanRows] = await Promise.all([
      this.#executor.query<{ created_iso: string }>(
        `SELECT created.2 AS created_iso
         FROM (${this.#resolvedTraces('AND trace_id = {trace:String}')})`,
        params,
      ),
      this.#executor.query<SpanRow>(this.#latestSpans('trace_id = {trace:String}'), params),
    ]);
    const row = traceRows[0];
    if (row === undefined) return null;
    const spans = spanRows.map(spanFromRow);
    return {
      traceId,
      tenantId,
      createdAt: row.created_iso,
      sessionId: traceSessionId(spans),
      spans,
    };
  }

  async getSpan(tenantId: TenantId | undefined, spanId: string): Promise<TraceSpan | null> {
    this.#assertOpen('getSpan');
    if (tenantId === undefined) {
      // The newest version of each (tenant, span), then the newest span on an id collision.
      const rows = await this.#executor.query<SpanRow>(
        `SELECT ${SPAN_COLUMNS} FROM (
           SELECT ${SPAN_COLUMNS}, start_time FROM ${this.#spans} WHERE span_id = {span:String}
           ORDER BY tenant_id, version DESC LIMIT 1 BY tenant_id
         ) ORDER BY start_time DESC, tenant_id DESC LIMIT 1`,
        { span: spanId },
      );
      return rows[0] === undefined ? null : spanFromRow(rows[0]);
    }
    // The newest version by the span_id bloom filter, without FINAL's merge of the tenant range.
    const rows = await this.#executor.query<SpanRow>(
      `SELECT ${SPAN_COLUMNS} FROM ${this.#spans}
       WHERE tenant_id = {tenant:String} AND span_id = {span:String}
       ORDER BY version DESC LIMIT 1`,
      { tenant: tenantId, span: spanId },
    );
    return rows[0] === undefined ? null : spanFromRow(rows[0]);
  }

  /**
   * Aggregates over the tenant's spans that start in `[from, to)`, in two queries (totals with
   * percentiles and severities; per model). Latency percentiles use the nearest-rank definition
   * over `durationMs`, like every other backend; errors are spans with status >= 400 or an error
   * message.
   */
  async getStats(
    tenantId: TenantId | undefined,
    range: { readonly from?: string; readonly to?: string },
  ): Promise<TenantStats> {
    this.#assertOpen('getStats');
    const filter = clickhouseSpanFilter({ tenantId, from: range.from, to: range.to });
    const severities = (['critical', 'high', 'medium', 'low', 'info'] as const)
      .map((s) => `sum(arrayCount(x -> x = '${s}', finding_severities)) AS sev_${s}`)
      .join(',\n');
    const [totalsRows, modelRows] = await Promise.all([
      this.#executor.query<TotalsRow>(
        `SELECT * EXCEPT (durations, latency_n), ${percentileExpr(50)}, ${percentileExpr(95)},
           ${percentileExpr(99)}
         FROM (
           SELECT count() AS span_count,
             uniqExact(${filter.allTenants ? 'tenant_id, trace_id' : 'trace_id'}) AS trace_count,
             countIf(ifNull(status_code, 0) >= 400 OR error_message IS NOT NULL) AS error_count,
             sum(ifNull(prompt_tokens, 0)) AS sum_prompt_tokens,
             sum(ifNull(completion_tokens, 0)) AS sum_completion_tokens,
             sum(${TOKENS_EXPR}) AS sum_total_tokens,
             sum(ifNull(cost_usd, 0)) AS total_cost,
             countIf(cost_usd IS NULL AND model IS NOT NULL) AS unpriced,
             avgOrNull(duration_ms) AS latency_avg,
             arraySort(groupArray(duration_ms)) AS durations,
             length(durations) AS latency_n,
             ${severities}
           FROM ${this.#spans} FINAL WHERE ${filter.where}
         )`,
        filter.params,
      ),
      this.#executor.query<ModelRow>(
        // Aliases differ from column names: ClickHouse aliases are visible in the whole query.
        `SELECT assumeNotNull(model) AS model_name, provider AS provider_name,
           count() AS span_count, sum(${TOKENS_EXPR}) AS sum_total_tokens,
           sum(ifNull(cost_usd, 0)) AS total_cost
         FROM ${this.#spans} FINAL WHERE ${filter.where} AND model IS NOT NULL
         GROUP BY model_name, provider_name
         ORDER BY span_count DESC, model_name, provider_name`,
        filter.params,
      ),
    ]);
    const t = totalsRows[0];
    if (t === undefined)
      throw new LLMTraceError('STORAGE_UNAVAILABLE', 'stats query returned no row');
    const findingsBySeverity: Record<SecuritySeverity, number> = {
      critical: t.sev_critical,
      high: t.sev_high,
      medium: t.sev_medium,
      low: t.sev_low,
      info: t.sev_info,
    };
    return {
      traceCount: t.trace_count,
      spanCount: t.span_count,
      errorCount: t.error_count,
      promptTokens: t.sum_prompt_tokens,
      completionTokens: t.sum_completion_tokens,
      totalTokens: t.sum_total_tokens,
      totalCostUsd: t.total_cost,
      unpricedSpans: t.unpriced,
      latencyMs: { avg: t.latency_avg, p50: t.p50, p95: t.p95, p99: t.p99 },
      findingsBySeverity,
      byModel: modelRows.map((row) => ({
        model: row.model_name,
        // Written from a typed span; the column holds only LLMProvider values.
        provider: row.provider_name as LLMProvider,
        spanCount: row.span_count,
        totalTokens: row.sum_total_tokens,
        totalCostUsd: row.total_cost,
      })),
    };
  }

  /**
   * Deletes the tenant's traces created before `before`, with every version of their spans
   * (lightweight DELETE: rows disappear from reads at once, and from disk at the next merge).
   * Returns the spans deleted. Spans are deleted by id, so an older version of a span that was
   * moved to another trace cannot resurface.
   */
  async countOlderThan(tenantId: TenantId, before: string): Promise<number> {
    this.#assertOpen('countOlderThan');
    const params = { tenant: tenantId, before: parseTime(before, 'before') };
    const counts = await this.#executor.query<{ n: number }>(
      `SELECT count() AS n FROM ${this.#spans} FINAL
       WHERE tenant_id = {tenant:String} AND trace_id IN (${this.#oldTraces})`,
      params,
    );
    return Number(counts[0]?.n ?? 0);
  }

  async deleteOlderThan(tenantId: TenantId, before: string): Promise<number> {
    this.#assertOpen('deleteOlderThan');
    const params = { tenant: tenantId, before: parseTime(before, 'before') };
    const oldSpans = `SELECT span_id FROM ${this.#spans} FINAL
      WHERE tenant_id = {tenant:String} AND trace_id IN (${this.#oldTraces})`;
    const counts = await this.#executor.query<{ n: number }>(
      `SELECT count() AS n FROM (${oldSpans})`,
      params,
    );
    const n = counts[0]?.n ?? 0;
    if (n > 0) {
      await this.#executor.command(
        `DELETE FROM ${this.#spans} WHERE tenant_id = {tenant:String} AND span_id IN (${oldSpans})`,
        params,
      );
    }
    await this.#executor.command(
      `DELETE FROM ${this.#traces} WHERE tenant_id = {tenant:String} AND trace_id IN (${this.#oldTraces})`,
      params,
    );
    return n;
  }

  /** Unhealthy at the first failed insert (until one succeeds), or when the server does not answer. */
  health(): Promise<HealthStatus> {
    return probeHealth(() => {
      this.#assertOpen('health');
      if (this.#lastWriteError !== null) throw new Error(this.#lastWriteError);
      return this.#executor.ping();
    });
  }

  async #insert(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void> {
    try {
      await this.#executor.insert(table, columns, rows);
      this.#lastWriteError = null;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#lastWriteError = `last write failed at ${new Date().toISOString()}: ${reason}`;
      throw error;
    }
  }

  /** Idempotent; closes the executor when this repository owns it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsExecutor) await this.#executor.close();
  }

  /**
   * The spans currently in the traces matched by `traceCondition`, oldest first. Point lookups skip
   * FINAL (which merges the tenant's whole key range): the bloom filters find every stored version
   * of the candidate spans, `LIMIT 1 BY` keeps each span's newest, and only spans whose newest
   * version is still in the trace are returned (a span moved to another trace is not).
   */
  #latestSpans(traceCondition: string): string {
    return `SELECT ${SPAN_COLUMNS} FROM (
        SELECT ${SPAN_COLUMNS}, start_time FROM ${this.#spans}
        WHERE tenant_id = {tenant:String} AND span_id IN (
          SELECT span_id FROM ${this.#spans}
          WHERE tenant_id = {tenant:String} AND ${traceCondition}
        )
        ORDER BY span_id, version DESC LIMIT 1 BY span_id
      )
      WHERE ${traceCondition}
      ORDER BY start_time, span_id`;
  }

  #nextVersion(): number {
    // Microseconds since the epoch stay below 2^53 until the year 2255.
    this.#lastVersion = Math.max(Date.now() * 1000, this.#lastVersion + 1);
    return this.#lastVersion;
  }

  #assertOpen(operation: string): void {
    if (this.#closed) {
      throw new LLMTraceError('STORAGE_UNAVAILABLE', `trace repository is closed (${operation})`);
    }
  }
}
