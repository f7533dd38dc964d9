import { createHash } from 'node:crypto';
import type { TraceSpan } from '@llmtrace/core';
import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type HrTime,
  type SpanContext,
  type SpanStatus,
} from '@opentelemetry/api';
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

/** What the exporter knows about a span besides the stored record (read from the exchange). */
export interface SpanExtras {
  /** The model the client asked for (the span's `model` is the one that answered). */
  readonly requestModel: string | null;
  /** The request's system prompt and messages, for `gen_ai.input.messages` (content capture only). */
  readonly input?:
    | {
        readonly system: string | null;
        readonly messages: readonly { readonly role: string; readonly content: string }[];
      }
    | undefined;
}

/** Fixed per exporter: resource, scope and the content switch. */
export interface GenAiSpanContext {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  /** Put prompts, answers and tool arguments on spans (`telemetry.capture_content`). */
  readonly captureContent: boolean;
  /** Rewrites content before it leaves (PII redaction, the same as for storage). */
  readonly redact?: ((text: string) => string) | undefined;
}

/**
 * `gen_ai.operation.name` values of the OpenTelemetry GenAI semantic conventions for LLMTrace's
 * operation names; other operations keep LLMTrace's name.
 */
const OPERATIONS: Readonly<Record<string, string>> = Object.freeze({
  chat_completion: 'chat',
  completion: 'text_completion',
  response: 'chat',
  embeddings: 'embeddings',
});

/** `gen_ai.provider.name` well-known values; providers without one keep LLMTrace's name. */
const PROVIDERS: Readonly<Record<string, string>> = Object.freeze({
  azure_openai: 'azure.ai.openai',
  bedrock: 'aws.bedrock',
});

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const INVALID_TRACE = '0'.repeat(32);
const INVALID_SPAN = '0'.repeat(16);

function hexOf(id: string): string {
  return id.replaceAll('-', '').toLowerCase();
}

function digest(id: string, length: number): string {
  return createHash('sha256').update(id).digest('hex').slice(0, length);
}

/**
 * The OTel trace id of a stored span: a W3C trace id (the client's `traceparent`) or a UUID is
 * used as is — 32 hex digits either way, so a trace found in the collector is the same id in
 * LLMTrace's API; anything else is hashed to a valid id.
 */
export function otelTraceId(traceId: string): string {
  const hex = hexOf(traceId);
  return HEX32.test(hex) && hex !== INVALID_TRACE ? hex : digest(traceId, 32);
}

/** The OTel span id of a stored span id (16 hex digits; a UUID keeps its last 16). */
export function otelSpanId(spanId: string): string {
  const hex = hexOf(spanId);
  if (HEX16.test(hex) && hex !== INVALID_SPAN) return hex;
  if (HEX32.test(hex) && !hex.endsWith(INVALID_SPAN)) return hex.slice(16);
  return digest(spanId, 16);
}

function hr(iso: string): HrTime {
  return millisToHrTime(Date.parse(iso));
}

function durationOf(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1e9;
  }
  return seconds < 0 ? [0, 0] : [seconds, nanos];
}

/** The fields of a span that differ from one span to the next. */
interface SpanFields {
  readonly name: string;
  readonly kind: SpanKind;
  readonly context: SpanContext;
  readonly parentSpanContext?: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly events: TimedEvent[];
}

/**
 * A finished span as the exporters read it. A class with every field assigned in the constructor
 * (one hidden class) rather than an object spread: spreads made conversion several times slower.
 */
class ExportedSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly events: TimedEvent[];
  readonly links = [];
  readonly ended = true;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly #context: SpanContext;

  constructor(fields: SpanFields, ctx: GenAiSpanContext) {
    this.name = fields.name;
    this.kind = fields.kind;
    this.#context = fields.context;
    this.parentSpanContext = fields.parentSpanContext;
    this.startTime = fields.startTime;
    this.endTime = fields.endTime;
    this.duration = durationOf(fields.startTime, fields.endTime);
    this.status = fields.status;
    this.attributes = fields.attributes;
    this.events = fields.events;
    this.resource = ctx.resource;
    this.instrumentationScope = ctx.scope;
  }

  spanContext(): SpanContext {
    return this.#context;
  }
}

function textMessage(role: string, content: string, finishReason?: string): object {
  return {
    role,
    parts: [{ type: 'text', content }],
    ...(finishReason === undefined ? {} : { finish_reason: finishReason }),
  };
}

/**
 * Turns one stored span into OpenTelemetry spans following the GenAI semantic conventions: the
 * model call (kind CLIENT, named `{operation} {model}`) and one `execute_tool` child per tool call
 * the model asked for. The tool's execution happens in the client, which LLMTrace does not see:
 * the child marks the call at the moment the answer requested it, with zero duration.
 */
export function toGenAiSpans(
  span: TraceSpan,
  extras: SpanExtras,
  ctx: GenAiSpanContext,
): ReadableSpan[] {
  const traceId = otelTraceId(span.traceId);
  const spanId = otelSpanId(span.spanId);
  const context: SpanContext = { traceId, spanId, traceFlags: TraceFlags.SAMPLED };
  const parentId = span.parentSpanId === null ? null : otelSpanId(span.parentSpanId);
  const parent: SpanContext | undefined =
    parentId === null
      ? undefined
      : { traceId, spanId: parentId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
  const operation = OPERATIONS[span.operationName] ?? span.operationName;
  const provider = PROVIDERS[span.provider] ?? span.provider;
  const startMs = Date.parse(span.startTime);
  const start = millisToHrTime(startMs);
  // From the duration rather than the ISO end time, which has only millisecond precision.
  const end =
    span.durationMs !== null
      ? millisToHrTime(startMs + span.durationMs)
      : span.endTime === null
        ? start
        : hr(span.endTime);
  const redact = ctx.redact ?? ((text: string) => text);

  const attributes: Attributes = {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
    // The attribute `gen_ai.provider.name` replaced (semconv 1.37); many backends still read it.
    'gen_ai.system': provider,
    'llmtrace.span_id': span.spanId,
    'llmtrace.tenant.id': span.tenantId,
    'llmtrace.operation': span.operationName,
  };
  const requestModel = extras.requestModel ?? span.model;
  if (requestModel !== null) attributes['gen_ai.request.model'] = requestModel;
  if (span.model !== null) attributes['gen_ai.response.model'] = span.model;
  if (span.promptTokens !== null) attributes['gen_ai.usage.input_tokens'] = span.promptTokens;
  if (span.completionTokens !== null) {
    attributes['gen_ai.usage.output_tokens'] = span.completionTokens;
  }
  const finishReason = span.tags['finish_reason'];
  if (finishReason !== undefined) attributes['gen_ai.response.finish_reasons'] = [finishReason];
  if (span.statusCode !== null) attributes['http.response.status_code'] = span.statusCode;
  if (span.agentId !== null) attributes['llmtrace.agent.id'] = span.agentId;
  if (span.tokensEstimated) attributes['llmtrace.tokens_estimated'] = true;
  if (span.timeToFirstTokenMs !== null) {
    attributes['llmtrace.time_to_first_token_ms'] = span.timeToFirstTokenMs;
  }
  if (span.estimatedCostUsd !== null) attributes['llmtrace.cost_usd'] = span.estimatedCostUsd;
  if (span.securityScore !== null) attributes['llmtrace.security.score'] = span.securityScore;
  if (span.securityFindings.length > 0) {
    attributes['llmtrace.security.findings'] = span.securityFindings.length;
    attributes['llmtrace.security.finding_types'] = [
      ...new Set(span.securityFindings.map((f) => f.type)),
    ];
  }
  const failed = span.errorMessage !== null || (span.statusCode ?? 0) >= 400;
  if (failed) {
    attributes['error.type'] =
      span.statusCode !== null && span.statusCode >= 400
        ? String(span.statusCode)
        : (span.events.find((e) => e.name !== 'first_token')?.name ?? '_OTHER');
  }
  if (ctx.captureContent) {
    if (extras.input !== undefined) {
      const messages = extras.input.messages.map((m) => textMessage(m.role, redact(m.content)));
      attributes['gen_ai.input.messages'] = JSON.stringify(messages);
      if (extras.input.system !== null) {
        attributes['gen_ai.system_instructions'] = JSON.stringify([
          { type: 'text', content: redact(extras.input.system) },
        ]);
      }
    } else if (span.prompt !== '') {
      attributes['gen_ai.input.messages'] = JSON.stringify([textMessage('user', span.prompt)]);
    }
    // The stored answer is already redacted when PII redaction is on.
    if (span.response !== null) {
      attributes['gen_ai.output.messages'] = JSON.stringify([
        textMessage('assistant', span.response, finishReason),
      ]);
    }
  }

  const events: TimedEvent[] = span.events.map((e) => ({
    name: e.name,
    time: hr(e.timestamp),
    attributes: Object.fromEntries(
      Object.entries(e.attributes).filter(
        ([, v]) => typeof v === 'string' || typeof v === 'number',
      ),
    ) as Attributes,
  }));
  for (const finding of span.securityFindings) {
    events.push({
      name: 'llmtrace.security.finding',
      time: hr(finding.detectedAt),
      attributes: {
        'llmtrace.finding.type': finding.type,
        'llmtrace.finding.severity': finding.severity,
        'llmtrace.finding.confidence': finding.confidence,
        'llmtrace.finding.description': finding.description,
      },
    });
  }

  const model = requestModel ?? '';
  const spans: ReadableSpan[] = [
    new ExportedSpan(
      {
        name: model === '' ? operation : `${operation} ${model}`,
        kind: SpanKind.CLIENT,
        context,
        parentSpanContext: parent,
        startTime: start,
        endTime: end,
        status: failed
          ? { code: SpanStatusCode.ERROR, message: span.errorMessage ?? '' }
          : { code: SpanStatusCode.UNSET },
        attributes,
        events,
      },
      ctx,
    ),
  ];

  span.agentActions.forEach((action, index) => {
    // Every action the model asked for as a tool call, whatever it was classified as (issue 15).
    if (!action.viaToolCall && action.actionType !== 'tool_call') return;
    const toolAttributes: Attributes = {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.provider.name': provider,
      'gen_ai.tool.name': action.name,
      'gen_ai.tool.type': 'function',
      'llmtrace.tenant.id': span.tenantId,
    };
    const callId = action.toolCallId;
    if (callId !== null) toolAttributes['gen_ai.tool.call.id'] = callId;
    if (ctx.captureContent && action.arguments !== null) {
      toolAttributes['gen_ai.tool.call.arguments'] = action.arguments;
    }
    const at = hr(action.startedAt ?? span.endTime ?? span.startTime);
    spans.push(
      new ExportedSpan(
        {
          name: `execute_tool ${action.name}`,
          kind: SpanKind.INTERNAL,
          // A child id derived from the parent's and its position: stable across re-exports.
          context: {
            traceId,
            spanId: digest(`${spanId}:${index}`, 16),
            traceFlags: TraceFlags.SAMPLED,
          },
          parentSpanContext: context,
          startTime: at,
          endTime: at,
          status: { code: SpanStatusCode.UNSET },
          attributes: toolAttributes,
          events: [],
        },
        ctx,
      ),
    );
  });
  return spans;
}
