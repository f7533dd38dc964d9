import {
  LLMTraceError,
  SecuritySeverity,
  TenantId,
  type SpanQuery,
  type Storage,
  type TenantId as TenantIdType,
  type TraceSpan,
} from '@llmtrace/core';
import { percentileRank } from '@llmtrace/storage';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../route.js';
import { scopeTenant } from '../scope.js';
import { bucketIndex, MAX_BUCKETS, timeBuckets, type TimeBucket } from '../time-buckets.js';

/**
 * Spans read to compute time-to-first-token percentiles and finding types per bucket: neither is in
 * the repositories' aggregate stats, so they come from the spans themselves, newest first, up to
 * this many (the response says when the scan stopped early).
 */
const MAX_SCANNED_SPANS = 5_000;
const SCAN_PAGE = 1_000;

const isoTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time, e.g. 2026-01-31T00:00:00Z',
});

const TimeSeriesQuery = z
  .object({
    tenant_id: TenantId.optional(),
    from: isoTime,
    to: isoTime,
    /** Bucket width in seconds: one minute to one week. */
    interval_seconds: z.coerce
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(60, 'must be at least 60')
      .max(7 * 86_400, 'must be at most 604800'),
  })
  .strict()
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });

const percentiles = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });
const Bucket = z.object({
  start: z.string(),
  end: z.string(),
  trace_count: z.number().int(),
  span_count: z.number().int(),
  error_count: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  total_cost_usd: z.number(),
  latency_ms: percentiles,
  /** From the scanned spans (see `scan_complete`). */
  ttft_ms: percentiles,
  findings_by_severity: z.record(SecuritySeverity, z.number().int()),
  /** Spans with at least one finding of each type, from the scanned spans. */
  findings_by_type: z.record(z.string(), z.number().int()),
});
const TimeSeries = z.object({
  tenant_id: z.string(),
  from: z.string(),
  to: z.string(),
  interval_seconds: z.number().int(),
  buckets: z.array(Bucket),
  /** Spans read for `ttft_ms` and `findings_by_type`. */
  scanned_spans: z.number().int(),
  /** False when the range held more spans than one call reads: those fields then cover the newest. */
  scan_complete: z.boolean(),
});

function nearestRank(sorted: readonly number[], p: number): number | null {
  return sorted.length === 0 ? null : (sorted[percentileRank(sorted.length, p) - 1] ?? null);
}

/** Reads spans of the filter newest first, up to the cap; says whether it saw them all. */
async function scanSpans(
  storage: Storage,
  filter: Omit<SpanQuery, 'limit' | 'offset'>,
  visit: (span: TraceSpan) => void,
): Promise<{ scanned: number; complete: boolean }> {
  let offset = 0;
  for (;;) {
    const page = await storage.traces.querySpans({ ...filter, limit: SCAN_PAGE, offset });
    for (const span of page.items) visit(span);
    offset += page.items.length;
    if (page.items.length < SCAN_PAGE || offset >= page.total)
      return { scanned: offset, complete: true };
    if (offset >= MAX_SCANNED_SPANS) return { scanned: offset, complete: false };
  }
}

/**
 * `GET /api/v1/stats/timeseries`: the dashboard's charts. Counts, tokens, cost and latency come
 * from the repository's exact aggregate per bucket; TTFT and finding types from a bounded scan.
 */
export function timeseriesRoutes(storage: Storage): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/stats/timeseries',
      summary:
        'Requests, errors, tokens, cost, latency and TTFT percentiles and findings per time bucket',
      tag: 'traces',
      role: 'viewer',
      query: TimeSeriesQuery,
      response: TimeSeries,
      handler: async ({ query, principal }) => {
        const tenantId: TenantIdType = scopeTenant(principal, query.tenant_id);
        const fromMs = Date.parse(query.from);
        const toMs = Date.parse(query.to);
        const buckets = timeBuckets(fromMs, toMs, query.interval_seconds * 1000);
        if (buckets === null) {
          throw new LLMTraceError(
            'VALIDATION_FAILED',
            `query interval_seconds: the range would need more than ${MAX_BUCKETS} buckets; use a wider interval`,
            { details: { field: 'interval_seconds' } },
          );
        }
        const iso = (ms: number): string => new Date(ms).toISOString();
        const stats = await Promise.all(
          buckets.map((b) =>
            storage.traces.getStats(tenantId, { from: iso(b.startMs), to: iso(b.endMs) }),
          ),
        );
        const ttft: number[][] = buckets.map(() => []);
        const types: Record<string, number>[] = buckets.map(() => ({}));
        const range = { tenantId, from: query.from, to: query.to };
        const timed = await scanSpans(storage, range, (span) => {
          const i = bucketIndex(buckets, Date.parse(span.startTime));
          if (i >= 0 && span.timeToFirstTokenMs !== null) ttft[i]?.push(span.timeToFirstTokenMs);
        });
        const flagged = await scanSpans(storage, { ...range, hasFindings: true }, (span) => {
          const counts = types[bucketIndex(buckets, Date.parse(span.startTime))];
          if (counts === undefined) return;
          for (const type of new Set(span.securityFindings.map((f) => f.type)))
            counts[type] = (counts[type] ?? 0) + 1;
        });
        return {
          tenant_id: tenantId,
          from: query.from,
          to: query.to,
          interval_seconds: query.interval_seconds,
          buckets: buckets.map((b: TimeBucket, i) => {
            const s = stats[i];
            const sortedTtft = (ttft[i] ?? []).sort((x, y) => x - y);
            return {
              start: iso(b.startMs),
              end: iso(b.endMs),
              trace_count: s?.traceCount ?? 0,
              span_count: s?.spanCount ?? 0,
              error_count: s?.errorCount ?? 0,
              prompt_tokens: s?.promptTokens ?? 0,
              completion_tokens: s?.completionTokens ?? 0,
              total_tokens: s?.totalTokens ?? 0,
              total_cost_usd: s?.totalCostUsd ?? 0,
              latency_ms: { p50: s?.latencyMs.p50 ?? null, p95: s?.latencyMs.p95 ?? null },
              ttft_ms: { p50: nearestRank(sortedTtft, 50), p95: nearestRank(sortedTtft, 95) },
              findings_by_severity: s?.findingsBySeverity ?? {
                critical: 0,
                high: 0,
                medium: 0,
                low: 0,
                info: 0,
              },
              findings_by_type: types[i] ?? {},
            };
          }),
          scanned_spans: timed.scanned + flagged.scanned,
          scan_complete: timed.complete && flagged.complete,
        };
      },
    }),
  ];
}
