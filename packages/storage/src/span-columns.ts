import type { AgentActionV2, ActionType, TraceSpan } from '@llmtrace/core';

// The write side of a span's row, shared by every backend: the materialised action columns and the
// JSON-text columns. Type-only imports from core: the SQLite writer thread loads this module and
// no schema library (its heap stays at what writing needs; the row decoder is span-codec.ts).

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

/** `[]`-valued columns are the common case: written without going through JSON (and read so). */
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
