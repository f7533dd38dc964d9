import {
  ACTION_TYPES,
  AgentActionV2,
  AuditEvent,
  LLMProvider,
  SecurityFinding,
  SecuritySeverity,
  Tenant,
  TenantConfig,
  TenantId,
  TraceEvent,
  TraceSpan,
} from '@llmtrace/core';
import { z } from 'zod';
import { WireFormat } from './wire-format.js';

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

/** A `true`/`false` query flag, optional. */
const boolParam = (description: string) =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional()
    .describe(description);

/** `limit` (1–1000, default 50) and `offset` (≥ 0, default 0). */
export const Pagination = z.object({
  limit: intParam(1, 1000).default(50),
  offset: intParam(0, 10_000_000).default(0),
});

/**
 * `tenant_id` narrows a read to one tenant. A tenant key may only name its own; without it, the
 * admin key and the single-user mode (auth off) read every tenant.
 */
const TenantParam = z.object({
  tenant_id: TenantId.optional().describe(
    'Narrow to one tenant. A tenant key reads only its own; the admin key and auth-off mode read every tenant without it.',
  ),
});

const TimeFields = z.object({
  from: isoTime.optional().describe('Start, inclusive (ISO-8601). Alias: `start_time`.'),
  to: isoTime.optional().describe('End, exclusive (ISO-8601). Alias: `end_time`.'),
});

/**
 * Adds the seed's query names as aliases of ours (`start_time` for `from`, …): each alias accepts
 * what its target accepts and is documented as an alias in the OpenAPI document; the parsed value
 * carries only the target. Giving both with different values is refused, naming both.
 */
function withAliases<S extends z.ZodObject, A extends Record<string, keyof S['shape'] & string>>(
  schema: S,
  aliases: A,
) {
  const extra: Record<string, z.ZodType> = {};
  for (const [alias, target] of Object.entries(aliases)) {
    const field = schema.shape[target] as z.ZodType;
    extra[alias] = field.describe(`Alias of \`${target}\`.`);
  }
  return schema
    .extend(extra)
    .strict()
    .transform((query, ctx) => {
      const out: Record<string, unknown> = { ...query };
      for (const [alias, target] of Object.entries(aliases)) {
        const value = out[alias];
        delete out[alias];
        if (value === undefined) continue;
        if (out[target] !== undefined && out[target] !== value) {
          ctx.issues.push({
            code: 'custom',
            input: value,
            path: [alias],
            message: `${alias} is an alias of ${target}; they differ, give one of them`,
          });
          continue;
        }
        out[target] = value;
      }
      return out as z.output<S>;
    });
}

const TIME_ALIASES = { start_time: 'from', end_time: 'to' } as const;

const timeOrderOk = (q: { from?: string | undefined; to?: string | undefined }): boolean =>
  q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to);
/** `from > to` (or `start_time > end_time`) is a mistake, never an empty answer. */
const TIME_ORDER = {
  message: 'from (start_time) must not be after to (end_time)',
  path: ['from'],
};

const scoreRangeOk = (q: { min_score?: number | undefined; max_score?: number | undefined }) =>
  q.min_score === undefined || q.max_score === undefined || q.min_score <= q.max_score;
const SCORE_RANGE = {
  message: 'min_score (security_score_min) must not exceed max_score (security_score_max)',
  path: ['min_score'],
};

const FilterFields = Pagination.extend(TenantParam.shape)
  .extend(TimeFields.shape)
  .extend({
    provider: LLMProvider.optional(),
    model: z.string().min(1).max(200).optional(),
    min_score: intParam(0, 100).optional(),
    max_score: intParam(0, 100).optional(),
    agent_id: z.string().min(1).max(128).optional(),
    session_id: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Only the traces/spans of this conversation (`X-LLMTrace-Session-ID`).'),
    has_tool_calls: boolParam('Only spans with (true) or without (false) a tool call.'),
    has_commands: boolParam('Only spans with (true) or without (false) a command execution.'),
    has_web_access: boolParam('Only spans with (true) or without (false) a web access.'),
    has_file_access: boolParam('Only spans with (true) or without (false) a file access.'),
    action_name: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Only spans with an agent action of this name (e.g. `run_shell`).'),
    action_type: z
      .enum(ACTION_TYPES)
      .optional()
      .describe('Only spans with an agent action of this type.'),
  });

const SCORE_ALIASES = { security_score_min: 'min_score', security_score_max: 'max_score' } as const;

export const TraceQuery = withAliases(FilterFields, { ...TIME_ALIASES, ...SCORE_ALIASES })
  .refine(timeOrderOk, TIME_ORDER)
  .refine(scoreRangeOk, SCORE_RANGE);

export const SpanQuery = withAliases(
  FilterFields.extend({ operation: z.string().min(1).max(200).optional() }),
  { ...TIME_ALIASES, ...SCORE_ALIASES, operation_name: 'operation' },
)
  .refine(timeOrderOk, TIME_ORDER)
  .refine(scoreRangeOk, SCORE_RANGE);

export const FindingQuery = withAliases(
  Pagination.extend(TenantParam.shape)
    .extend(TimeFields.shape)
    .extend({
      type: z.string().min(1).max(64).optional(),
      severity: SecuritySeverity.optional(),
    }),
  { ...TIME_ALIASES, finding_type: 'type' },
).refine(timeOrderOk, TIME_ORDER);

export const StatsQuery = withAliases(TenantParam.extend(TimeFields.shape), TIME_ALIASES).refine(
  timeOrderOk,
  TIME_ORDER,
);

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
    /** Defaults to the id. */
    name: z.string().min(1).max(200).optional(),
    plan: z.string().min(1).max(64).optional(),
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

/**
 * A paginated, tenant-scoped list query over a time range (`from`/`to`, aliases
 * `start_time`/`end_time`) with extra filter fields.
 */
export const timeRangeQuery = <F extends z.ZodRawShape>(fields: F) =>
  withAliases(
    Pagination.extend(TenantParam.shape).extend(TimeFields.shape).extend(fields),
    TIME_ALIASES,
  ).refine(timeOrderOk, TIME_ORDER);

export const AuditQuery = timeRangeQuery({
  action: z.string().min(1).max(100).optional(),
  actor: z.string().min(1).max(200).optional(),
  resource_type: z.string().min(1).max(100).optional(),
});

export const ListTenantsQuery = Pagination.extend({
  include_deleted: z.enum(['true', 'false']).optional(),
}).strict();

/** Every error answer; validation errors add the field and every issue, other codes their facts. */
export const ErrorBody = z.object({
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      request_id: z.string(),
      field: z.string().optional(),
      issues: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
    })
    .loose(),
});

const latency = z.number().nullable();
/** One model's line in the stats (`by_model`). */
const ModelStatsItem = z.object({
  model: z.string(),
  provider: LLMProvider,
  spanCount: z.number().int(),
  totalTokens: z.number().int(),
  totalCostUsd: z.number(),
});
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
  byModel: z.readonly(z.array(ModelStatsItem)),
});

/**
 * The API's JSON convention: snake_case of every schema key, plus the seed's own names where they
 * differ (a span's and a stats line's `model` is `model_name`, a finding's `type` is
 * `finding_type`), so a client of the original system reads the same fields.
 */
export const WIRE = new WireFormat(
  new Map<z.core.$ZodType, Readonly<Record<string, string>>>([
    [TraceSpan, { model: 'model_name' }],
    [SecurityFinding, { type: 'finding_type' }],
    [ModelStatsItem, { model: 'model_name' }],
  ]),
);

const [ToolCallOption, SkillOption, CommandOption, WebOption, FileOption] = AgentActionV2.options;
const reportedCommon = {
  /** Default: generated. Unique within the request. */
  id: z.string().min(1).max(128).optional(),
  startedAt: isoTime.nullable().optional(),
};

/**
 * An action as a client reports it (`POST /api/v1/traces/{trace_id}/actions`): an agent action
 * without `source` (always `reported`) and `truncated` (set by the proxy); `id` is optional. The
 * subject of a typed action (`command`, `url`, `path`, `skill_name`) may be left out when the
 * arguments carry it: the proxy classifies them with the same rules as proxied tool calls.
 */
export const ReportedAction = z.discriminatedUnion('actionType', [
  ToolCallOption.omit({ id: true, source: true, truncated: true, startedAt: true }).extend(
    reportedCommon,
  ),
  SkillOption.omit({ id: true, source: true, truncated: true, startedAt: true })
    .extend(reportedCommon)
    .extend({ skillName: z.string().min(1).optional() }),
  CommandOption.omit({ id: true, source: true, truncated: true, startedAt: true })
    .extend(reportedCommon)
    .extend({ command: z.string().min(1).optional() }),
  WebOption.omit({ id: true, source: true, truncated: true, startedAt: true })
    .extend(reportedCommon)
    .extend({ url: z.string().min(1).optional() }),
  FileOption.omit({ id: true, source: true, truncated: true, startedAt: true })
    .extend(reportedCommon)
    .extend({ path: z.string().min(1).optional() }),
]);
export type ReportedAction = z.infer<typeof ReportedAction>;

export const ReportActionsBody = z
  .object({ actions: z.array(ReportedAction).min(1, 'send at least one action').max(1000) })
  .strict();

export const ReportActionsResponse = z.object({
  traceId: z.string(),
  /** The span that holds the reported actions (one per request, a child of the trace's root). */
  spanId: z.string(),
  actions: z.array(AgentActionV2),
  /** What analysing them found; each names its action in `metadata.action_id`. */
  findings: z.array(SecurityFinding),
  securityScore: z.number().int(),
});

export const ActionQuery = timeRangeQuery({
  type: z.enum(ACTION_TYPES).optional().describe('Only actions of this type.'),
  name: z.string().min(1).max(256).optional().describe('Only actions of this name.'),
  has_finding: boolParam('Only actions with (true) or without (false) a finding.'),
});

/** One action in `GET /api/v1/actions`, with the span it belongs to and its findings. */
export const ActionItem = z.object({
  tenantId: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  spanStartTime: z.string(),
  action: AgentActionV2,
  findings: z.array(SecurityFinding),
});
export const ActionPage = page(ActionItem).extend({
  /** True when the time range held more spans with actions than one request reads. */
  truncated: z.boolean(),
});

export const ActionSummaryQuery = withAliases(
  TenantParam.extend(TimeFields.shape),
  TIME_ALIASES,
).refine(timeOrderOk, TIME_ORDER);

const CountItem = z.object({ key: z.string(), count: z.number().int() });
export const ActionSummary = z.object({
  /** Actions in the spans read. */
  total: z.number().int(),
  spansWithActions: z.number().int(),
  /** True when the range held more spans with actions than one summary reads (newest kept). */
  truncated: z.boolean(),
  byType: z.record(z.string(), z.number().int()),
  /** Most frequent names, `key` = `type:name`. */
  byName: z.array(CountItem),
  /** Findings per action type. */
  findingsByType: z.record(z.string(), z.number().int()),
  topDomains: z.array(CountItem),
  /** Most frequent commands, by their program (first word). */
  topCommands: z.array(CountItem),
});
