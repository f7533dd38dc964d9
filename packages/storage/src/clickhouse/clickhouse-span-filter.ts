import type { SpanFilter } from '@llmtrace/core';
import { parseTime } from '../parse-time.js';
import { ACTION_FLAG_BITS, ACTION_TYPE_BIT } from '../span-columns.js';

/** A {@link SpanFilter} as a ClickHouse WHERE clause with server-side bound parameters. */
export interface ClickHouseSpanFilter {
  /** Conditions on `spans`, joined with AND; starts with the tenant when one is named. */
  readonly where: string;
  readonly params: Record<string, unknown>;
  /** True when some filter beyond the tenant is present. */
  readonly narrowed: boolean;
  /** True when no tenant is named: the filter reads every tenant. */
  readonly allTenants: boolean;
}

/**
 * Translates a span filter (same semantics as the SQLite `spanFilterSql`): `from` inclusive, `to`
 * exclusive, compared in epoch ms; score bounds never match unscored spans (NULL); finding type and
 * severity are looked up in the arrays written next to the findings JSON. Every value is a bound
 * `{name:Type}` parameter, never spliced into the SQL.
 */
export function clickhouseSpanFilter(filter: SpanFilter): ClickHouseSpanFilter {
  const allTenants = filter.tenantId === undefined;
  const conditions = allTenants ? [] : ['tenant_id = {tenant:String}'];
  const params: Record<string, unknown> = allTenants ? {} : { tenant: filter.tenantId };
  const scoped = conditions.length;
  const add = (condition: string, name?: string, value?: unknown): void => {
    conditions.push(condition);
    if (name !== undefined) params[name] = value;
  };
  if (filter.from !== undefined) {
    add(
      "start_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')",
      'from',
      parseTime(filter.from, 'from'),
    );
  }
  if (filter.to !== undefined) {
    add(
      "start_time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')",
      'to',
      parseTime(filter.to, 'to'),
    );
  }
  if (filter.provider !== undefined)
    add('provider = {provider:String}', 'provider', filter.provider);
  if (filter.model !== undefined) add('model = {model:String}', 'model', filter.model);
  if (filter.operationName !== undefined) {
    add('operation_name = {operation:String}', 'operation', filter.operationName);
  }
  if (filter.minSecurityScore !== undefined) {
    add('security_score >= {minScore:Float64}', 'minScore', filter.minSecurityScore);
  }
  if (filter.maxSecurityScore !== undefined) {
    add('security_score <= {maxScore:Float64}', 'maxScore', filter.maxSecurityScore);
  }
  if (filter.hasFindings === true) add('finding_count > 0');
  if (filter.hasFindings === false) add('finding_count = 0');
  if (filter.findingType !== undefined) {
    add('has(finding_types, {findingType:String})', 'findingType', filter.findingType);
  }
  if (filter.findingSeverity !== undefined) {
    add(
      'has(finding_severities, {findingSeverity:String})',
      'findingSeverity',
      filter.findingSeverity,
    );
  }
  if (filter.agentId !== undefined) add('agent_id = {agent:String}', 'agent', filter.agentId);
  if (filter.sessionId !== undefined) {
    add('session_id = {session:String}', 'session', filter.sessionId);
  }
  // Action filters test the materialised bits and names (migration 0004_span_actions).
  const flag = (value: boolean | undefined, bit: number): void => {
    if (value === true) add(`bitAnd(action_flags, ${bit}) != 0`);
    if (value === false) add(`bitAnd(action_flags, ${bit}) = 0`);
  };
  if (filter.hasActions === true) add('action_flags != 0');
  flag(filter.hasToolCalls, ACTION_FLAG_BITS.toolCall);
  flag(filter.hasCommands, ACTION_FLAG_BITS.command);
  flag(filter.hasWebAccess, ACTION_FLAG_BITS.web);
  flag(filter.hasFileAccess, ACTION_FLAG_BITS.file);
  if (filter.actionType !== undefined) flag(true, ACTION_TYPE_BIT[filter.actionType]);
  if (filter.actionName !== undefined) {
    add('has(action_names, {actionName:String})', 'actionName', filter.actionName);
  }
  return {
    where: conditions.length === 0 ? '1' : conditions.join(' AND '),
    params,
    narrowed: conditions.length > scoped,
    allTenants,
  };
}
