import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * One scope opened by {@link trace} or {@link span}: the W3C Trace Context ids that the next LLM
 * call made inside it sends as `traceparent` (https://www.w3.org/TR/trace-context/).
 *
 * @example
 * const scope = currentSpan();
 * scope?.traceparent; // '00-<trace id>-<span id>-01'
 */
export interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  readonly parentSpanId: string | null;
  readonly sessionId: string | undefined;
  readonly sampled: boolean;
  readonly tracestate: string | undefined;
  /** The `traceparent` header value that names this scope as the parent of the next call. */
  readonly traceparent: string;
}

/** The fields of a valid `traceparent` header. */
export interface ParsedTraceparent {
  readonly traceId: string;
  readonly parentId: string;
  readonly sampled: boolean;
}

// version-traceid-parentid-flags, lower-case hex only (spec §3.2.2).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Parses a `traceparent` header; `undefined` for any value the spec says to ignore (bad shape,
 * version ff, all-zero ids).
 *
 * @example
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId;
 */
export function parseTraceparent(value: string | null | undefined): ParsedTraceparent | undefined {
  if (value === null || value === undefined) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (match === null) return undefined;
  const [, version, traceId, parentId, flags] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (version === 'ff' || traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

function randomHex(bytes: number, zero: string): string {
  for (;;) {
    const value = randomBytes(bytes).toString('hex');
    if (value !== zero) return value;
  }
}

/**
 * A random 128-bit trace id (32 hex digits, never all zeros).
 *
 * @example
 * newTraceId().length; // 32
 */
export function newTraceId(): string {
  return randomHex(16, ZERO_TRACE);
}

/**
 * A random 64-bit span id (16 hex digits, never all zeros).
 *
 * @example
 * newSpanId().length; // 16
 */
export function newSpanId(): string {
  return randomHex(8, ZERO_SPAN);
}

/** Builds a frozen {@link SpanContext}. */
export function makeSpanContext(fields: Omit<SpanContext, 'traceparent'>): SpanContext {
  return Object.freeze({
    ...fields,
    traceparent: `00-${fields.traceId}-${fields.spanId}-${fields.sampled ? '01' : '00'}`,
  });
}

/** The scope store: async functions started inside a scope keep seeing it. */
export const spanStorage = new AsyncLocalStorage<SpanContext>();

/**
 * The innermost scope open in the current async context, if any.
 *
 * @example
 * await trace('run', async () => currentSpan()?.traceId);
 */
export function currentSpan(): SpanContext | undefined {
  return spanStorage.getStore();
}
