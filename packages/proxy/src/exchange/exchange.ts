import { performance } from 'node:perf_hooks';
import type { LLMProvider } from '@llmtrace/core';
import type { SecurityAnalysis } from '@llmtrace/security';
import type { Dispatcher } from 'undici';
import type { BudgetReservation } from '../budgets/budget-guard.js';
import type { RateReservation } from '../budgets/rate-limiter.js';
import type { LLMTraceHeaders } from '../http/headers.js';
import type { TraceContext } from '../http/trace-context.js';
import { readRequest, type RequestReading } from '../providers/read-request.js';
import type { ParsedRequest } from '../providers/types.js';

/** How a proxied exchange ended. */
export type EndReason =
  | 'complete'
  | 'client_abort'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'rejected'
  /** The proxy shut down before the response completed (after the shutdown grace period). */
  | 'shutdown'
  /** Block mode cut a stream off: it carried a registered canary (issue 19). */
  | 'canary_leak';

/** What the client asked for, read from the request line and headers (no body parsing). */
export interface ExchangeStart {
  /** Trace id, this call's span id and the caller's span, from `traceparent` or fresh. */
  readonly trace: TraceContext;
  readonly method: Dispatcher.HttpMethod;
  /** Path and query as the client sent them (forwarded as is). */
  readonly url: string;
  /** `url` without the query string. */
  readonly path: string;
  readonly provider: LLMProvider;
  /** The client's headers to send upstream (name/value pairs, hop-by-hop and `X-LLMTrace-*` removed). */
  readonly upstreamHeaders: string[];
  /** LLMTrace's own headers and the client's provider credential (never stored). */
  readonly own: LLMTraceHeaders;
}

/**
 * One proxied request, from the first byte read to the span written: the record every stage reads
 * and writes (DESIGN "Request flow"). It is honestly mutable while the request runs — stages fill
 * in what they learn (tenant, screening, reservation, status, chunks, end) — and nothing else holds
 * request state. The body is parsed at most once, on first use ({@link Exchange.parsedRequest}).
 *
 * @example
 * const ex = new Exchange({ trace: traceContextFor(undefined), method: 'POST', url: '/v1/chat/completions', provider: 'openai', upstreamHeaders: [], own });
 * ex.requestBody = Buffer.from('{"model":"gpt-4o","messages":[]}');
 * ex.parsedRequest()?.model; // 'gpt-4o'
 */
export class Exchange {
  readonly trace: TraceContext;
  /** Shorthand for `trace.traceId`: the id in `X-LLMTrace-Trace-ID` and error `request_id`s. */
  readonly traceId: string;
  /** `X-LLMTrace-Session-ID`, when the client sent a usable one. */
  readonly sessionId: string | null;
  readonly method: Dispatcher.HttpMethod;
  readonly url: string;
  /** Path without the query string. */
  readonly path: string;
  readonly provider: LLMProvider;
  readonly upstreamHeaders: string[];
  readonly own: LLMTraceHeaders;
  readonly agentId: string | null;
  /** Wall-clock start, epoch ms. */
  readonly startedAt: number;
  /** Monotonic start (performance.now()), the origin of every `…Ms` timing below. */
  readonly t0: number;

  /** Set by admit; empty until then. */
  tenantId = '';
  /**
   * The request body as received (null when there was none). Capture moves it, with `chunks`, to a
   * span worker at enqueue: read the parse ({@link parsedRequest}) before, or the span's request after.
   */
  requestBody: Buffer | null = null;
  /** Run the security analyzers on this exchange (global switch and the tenant's setting). */
  analyse = false;
  /**
   * The request's analysis, when flag/block mode screened it before forwarding; `partial` says what
   * a large request's analysis left out (issue 14, item 6).
   */
  screening: (SecurityAnalysis & { readonly partial?: string | undefined }) | undefined;
  /** Spend reserved before forwarding (tenants with budget caps only), settled after capture. */
  budget: BudgetReservation | undefined;
  /** Tokens reserved on per-minute limits (issue 19), settled to the answer's usage. */
  rateLimit: RateReservation | undefined;
  /** `x-ratelimit-*` headers for the answer when a rate limit applies (name, value, …). */
  rateLimitHeaders: readonly string[] | undefined;

  statusCode: number | null = null;
  responseContentType: string | undefined;
  responseContentEncoding: string | undefined;
  /** Response body chunks as sent to the client, up to the capture limit. */
  readonly chunks: Buffer[] = [];
  /** Arrival time of each chunk, ms since start (same index as `chunks`). */
  readonly chunkTimes: number[] = [];
  capturedBytes = 0;
  /** True when the response was larger than the capture limit and the rest was not kept. */
  truncated = false;
  firstByteMs: number | null = null;
  /** When the request body had been read, ms since start (set by the request path). */
  bodyReadMs: number | null = null;
  /** When the upstream call was started, ms since start; null when it never was. */
  forwardedMs: number | null = null;

  durationMs = 0;
  endReason: EndReason = 'complete';
  errorMessage: string | null = null;
  #ended = false;

  #reading: RequestReading | undefined;

  constructor(start: ExchangeStart, now: { wall: number; mono: number } = clock()) {
    this.trace = start.trace;
    this.traceId = start.trace.traceId;
    this.sessionId = start.own.sessionId ?? null;
    this.method = start.method;
    this.url = start.url;
    this.path = start.path;
    this.provider = start.provider;
    this.upstreamHeaders = start.upstreamHeaders;
    this.own = start.own;
    this.agentId = start.own.agentId ?? null;
    this.startedAt = now.wall;
    this.t0 = now.mono;
  }

  /** Milliseconds since the exchange started. */
  elapsed(): number {
    return performance.now() - this.t0;
  }

  /** True once {@link end} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Records how the exchange ended; only the first call counts (a client abort after an upstream
   * error, say, does not overwrite it). Returns false when it had already ended.
   */
  end(reason: EndReason, message: string | null): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    this.endReason = reason;
    this.errorMessage = message;
    this.durationMs = this.elapsed();
    return true;
  }

  /** Keeps a response chunk for capture, up to `maxBytes` in total. */
  keepChunk(chunk: Buffer, maxBytes: number): void {
    if (this.truncated) return;
    if (this.capturedBytes + chunk.length > maxBytes) {
      this.truncated = true;
      return;
    }
    this.chunks.push(chunk);
    this.chunkTimes.push(this.elapsed());
    this.capturedBytes += chunk.length;
  }

  /**
   * How the proxy reads this request for caps, screening and capture ({@link readRequest}): the
   * parser picked by the path rather than `X-LLMTrace-Provider`, a leading byte order mark skipped,
   * generation-shaped bodies on other paths read too (issue 14, items 3 and 4). Read on first call
   * and remembered: budget checks, the request screen and span building share one parse (issue 13).
   */
  reading(): RequestReading {
    this.#reading ??= readRequest(this.provider, this.method, this.path, this.requestBody);
    return this.#reading;
  }

  /** The request as its adapter parsed it, or null when it is not a generation request. */
  parsedRequest(): ParsedRequest | null {
    const reading = this.reading();
    return reading.kind === 'generation' ? reading.request : null;
  }

  /** True when the body is a generation request that could not be read as JSON. */
  get requestUnparsable(): boolean {
    return this.reading().kind === 'unreadable';
  }
}

function clock(): { wall: number; mono: number } {
  return { wall: Date.now(), mono: performance.now() };
}
