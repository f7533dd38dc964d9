import {
  AuditEvent,
  LLMProvider,
  SecuritySeverity,
  Tenant,
  TenantConfig,
  TenantId,
  TraceEvent,
  TraceSpan,
} from '@llmtrace/core';
import { z } from 'zod';

const isoTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time, e.g. 2026-01-31T00:00:00Z',
});
const intParam = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** `limit` (1–1000, default 50) and `offset` (≥ 0, default 0). */
export const Pagination = z.object({
  limit: intParam(1, 1000).default(50),
  offset: intParam(0, 10_000_000).default(0),
});

/** Admin-key callers pick the tenant with `tenant_id`; tenant keys may only name their own. */
const TenantParam = z.object({ tenant_id: TenantId.optional() });

export const TimeRange = z
  .object({ from: isoTime.optional(), to: isoTime.optional() })
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

const FilterFields = Pagination.extend(TenantParam.shape).extend({
  from: isoTime.optional(),
  to: isoTime.optional(),
  provider: LLMProvider.optional(),
  model: z.string().min(1).max(200).optional(),
  min_score: intParam(0, 100).optional(),
  max_score: intParam(0, 100).optional(),
  agent_id: z.string().min(1).max(128).optional(),
  /** The conversation/session sent as `X-LLMTrace-Session-ID`. */
  session_id: z.string().min(1).max(256).optional(),
});

const scoreRangeOk = (q: { min_score?: number | undefined; max_score?: number | undefined }) =>
  q.min_score === undefined || q.max_score === undefined || q.min_score <= q.max_score;
const SCORE_RANGE = { message: 'min_score must not exceed max_score', path: ['min_score'] };

export const TraceQuery = FilterFields.strict().refine(scoreRangeOk, SCORE_RANGE);

export const SpanQuery = FilterFields.extend({ operation: z.string().min(1).max(200).optional() })
  .strict()
  .refine(scoreRangeOk, SCORE_RANGE);

export const FindingQuery = Pagination.extend(TenantParam.shape)
  .extend({
    type: z.string().min(1).max(64).optional(),
    severity: SecuritySeverity.optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .strict();

export const StatsQuery = z
  .object({ tenant_id: TenantId.optional(), from: isoTime.optional(), to: isoTime.optional() })
  .strict();

export const TenantOnlyQuery = TenantParam.strict();

export const IdParam = z.object({ id: z.string().min(1).max(200) });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });

export const TracePage = page(TraceEvent);
export const SpanPage = page(TraceSpan);
export { TraceEvent, TraceSpan, Tenant, TenantConfig, AuditEvent };

export const NewTenantBody = z
  .object({
    id: TenantId.optional(),
    name: z.string().min(1).max(200),
    plan: z.string().min(1).max(64).default('free'),
    config: TenantConfig.partial().optional(),
  })
  .strict();

export const UpdateTenantBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    plan: z.string().min(1).max(64).optional(),
    config: TenantConfig.partial().optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.plan !== undefined || b.config !== undefined, {
    message: 'give at least one of name, plan, config',
  });

export const AuditQuery = Pagination.extend(TenantParam.shape)
  .extend({
    action: z.string().min(1).max(100).optional(),
    actor: z.string().min(1).max(200).optional(),
    resource_type: z.string().min(1).max(100).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .strict();

export const ListTenantsQuery = Pagination.extend({
  include_deleted: z.enum(['true', 'false']).optional(),
}).strict();

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), request_id: z.string() }),
});

const latency = z.number().nullable();
export const StatsResponse = z.object({
  traceCount: z.number().int(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  totalCostUsd: z.number(),
  unpricedSpans: z.number().int(),
  latencyMs: z.object({ avg: latency, p50: latency, p95: latency, p99: latency }),
  findingsBySeverity: z.record(SecuritySeverity, z.number().int()),
  byModel: z.readonly(
    z.array(
      z.object({
        model: z.string(),
        provider: LLMProvider,
        spanCount: z.number().int(),
        totalTokens: z.number().int(),
        totalCostUsd: z.number(),
      }),
    ),
  ),
});
