import type { SpanFilter } from '@llmtrace/core';
import { parseTime } from './parse-time.js';
import { ACTION_FLAG_BITS, ACTION_TYPE_BIT, actionNameKey } from './span-columns.js';

/** A {@link SpanFilter} as SQL: the condition, its parameters, and a key naming its shape. */
export interface SpanFilterSql {
  /** Which optional filters are present; statements are cached per shape. */
  readonly shape: string;
  /** Conditions on the `spans` table, joined with AND; starts with the tenant when one is named. */
  readonly where: string;
  readonly params: unknown[];
  /** True when some filter beyond the tenant is present. */
  readonly narrowed: boolean;
  /** True when no tenant is named: the filter reads every tenant. */
  readonly allTenants: boolean;
}

/**
 * Translates a span filter into a WHERE clause over `spans` with `?` placeholders. Time bounds are
 * compared as epoch ms (`from` inclusive, `to` exclusive); `hasFindings: false` selects spans
 * without findings; score bounds never match unscored spans (`security_score` NULL).
 */
export function spanFilterSql(filter: SpanFilter): SpanFilterSql {
  const allTenants = filter.tenantId === undefined;
  const conditions = allTenants ? [] : ['tenant_id = ?'];
  const params: unknown[] = allTenants ? [] : [filter.tenantId];
  let shape = '';
  const add = (flag: string, condition: string, value?: unknown): void => {
    shape += flag;
    conditions.push(condition);
    if (value !== undefined) params.push(value);
  };
  if (filter.from !== undefined) add('f', 'start_ms >= ?', parseTime(filter.from, 'from'));
  if (filter.to !== undefined) add('t', 'start_ms < ?', parseTime(filter.to, 'to'));
  if (filter.provider !== undefined) add('p', 'provider = ?', filter.provider);
  if (filter.model !== undefined) add('m', 'model = ?', filter.model);
  if (filter.operationName !== undefined) add('o', 'operation_name = ?', filter.operationName);
  // With an equality filter on model/provider, the unary `+` keeps the planner off the score index:
  // those indexes carry security_score, so the bound is checked inside the (narrower) equality
  // range. Without it, sampled statistics (PRAGMA optimize's analysis_limit) made SQLite walk every
  // high-score span of the tenant and read each row to check the model — 200 ms instead of 3 ms
  // at 1M spans (docs/benchmarks.md).
  const score =
    filter.model !== undefined || filter.provider !== undefined
      ? '+security_score'
      : 'security_score';
  if (filter.minSecurityScore !== undefined) {
    add('s', `${score} >= ?`, filter.minSecurityScore);
  }
  if (filter.maxSecurityScore !== undefined) {
    add('S', `${score} <= ?`, filter.maxSecurityScore);
  }
  if (filter.hasFindings === true) add('h', 'finding_count > 0');
  if (filter.hasFindings === false) add('H', 'finding_count = 0');
  // finding_count > 0 lets SQLite use the partial findings index before opening the JSON.
  if (filter.findingType !== undefined) {
    add(
      'y',
      "finding_count > 0 AND EXISTS (SELECT 1 FROM json_each(spans.findings) WHERE json_extract(value, '$.type') = ?)",
      filter.findingType,
    );
  }
  if (filter.findingSeverity !== undefined) {
    add(
      'v',
      "finding_count > 0 AND EXISTS (SELECT 1 FROM json_each(spans.findings) WHERE json_extract(value, '$.severity') = ?)",
      filter.findingSeverity,
    );
  }
  if (filter.agentId !== undefined) add('a', 'agent_id = ?', filter.agentId);
  // `session_id IS NOT NULL` matches the partial index's condition, so the planner can use it.
  if (filter.sessionId !== undefined) {
    add('e', 'session_id IS NOT NULL AND session_id = ?', filter.sessionId);
  }
  // Action filters test the materialised `action_flags` bits; `action_flags > 0` matches the
  // partial index's condition, so SQLite walks only spans that have actions (migration 0008).
  const flag = (code: string, value: boolean | undefined, bit: number): void => {
    if (value === true) add(code, `action_flags > 0 AND (action_flags & ${bit}) <> 0`);
    if (value === false) add(code.toUpperCase(), `(action_flags & ${bit}) = 0`);
  };
  if (filter.hasActions === true) add('A', 'action_flags > 0');
  flag('c', filter.hasToolCalls, ACTION_FLAG_BITS.toolCall);
  flag('x', filter.hasCommands, ACTION_FLAG_BITS.command);
  flag('w', filter.hasWebAccess, ACTION_FLAG_BITS.web);
  flag('l', filter.hasFileAccess, ACTION_FLAG_BITS.file);
  if (filter.actionType !== undefined) {
    // The bit is a parameter: statements are cached per shape, and every type shares this one.
    add('k', 'action_flags > 0 AND (action_flags & ?) <> 0', ACTION_TYPE_BIT[filter.actionType]);
  }
  if (filter.actionName !== undefined) {
    add(
      'n',
      'action_flags > 0 AND instr(action_names, ?) > 0',
      `\n${actionNameKey(filter.actionName)}\n`,
    );
  }
  return {
    shape: allTenants ? `*${shape}` : shape,
    where: conditions.length === 0 ? '1 = 1' : conditions.join(' AND '),
    params,
    narrowed: shape !== '',
    allTenants,
  };
}
