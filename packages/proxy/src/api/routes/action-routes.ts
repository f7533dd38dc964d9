import { randomBytes } from 'node:crypto';
import {
  LLMTraceError,
  parseAgentAction,
  type AgentActionV2,
  type SecurityFinding,
  type SpanQuery as CoreSpanQuery,
  type Storage,
  type TraceSpan,
} from '@llmtrace/core';
import { ZodError } from 'zod';
import type { ActionAnalyzer } from '../../security/span-actions.js';
import { defineRoute, type AnyRoute } from '../route.js';
import {
  ActionPage,
  ActionQuery,
  ActionSummary,
  ActionSummaryQuery,
  IdParam,
  ReportActionsBody,
  ReportActionsResponse,
  TenantOnlyQuery,
  type ReportedAction,
} from '../schemas.js';
import { readScope } from '../scope.js';

/**
 * Spans one actions list or summary reads at most (newest first): the per-action filters and the
 * counts run over their actions. Bounded so one request costs the same on a year of data.
 */
const MAX_SCAN_SPANS = 5000;
const SCAN_PAGE = 1000;
const TOP = 20;

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The subject field each typed action needs, for the error when neither it nor the arguments give it. */
const SUBJECT: Readonly<Record<string, string>> = {
  command_execution: 'command',
  web_access: 'url',
  file_access: 'path',
  skill_invocation: 'skill_name',
};

/**
 * A reported action as stored: `source: reported`, an id, and — when the client gave a typed
 * action without its subject — the subject read from its arguments by the classifier.
 */
function toAction(
  reported: ReportedAction,
  index: number,
  ids: Set<string>,
  actions: ActionAnalyzer,
): AgentActionV2 {
  let id = reported.id ?? `reported-${index}`;
  if (ids.has(id)) id = `${id}-${index}`;
  ids.add(id);
  let input: Record<string, unknown> = {
    ...reported,
    id,
    source: 'reported',
    startedAt: reported.startedAt ?? new Date().toISOString(),
  };
  const subject = SUBJECT[reported.actionType];
  const snakeToCamel = subject === 'skill_name' ? 'skillName' : subject;
  if (snakeToCamel !== undefined && input[snakeToCamel] === undefined) {
    // Same rules as a proxied tool call: `run_shell {"command": …}` gives the command.
    const classified = actions.fromToolCall(
      { id, toolCallId: null, name: reported.name, arguments: reported.arguments ?? null },
      {},
    );
    if (classified.actionType === reported.actionType) {
      // What the client left out (null or absent) is taken from the classification.
      const merged: Record<string, unknown> = { ...input };
      for (const [field, value] of Object.entries(classified)) {
        if (field === 'source' || field === 'viaToolCall' || field === 'truncated') continue;
        if (merged[field] === undefined || merged[field] === null) merged[field] = value;
      }
      input = merged;
    } else {
      throw new LLMTraceError(
        'VALIDATION_FAILED',
        `body actions.${index}.${subject}: required for ${reported.actionType} (or arguments that name it)`,
        { details: { field: `actions.${index}.${subject}` } },
      );
    }
  }
  try {
    return parseAgentAction(input);
  } catch (error) {
    if (error instanceof ZodError) {
      const issue = error.issues[0];
      throw new LLMTraceError(
        'VALIDATION_FAILED',
        `body actions.${index}: ${issue?.message ?? 'invalid action'}`,
        { details: { field: `actions.${index}` } },
      );
    }
    throw error;
  }
}

function findingsOf(span: TraceSpan, actionId: string): SecurityFinding[] {
  return span.securityFindings.filter((f) => f.metadata['actionId'] === actionId);
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname || null;
  } catch {
    return null; // Not a URL: counted nowhere.
  }
}

function top(counts: Map<string, number>): { key: string; count: number }[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP)
    .map(([key, count]) => ({ key, count }));
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Reporting and reading agent actions (issue 15): `POST /api/v1/traces/{trace_id}/actions` stores
 * what the client did after the LLM call and analyses it like proxied actions; `GET
 * /api/v1/actions` lists actions; `GET /api/v1/actions/summary` counts them.
 */
export function actionRoutes(storage: Storage, actions: ActionAnalyzer): AnyRoute[] {
  const traces = storage.traces;

  /** The newest spans with actions matching `filter`, at most {@link MAX_SCAN_SPANS}. */
  async function scan(filter: Omit<CoreSpanQuery, 'limit' | 'offset'>) {
    const spans: TraceSpan[] = [];
    let total = 0;
    for (let offset = 0; offset < MAX_SCAN_SPANS; offset += SCAN_PAGE) {
      const page = await traces.querySpans({
        ...filter,
        hasActions: true,
        limit: SCAN_PAGE,
        offset,
      });
      spans.push(...page.items);
      total = page.total;
      if (page.items.length < SCAN_PAGE) break;
    }
    return { spans, truncated: total > spans.length };
  }

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/traces/:id/actions',
      summary:
        'Report actions the agent performed (commands, web requests, file accesses…); they are analysed and stored on the trace',
      tag: 'actions',
      // Any key that may send traffic may record what its agent did with the answer.
      role: 'viewer',
      params: IdParam,
      query: TenantOnlyQuery,
      body: ReportActionsBody,
      response: ReportActionsResponse,
      status: 201,
      handler: async ({ params, query, body, principal }) => {
        const trace = await traces.getTrace(readScope(principal, query.tenant_id), params.id);
        // Another tenant's trace reads as missing: its existence is not disclosed.
        if (trace === null) {
          throw new LLMTraceError('NOT_FOUND', `trace ${params.id} not found`);
        }
        const ids = new Set<string>();
        const stored = body.actions.map((a, i) => toAction(a, i, ids, actions));
        const analysis = actions.analyze(stored);
        const root = trace.spans.find((s) => s.parentSpanId === null) ?? trace.spans[0];
        const now = new Date().toISOString();
        const span: TraceSpan = {
          spanId: randomBytes(8).toString('hex'),
          traceId: trace.traceId,
          parentSpanId: root?.spanId ?? null,
          tenantId: trace.tenantId,
          agentId: root?.agentId ?? null,
          sessionId: root?.sessionId ?? null,
          operationName: 'agent_actions',
          startTime: stored.map((a) => a.startedAt ?? now).sort()[0] ?? now,
          endTime: now,
          durationMs: null,
          provider: root?.provider ?? 'custom',
          model: null,
          prompt: '',
          response: null,
          promptTokens: null,
          completionTokens: null,
          totalTokens: null,
          tokensEstimated: false,
          timeToFirstTokenMs: null,
          statusCode: null,
          errorMessage: null,
          securityScore: analysis.score,
          securityFindings: analysis.findings,
          estimatedCostUsd: null,
          tags: { source: 'reported' },
          agentActions: stored,
          events: [],
        };
        await traces.storeSpan(span);
        return {
          traceId: trace.traceId,
          spanId: span.spanId,
          actions: stored,
          findings: analysis.findings,
          securityScore: analysis.score,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/actions',
      summary: 'List agent actions, newest span first, with their findings',
      tag: 'actions',
      role: 'viewer',
      query: ActionQuery,
      response: ActionPage,
      handler: async ({ query, principal }) => {
        const { spans, truncated } = await scan(
          withoutUndefined({
            tenantId: readScope(principal, query.tenant_id),
            from: query.from,
            to: query.to,
            actionType: query.type,
            actionName: query.name,
            hasFindings: query.has_finding === true ? true : undefined,
          }),
        );
        const items = spans.flatMap((span) =>
          span.agentActions
            .filter((a) => query.type === undefined || a.actionType === query.type)
            .filter((a) => query.name === undefined || a.name === query.name)
            .map((action) => ({
              tenantId: span.tenantId,
              traceId: span.traceId,
              spanId: span.spanId,
              spanStartTime: span.startTime,
              action,
              findings: findingsOf(span, action.id),
            }))
            .filter(
              (item) =>
                query.has_finding === undefined || item.findings.length > 0 === query.has_finding,
            ),
        );
        return {
          items: items.slice(query.offset, query.offset + query.limit),
          total: items.length,
          limit: query.limit,
          offset: query.offset,
          truncated,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/actions/summary',
      summary:
        'Agent actions over a time range: counts per type and name, findings per type, top domains and commands',
      tag: 'actions',
      role: 'viewer',
      query: ActionSummaryQuery,
      response: ActionSummary,
      handler: async ({ query, principal }) => {
        const { spans, truncated } = await scan(
          withoutUndefined({
            tenantId: readScope(principal, query.tenant_id),
            from: query.from,
            to: query.to,
          }),
        );
        const byType: Record<string, number> = {};
        const findingsByType: Record<string, number> = {};
        const names = new Map<string, number>();
        const domains = new Map<string, number>();
        const commands = new Map<string, number>();
        let actionCount = 0;
        for (const span of spans) {
          const typeOf = new Map(span.agentActions.map((a) => [a.id, a.actionType]));
          for (const a of span.agentActions) {
            actionCount += 1;
            byType[a.actionType] = (byType[a.actionType] ?? 0) + 1;
            bump(names, `${a.actionType}:${a.name}`);
            if (a.actionType === 'web_access') {
              const host = hostOf(a.url);
              if (host !== null) bump(domains, host);
            }
            if (a.actionType === 'command_execution') {
              bump(commands, a.command.trim().split(/\s+/, 1)[0] ?? a.command);
            }
          }
          for (const f of span.securityFindings) {
            const id = f.metadata['actionId'];
            const type = typeof id === 'string' ? typeOf.get(id) : undefined;
            if (type !== undefined) findingsByType[type] = (findingsByType[type] ?? 0) + 1;
          }
        }
        return {
          total: actionCount,
          spansWithActions: spans.length,
          truncated,
          byType,
          byName: top(names),
          findingsByType,
          topDomains: top(domains),
          topCommands: top(commands),
        };
      },
    }),
  ];
}
