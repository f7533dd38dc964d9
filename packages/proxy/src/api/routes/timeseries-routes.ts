import {
  LLMTraceError,
  SecuritySeverity,
  TenantId,
  type SpanQuery,
  type Storage,
  type TenantId as TenantIdType,
  type TraceSpan,
} from '@llmtrace/core';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../route.js';
import { readScope } from '../scope.js';
import {
  bucketIndex,
  MAX_BUCKETS,
  nearestRank,
  timeBuckets,
  type TimeBucket,
} from '../time-buckets.js';

/**
 * Spans read to compute time-to-first-token percentiles and finding types per bucket, and spend per
 * agent: none is in the repositories' aggregate stats, so they come from the spans themselves, newest first, up to
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
  traceCount: z.number().int(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  totalCostUsd: z.number(),
  latencyMs: percentiles,
  /** From the scanned spans (see `scan_complete`). */
  ttftMs: percentiles,
  findingsBySeverity: z.record(SecuritySeverity, z.number().int()),
  /** Spans with at least one finding of each type, from the scanned spans. */
  findingsByType: z.record(z.string(), z.number().int()),
});
/** Internal (camelCase) shape; the API answers its snake_case wire form. */
const TimeSeries = z.object({
  /** The tenant read; null when every tenant was (admin key, or auth off). */
  tenantId: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  intervalSeconds: z.number().int(),
  buckets: z.array(Bucket),
  /** Spend per agent over the whole range (spans without an agent under null), from the scan. */
  byAgent: z.array(
    z.object({
      agentId: z.string().nullable(),
      spanCount: z.number().int(),
      totalTokens: z.number().int(),
      totalCostUsd: z.number(),
    }),
  ),
  /** Spans read for `ttft_ms`, `findings_by_type` and `by_agent`. */
  scannedSpans: z.number().int(),
  /** False when the range held more spans than one call reads: those fields then cover the newest. */
  scanComplete: z.boolean(),
});

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
        const tenantId: TenantIdType | undefined = readScope(principal, query.tenant_id);
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
        const agents = new Map<
          string | null,
          { spanCount: number; totalTokens: number; totalCostUsd: number }
        >();
        const types: Record<string, number>[] = buckets.map(() => ({}));
        const range = {
          ...(tenantId === undefined ? {} : { tenantId }),
          from: query.from,
          to: query.to,
        };
        const timed = await scanSpans(storage, range, (span) => {
          const i = bucketIndex(buckets, Date.parse(span.startTime));
          if (i >= 0 && span.timeToFirstTokenMs !== null) ttft[i]?.push(span.timeToFirstTokenMs);
          const agent = agents.get(span.agentId) ?? {
            spanCount: 0,
            totalTokens: 0,
            totalCostUsd: 0,
          };
          agent.spanCount += 1;
          agent.totalTokens += span.totalTokens ?? 0;
          agent.totalCostUsd += span.estimatedCostUsd ?? 0;
          agents.set(span.agentId, agent);
        });
        const flagged = await scanSpans(storage, { ...range, hasFindings: true }, (span) => {
          const counts = types[bucketIndex(buckets, Date.parse(span.startTime))];
          if (counts === undefined) return;
          for (const type of new Set(span.securityFindings.map((f) => f.type)))
            counts[type] = (counts[type] ?? 0) + 1;
        });
        return {
          tenantId: tenantId ?? null,
          from: query.from,
          to: query.to,
          intervalSeconds: query.interval_seconds,
          buckets: buckets.map((b: TimeBucket, i) => {
            const s = stats[i];
            const sortedTtft = (ttft[i] ?? []).sort((x, y) => x - y);
            return {
              start: iso(b.startMs),
              end: iso(b.endMs),
              traceCount: s?.traceCount ?? 0,
              spanCount: s?.spanCount ?? 0,
              errorCount: s?.errorCount ?? 0,
              promptTokens: s?.promptTokens ?? 0,
              completionTokens: s?.completionTokens ?? 0,
              totalTokens: s?.totalTokens ?? 0,
              totalCostUsd: s?.totalCostUsd ?? 0,
              latencyMs: { p50: s?.latencyMs.p50 ?? null, p95: s?.latencyMs.p95 ?? null },
              ttftMs: { p50: nearestRank(sortedTtft, 50), p95: nearestRank(sortedTtft, 95) },
              findingsBySeverity: s?.findingsBySeverity ?? {
                critical: 0,
                high: 0,
                medium: 0,
                low: 0,
                info: 0,
              },
              findingsByType: types[i] ?? {},
            };
          }),
          byAgent: [...agents]
            .map(([agentId, totals]) => ({ agentId, ...totals }))
            .sort((a, b) => b.totalCostUsd - a.totalCostUsd || b.spanCount - a.spanCount),
          scannedSpans: timed.scanned + flagged.scanned,
          scanComplete: timed.complete && flagged.complete,
        };
      },
    }),
  ];
}
