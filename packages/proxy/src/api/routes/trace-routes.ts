import {
  LLMTraceError,
  type ActionType,
  type SpanQuery as CoreSpanQuery,
  type Storage,
} from '@llmtrace/core';
import { defineRoute, type AnyRoute } from '../route.js';
import {
  FindingQuery,
  StatsResponse,
  IdParam,
  SpanPage,
  SpanQuery,
  StatsQuery,
  TenantOnlyQuery,
  TraceEvent,
  TracePage,
  TraceQuery,
  TraceSpan,
} from '../schemas.js';
import { readScope } from '../scope.js';

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The agent action filters of a trace or span list (issue 15), evaluated by storage. */
function actionFilter(query: {
  has_tool_calls?: boolean | undefined;
  has_commands?: boolean | undefined;
  has_web_access?: boolean | undefined;
  has_file_access?: boolean | undefined;
  action_name?: string | undefined;
  action_type?: ActionType | undefined;
}): Partial<CoreSpanQuery> {
  return {
    hasToolCalls: query.has_tool_calls,
    hasCommands: query.has_commands,
    hasWebAccess: query.has_web_access,
    hasFileAccess: query.has_file_access,
    actionName: query.action_name,
    actionType: query.action_type,
  };
}

/**
 * Routes that read traces, spans, stats and findings: a tenant key's own tenant; every tenant (or
 * the one named) for the admin key and with auth off.
 */
export function traceRoutes(storage: Storage): AnyRoute[] {
  const traces = storage.traces;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/traces',
      summary: 'List traces, newest first',
      tag: 'traces',
      role: 'viewer',
      query: TraceQuery,
      response: TracePage,
      handler: async ({ query, principal }) => {
        const filter: CoreSpanQuery = withoutUndefined({
          tenantId: readScope(principal, query.tenant_id),
          from: query.from,
          to: query.to,
          provider: query.provider,
          model: query.model,
          minSecurityScore: query.min_score,
          maxSecurityScore: query.max_score,
          agentId: query.agent_id,
          sessionId: query.session_id,
          ...actionFilter(query),
          limit: query.limit,
          offset: query.offset,
        });
        return traces.queryTraces(filter);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/traces/:id',
      summary: 'One trace with its spans',
      tag: 'traces',
      role: 'viewer',
      params: IdParam,
      query: TenantOnlyQuery,
      response: TraceEvent,
      handler: async ({ params, query, principal }) => {
        const trace = await traces.getTrace(readScope(principal, query.tenant_id), params.id);
        if (trace === null) throw new LLMTraceError('NOT_FOUND', `trace ${params.id} not found`);
        return trace;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/spans',
      summary: 'List spans, newest first',
      tag: 'traces',
      role: 'viewer',
      query: SpanQuery,
      response: SpanPage,
      handler: async ({ query, principal }) =>
        traces.querySpans(
          withoutUndefined({
            tenantId: readScope(principal, query.tenant_id),
            from: query.from,
            to: query.to,
            provider: query.provider,
            model: query.model,
            operationName: query.operation,
            minSecurityScore: query.min_score,
            maxSecurityScore: query.max_score,
            agentId: query.agent_id,
            sessionId: query.session_id,
            ...actionFilter(query),
            limit: query.limit,
            offset: query.offset,
          }),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/spans/:id',
      summary: 'One span',
      tag: 'traces',
      role: 'viewer',
      params: IdParam,
      query: TenantOnlyQuery,
      response: TraceSpan,
      handler: async ({ params, query, principal }) => {
        const span = await traces.getSpan(readScope(principal, query.tenant_id), params.id);
        if (span === null) throw new LLMTraceError('NOT_FOUND', `span ${params.id} not found`);
        return span;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/stats',
      summary: 'Counts, tokens, cost, latency percentiles, findings by severity, per model',
      tag: 'traces',
      role: 'viewer',
      query: StatsQuery,
      response: StatsResponse,
      handler: async ({ query, principal }) =>
        traces.getStats(
          readScope(principal, query.tenant_id),
          withoutUndefined({ from: query.from, to: query.to }),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/security/findings',
      summary: 'Spans with security findings, newest first',
      tag: 'security',
      role: 'viewer',
      query: FindingQuery,
      response: SpanPage,
      handler: async ({ query, principal }) =>
        traces.querySpans(
          withoutUndefined({
            tenantId: readScope(principal, query.tenant_id),
            hasFindings: true,
            findingType: query.type,
            findingSeverity: query.severity,
            from: query.from,
            to: query.to,
            limit: query.limit,
            offset: query.offset,
          }),
        ),
    }),
  ];
}
