import {
  makeSpanContext,
  newSpanId,
  newTraceId,
  parseTraceparent,
  spanStorage,
  type SpanContext,
} from './trace-context.js';

/** Options of {@link trace}. */
export interface TraceOptions {
  /** A conversation id, sent as `X-LLMTrace-Session-ID` and stored on the trace. */
  readonly sessionId?: string;
  /**
   * Continue a trace started elsewhere (e.g. the `traceparent` of the HTTP request your agent is
   * serving). An invalid value is ignored and a new trace starts, as the W3C spec says.
   */
  readonly traceparent?: string;
  /** Vendor trace state passed along unchanged with `traceparent`. */
  readonly tracestate?: string;
}

/**
 * Runs `fn` as one trace (an agent run): every call an instrumented client makes inside it, in any
 * nested async function, carries the same trace id, so the proxy records them in one trace.
 * Returns what `fn` returns (a promise stays a promise).
 *
 * @example
 * const answer = await trace('answer-ticket', async (scope) => {
 *   const plan = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
 *   return plan.choices[0]?.message.content;
 * });
 */
export function trace<T>(
  name: string,
  fn: (scope: SpanContext) => T,
  options: TraceOptions = {},
): T {
  const parent = parseTraceparent(options.traceparent);
  const scope = makeSpanContext({
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    name,
    parentSpanId: parent?.parentId ?? null,
    sessionId: options.sessionId,
    sampled: parent?.sampled ?? true,
    tracestate: parent === undefined ? undefined : options.tracestate,
  });
  return spanStorage.run(scope, fn, scope);
}

/**
 * Runs `fn` as a step inside the current trace (a child scope); outside any trace it starts one.
 * Calls made inside name this step as their parent span.
 *
 * @example
 * await trace('agent', async () => {
 *   await span('search', async () => openai.chat.completions.create({ model, messages }));
 * });
 */
export function span<T>(name: string, fn: (scope: SpanContext) => T): T {
  const outer = spanStorage.getStore();
  if (outer === undefined) return trace(name, fn);
  const scope = makeSpanContext({
    traceId: outer.traceId,
    spanId: newSpanId(),
    name,
    parentSpanId: outer.spanId,
    sessionId: outer.sessionId,
    sampled: outer.sampled,
    tracestate: outer.tracestate,
  });
  return spanStorage.run(scope, fn, scope);
}
