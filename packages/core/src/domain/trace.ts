import { z } from 'zod';
import { SecurityFinding } from './finding.js';
import { LLMProvider } from './provider.js';
import { TenantId } from './tenant.js';

const IsoTime = z.iso.datetime({ offset: true });

/**
 * Something an agent did or asked to do (a tool call, a command, a web request), as seen in the
 * traffic or reported by the SDK.
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
    agentActions: z.array(AgentAction).default([]),
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
