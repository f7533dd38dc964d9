import { LLMProvider, LLMTraceError, SecurityFinding, SpanEvent, TraceSpan } from '@llmtrace/core';
import { AgentActionV2, upgradeLegacyActions } from '@llmtrace/core';

/**
 * A span as the SQL and ClickHouse backends read it back: one column per scalar field, the nested
 * fields as JSON text. SQLite selects its `start_time` text column as `start_iso` and returns
 * booleans as 0/1; ClickHouse returns them as booleans.
 */
export interface SpanRow {
  tenant_id: string;
  span_id: string;
  trace_id: string;
  parent_span_id: string | null;
  agent_id: string | null;
  /** Absent in rows of queries that do not select it (a column added by a later migration). */
  session_id?: string | null;
  operation_name: string;
  start_iso: string;
  end_time: string | null;
  duration_ms: number | null;
  provider: string;
  model: string | null;
  prompt: string;
  response: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  tokens_estimated: number | boolean;
  ttft_ms: number | null;
  status_code: number | null;
  error_message: string | null;
  security_score: number | null;
  findings: string;
  cost_usd: number | null;
  tags: string;
  agent_actions: string;
  events: string;
}

const FINDINGS = SecurityFinding.array();
const TAGS = TraceSpan.shape.tags;
// Rows written before issue 15 hold `{kind: "tool_call"}` actions: upgraded as they are read.
const ACTION_LIST = AgentActionV2.array();
const ACTIONS: Schema<AgentActionV2[]> = {
  safeParse: (value) => ACTION_LIST.safeParse(upgradeLegacyActions(value)),
};
const EVENTS = SpanEvent.array();

/** An empty JSON array column: skips the parser, and a fresh array per span (callers may mutate). */
function emptyArray<T>(
  row: SpanRow,
  column: 'findings' | 'agent_actions' | 'events',
  schema: Schema<T[]>,
): T[] {
  return row[column] === '[]' ? [] : decodeColumn(row, column, schema);
}

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: Error };
}

/**
 * One JSON column checked against the schema of its field: a column that does not hold what the
 * span type promises (a file edited by hand, a bug in an older writer) is reported with the span
 * and column, instead of reaching callers as a value of the wrong type.
 */
function decodeColumn<T>(
  row: SpanRow,
  column: 'findings' | 'tags' | 'agent_actions' | 'events',
  schema: Schema<T>,
): T {
  const text = row[column];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(row, column, error instanceof Error ? error.message : String(error));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw corrupt(row, column, parsed.error.message);
  return parsed.data;
}

function corrupt(row: SpanRow, column: string, reason: string): LLMTraceError {
  return new LLMTraceError(
    'STORAGE_UNAVAILABLE',
    `stored span ${row.span_id} has an invalid ${column} column: ${reason.slice(0, 200)}`,
    { details: { spanId: row.span_id, column } },
  );
}

/**
 * A stored row back into a {@link TraceSpan} — the one row-to-span codec of the SQL and ClickHouse
 * trace repositories. Scalar columns are typed by the schema; the provider and the JSON columns are
 * checked against the span schema.
 *
 * @example
 * const spans = rows.map(spanFromRow);
 */
export function spanFromRow(row: SpanRow): TraceSpan {
  const provider = LLMProvider.safeParse(row.provider);
  if (!provider.success) throw corrupt(row, 'provider', `unknown provider ${row.provider}`);
  return {
    spanId: row.span_id,
    traceId: row.trace_id,
    parentSpanId: row.parent_span_id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    sessionId: row.session_id ?? null,
    operationName: row.operation_name,
    startTime: row.start_iso,
    endTime: row.end_time,
    durationMs: row.duration_ms,
    provider: provider.data,
    model: row.model,
    prompt: row.prompt,
    response: row.response,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    totalTokens: row.total_tokens,
    tokensEstimated: row.tokens_estimated === true || row.tokens_estimated === 1,
    timeToFirstTokenMs: row.ttft_ms,
    statusCode: row.status_code,
    errorMessage: row.error_message,
    securityScore: row.security_score,
    securityFindings: emptyArray(row, 'findings', FINDINGS),
    estimatedCostUsd: row.cost_usd,
    tags: row.tags === '{}' ? {} : decodeColumn(row, 'tags', TAGS),
    agentActions: emptyArray(row, 'agent_actions', ACTIONS),
    events: emptyArray(row, 'events', EVENTS),
  };
}
