import { z } from 'zod';
import { AgentActionV2 } from './agent-action.js';
import { SecurityFinding } from './finding.js';
import { LLMProvider } from './provider.js';
import { TenantId } from './tenant.js';

const IsoTime = z.iso.datetime({ offset: true });

/**
 * The span action shape before issue 15 (`kind: tool_call`), still found in rows written by older
 * versions. Read only: {@link TraceSpan} converts it to an {@link AgentActionV2} on parse.
 *
 * @example
 * AgentAction.parse({ kind: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}',
 *   timestamp: new Date().toISOString() });
 */
export const AgentAction = z
  .object({
    kind: z.enum(['tool_call', 'command', 'web_request', 'file_access', 'other']),
    name: z.string(),
    arguments: z.string().optional(),
    result: z.string().optional(),
    timestamp: IsoTime,
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
/** See {@link AgentAction}. */
export type AgentAction = z.infer<typeof AgentAction>;

/**
 * An old `{kind, name, arguments, timestamp, metadata}` action as an {@link AgentActionV2}: a
 * `tool_call` seen by the proxy (the old shape had nothing more specific), its `metadata.id` kept
 * as the tool call id. Anything else is returned unchanged for the V2 schema to judge.
 */
function upgradeLegacyAction(value: unknown, index: number): unknown {
  if (typeof value !== 'object' || value === null || !('kind' in value)) return value;
  const legacy = AgentAction.safeParse(value);
  if (!legacy.success) return value;
  const { kind, name, arguments: args, result, timestamp, metadata } = legacy.data;
  const id = typeof metadata['id'] === 'string' && metadata['id'] !== '' ? metadata['id'] : null;
  return {
    id: id ?? `legacy-${index}`,
    actionType: 'tool_call',
    name: name === '' ? 'unknown' : name,
    arguments: args ?? null,
    result: result ?? null,
    startedAt: timestamp,
    source: 'proxy',
    toolCallId: id,
    viaToolCall: kind === 'tool_call',
  };
}

/**
 * Upgrades stored actions written before issue 15 (`{kind: "tool_call", …}`) to
 * {@link AgentActionV2}; values already in the new shape pass unchanged. Storage calls it when it
 * reads a span, so old rows read like new ones.
 *
 * @example
 * upgradeLegacyActions([{ kind: 'tool_call', name: 'f', timestamp, metadata: { id: 'call_1' } }]);
 * // [{ id: 'call_1', actionType: 'tool_call', name: 'f', toolCallId: 'call_1', viaToolCall: true, … }]
 */
export function upgradeLegacyActions(value: unknown): unknown {
  return Array.isArray(value) ? value.map(upgradeLegacyAction) : value;
}

/**
 * A timestamped event inside a span (first token, upstream error, client abort…).
 *
 * @example
 * SpanEvent.parse({ name: 'client_abort', timestamp: new Date().toISOString() });
 */
export const SpanEvent = z
  .object({
    name: z.string().min(1),
    timestamp: IsoTime,
    attributes: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
/** See {@link SpanEvent}. */
export type SpanEvent = z.infer<typeof SpanEvent>;

/**
 * One operation inside a trace — for the proxy, one upstream call.
 *
 * @example
 * const span = TraceSpan.parse(JSON.parse(json));
 */
export const TraceSpan = z
  .object({
    spanId: z.string().min(1),
    traceId: z.string().min(1),
    parentSpanId: z.string().min(1).nullable().default(null),
    tenantId: TenantId,
    agentId: z.string().nullable().default(null),
    /** Conversation/session id from `X-LLMTrace-Session-ID` (null when the client sent none). */
    sessionId: z.string().min(1).max(256).nullable().default(null),
    /** e.g. `chat_completion`, `completion`, `embeddings`, `http POST /v1/files`. */
    operationName: z.string().min(1),
    startTime: IsoTime,
    endTime: IsoTime.nullable().default(null),
    durationMs: z.number().nonnegative().nullable().default(null),
    provider: LLMProvider,
    model: z.string().nullable().default(null),
    prompt: z.string().default(''),
    response: z.string().nullable().default(null),
    promptTokens: z.number().int().nonnegative().nullable().default(null),
    completionTokens: z.number().int().nonnegative().nullable().default(null),
    totalTokens: z.number().int().nonnegative().nullable().default(null),
    /** True when token counts came from a tokenizer instead of the provider's usage. */
    tokensEstimated: z.boolean().default(false),
    timeToFirstTokenMs: z.number().nonnegative().nullable().default(null),
    statusCode: z.number().int().min(0).max(999).nullable().default(null),
    errorMessage: z.string().nullable().default(null),
    /** 0 (clean) to 100 (certain attack or leak); null when not analysed. */
    securityScore: z.number().int().min(0).max(100).nullable().default(null),
    securityFindings: z.array(SecurityFinding).default([]),
    /** Null when the model has no known price: never a guessed $0. */
    estimatedCostUsd: z.number().nonnegative().nullable().default(null),
    tags: z.record(z.string(), z.string()).default({}),
    /** What the agent did or asked to do in this span (issue 15; see docs/agent-actions.md). */
    agentActions: z.array(AgentActionV2).default([]),
    events: z.array(SpanEvent).default([]),
  })
  .strict();
/** A span as stored and returned (every field present). */
export type TraceSpan = z.infer<typeof TraceSpan>;
/** A span as accepted on input (fields with defaults may be left out). */
export type TraceSpanInput = z.input<typeof TraceSpan>;

/**
 * A trace: the spans of one logical request, for one tenant.
 *
 * @example
 * TraceEvent.parse({ traceId: 't1', tenantId: 'acme', createdAt: new Date().toISOString(), spans: [] });
 */
export const TraceEvent = z
  .object({
    traceId: z.string().min(1),
    tenantId: TenantId,
    createdAt: IsoTime,
    /**
     * The session of the trace's spans (the first span that names one), else null; repositories
     * fill it on reads, and it may be left out when storing a trace.
     */
    sessionId: z.string().nullable().optional(),
    spans: z.array(TraceSpan),
  })
  .strict();
/** See {@link TraceEvent}. */
export type TraceEvent = z.infer<typeof TraceEvent>;

/**
 * The session a trace belongs to: the first of its spans (in the order given) that names one.
 *
 * @example
 * traceSessionId(trace.spans); // 'conversation-42' or null
 */
export function traceSessionId(
  spans: readonly { readonly sessionId: string | null }[],
): string | null {
  for (const span of spans) if (span.sessionId !== null) return span.sessionId;
  return null;
}
