import { LLMProvider, LLMTraceError, SecurityFinding, SpanEvent, TraceSpan } from '@llmtrace/core';
import { AgentActionV2, upgradeLegacyActions, type ActionType } from '@llmtrace/core';

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

/**
 * The materialised action flags of a span, one bit each, kept in an integer column so the action
 * filters (`has_commands`, `action_type`…) never open the actions JSON (issue 15).
 */
export const ACTION_FLAG_BITS = Object.freeze({
  toolCall: 1,
  command: 2,
  web: 4,
  file: 8,
  skill: 16,
  /** An action of type `tool_call` (a call no rule could place). */
  unclassified: 32,
} as const);

/** The bit an `action_type` filter checks. */
export const ACTION_TYPE_BIT: Readonly<Record<ActionType, number>> = Object.freeze({
  tool_call: ACTION_FLAG_BITS.unclassified,
  command_execution: ACTION_FLAG_BITS.command,
  web_access: ACTION_FLAG_BITS.web,
  file_access: ACTION_FLAG_BITS.file,
  skill_invocation: ACTION_FLAG_BITS.skill,
});

/**
 * The {@link ACTION_FLAG_BITS} of a span's actions.
 *
 * @example
 * actionFlagBits(span.agentActions) & ACTION_FLAG_BITS.command; // non-zero: a command ran
 */
export function actionFlagBits(actions: readonly AgentActionV2[]): number {
  let bits = 0;
  for (const a of actions) {
    if (a.viaToolCall || a.actionType === 'tool_call') bits |= ACTION_FLAG_BITS.toolCall;
    bits |= ACTION_TYPE_BIT[a.actionType];
  }
  return bits;
}

/**
 * The SQLite `action_names` column: the names, one per line, with a leading and trailing newline,
 * so `instr(action_names, '\nname\n')` finds a whole name (names are single-line in practice; a
 * newline inside one is folded to a space).
 *
 * @example
 * actionNamesColumn(span.agentActions); // '\nrun_shell\nread_file\n'
 */
export function actionNamesColumn(actions: readonly AgentActionV2[]): string {
  if (actions.length === 0) return '';
  return `\n${actions.map((a) => actionNameKey(a.name)).join('\n')}\n`;
}

/** A name as stored in `action_names` (newlines folded). */
export function actionNameKey(name: string): string {
  return name.replace(/[\r\n]/g, ' ');
}

/** The JSON-text columns of a span, as every backend writes them. */
export interface SpanJsonColumns {
  readonly findings: string;
  readonly tags: string;
  readonly agentActions: string;
  readonly events: string;
}

const FINDINGS = SecurityFinding.array();
const TAGS = TraceSpan.shape.tags;
// Rows written before issue 15 hold `{kind: "tool_call"}` actions: upgraded as they are read.
const ACTION_LIST = AgentActionV2.array();
const ACTIONS: Schema<AgentActionV2[]> = {
  safeParse: (value) => ACTION_LIST.safeParse(upgradeLegacyActions(value)),
};
const EVENTS = SpanEvent.array();

/** `[]`-valued columns are the common case: written and read without going through JSON. */
function jsonArray(values: readonly unknown[]): string {
  return values.length === 0 ? '[]' : JSON.stringify(values);
}

/**
 * The JSON-text columns of a span.
 *
 * @example
 * const { findings, tags } = spanJsonColumns(span);
 */
export function spanJsonColumns(span: TraceSpan): SpanJsonColumns {
  return {
    findings: jsonArray(span.securityFindings),
    tags: JSON.stringify(span.tags),
    agentActions: jsonArray(span.agentActions),
    events: jsonArray(span.events),
  };
}

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
