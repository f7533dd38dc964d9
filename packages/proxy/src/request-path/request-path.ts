import type { IncomingMessage, ServerResponse } from 'node:http';
import { LLMTraceError, type LLMProvider } from '@llmtrace/core';
import type { Logger } from 'pino';
import type { AdmitStage, Refusal } from '../admit/admit-stage.js';
import type { InflightBodies } from '../admit/inflight-bodies.js';
import { readBody } from '../admit/read-body.js';
import type { CapturePipeline } from '../capture/capture-pipeline.js';
import { Exchange } from '../exchange/exchange.js';
import type { ForwardStage } from '../forward/forward-stage.js';
import { clientError, errorFormatFor, sendError } from '../http/error-envelope.js';
import { splitRequestHeaders } from '../http/headers.js';
import { traceContextFor, traceparentOf } from '../http/trace-context.js';
import { pathOf } from '../http/url-path.js';
import { detectProvider } from '../providers/registry.js';
import type { RelayStage } from '../relay/relay-stage.js';
import { isOtlpExport, type ReservedPaths } from '../reserved/reserved-paths.js';

/** A request answered by LLMTrace without forwarding. */
export interface RefusalEvent {
  readonly exchange: Exchange;
  readonly code: string;
  readonly status: number;
  /** The refused exchange is also captured as a span (security blocks, unreachable counters). */
  readonly recorded: boolean;
}

/** The stages a proxied request meets, in order (settle runs inside capture, after the span). */
export interface RequestPathOptions {
  readonly admit: AdmitStage;
  readonly forward: ForwardStage;
  readonly relay: RelayStage;
  readonly capture: CapturePipeline;
  readonly reserved: ReservedPaths;
  /** The provider of the configured upstream, for requests nothing else identifies. */
  readonly defaultProvider: LLMProvider;
  readonly maxBodyBytes: number;
  /** The global bound on request bodies held at once (`limits.max_inflight_body_bytes`). */
  readonly bodies: InflightBodies;
  readonly logger: Logger;
  /**
   * Told of every request answered without forwarding, with LLMTrace's error code and status
   * (metrics, access log); `recorded` refusals also become a span, which reaches `onSpan`.
   */
  readonly onRefusal?: ((refusal: RefusalEvent) => void) | undefined;
}

/**
 * The proxy's request path, composed in one place so it reads top to bottom (DESIGN "Request
 * flow"): one {@link Exchange} per request goes through admit → forward → relay → capture, and
 * capture settles. Each stage is a module with one entry point; none imports another, and this is
 * the only file that knows their order.
 */
export class RequestPath {
  readonly #o: RequestPathOptions;

  constructor(options: RequestPathOptions) {
    this.#o = options;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const ex = this.#open(req);
    this.#run(ex, req, res).catch((error: unknown) => {
      // A bug or a dependency that is down: logged in full, answered without its details.
      this.#o.logger.error({ err: error, traceId: ex.traceId }, 'proxied request failed');
      this.#refuse(ex, req, res, { ok: false, error: unavailable(error) });
    });
  }

  async #run(ex: Exchange, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const o = this.#o;
    // 1. admit: what the headers decide, the body (bounded), then tenant, limits, caps, screen.
    const early = o.admit.precheck(ex);
    if (!early.ok) return this.#refuse(ex, req, res, early);
    // Whose request, from the headers: a wrong key is refused before the body is buffered.
    const identified = o.admit.identify(ex);
    const who = identified instanceof Promise ? await identified : identified;
    if (!who.ok) return this.#refuse(ex, req, res, who);
    const read = await readBody(req, o.maxBodyBytes, o.bodies);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too_large') return this.#refuse(ex, req, res, this.#tooLarge());
    if (read.kind === 'busy') return this.#refuse(ex, req, res, BUSY);
    try {
      await this.#admitted(ex, req, res, read.body);
    } finally {
      // The body is done with once the response is: give its bytes back to the global bound.
      o.bodies.release(read.reserved);
    }
  }

  async #admitted(
    ex: Exchange,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer | null,
  ): Promise<void> {
    const o = this.#o;
    ex.requestBody = body;
    ex.bodyReadMs = ex.elapsed();
    if (isOtlpExport(ex.method, ex.path, req.headers['content-type'], ex.requestBody)) {
      return o.reserved.otlp(res);
    }
    const verdict = await o.admit.admit(ex);
    if (!verdict.ok) {
      this.#refuse(ex, req, res, verdict);
      if (verdict.record === true) o.capture.enqueue(ex);
      return;
    }
    // 2. forward and 3. relay: bytes to the client as they arrive; a copy stays in the exchange.
    await o.relay.relay(ex, res, (handler) => {
      ex.forwardedMs = ex.elapsed();
      return o.forward.forward(ex, handler);
    });
    // 4. capture (off the request path), which then 5. settles the reservation and alerts.
    o.capture.enqueue(ex);
  }

  #open(req: IncomingMessage): Exchange {
    const { upstream, own } = splitRequestHeaders(req.rawHeaders);
    const url = req.url ?? '/';
    const path = pathOf(url);
    return new Exchange({
      trace: traceContextFor(own.traceparent),
      method: req.method ?? 'GET',
      url,
      path,
      provider: detectProvider(own.provider, path, own.anthropicVersion, this.#o.defaultProvider),
      upstreamHeaders: upstream,
      own,
    });
  }

  #tooLarge(): Refusal {
    return {
      ok: false,
      error: clientError(
        'PAYLOAD_TOO_LARGE',
        `request body exceeds the limit of ${this.#o.maxBodyBytes} bytes (limits.max_body_bytes)`,
      ),
    };
  }

  /** Answers a refusal in the client's provider format. */
  #refuse(ex: Exchange, req: IncomingMessage, res: ServerResponse, verdict: Refusal): void {
    this.#o.onRefusal?.({
      exchange: ex,
      code: verdict.error.code,
      status: verdict.error.status,
      recorded: verdict.record === true,
    });
    // An overload refusal is expected under load: counted and access-logged, not an error each.
    if (verdict.error.status >= 500 && verdict.error.code !== 'OVERLOADED') {
      this.#o.logger.error({ err: verdict.error, traceId: ex.traceId }, 'request refused');
    }
    const options = { requestId: ex.traceId, format: errorFormatFor(ex.provider) };
    // A refusal that is recorded (block, budget) is a span like any other call: name it.
    const headers =
      verdict.record === true
        ? { ...verdict.headers, traceparent: traceparentOf(ex.trace) }
        : verdict.headers;
    if (req.complete) {
      sendError(res, verdict.error, { ...options, headers });
      return;
    }
    // Do not read an unwanted body: answer, then close the connection.
    res.shouldKeepAlive = false;
    sendError(res, verdict.error, {
      ...options,
      headers: { ...headers, connection: 'close' },
    });
    req.resume();
  }
}

/** Too many bodies in memory: come back in a second (issue 14, item 7). */
const BUSY: Refusal = Object.freeze({
  ok: false,
  error: new LLMTraceError(
    'OVERLOADED',
    'request bodies in memory would pass limits.max_inflight_body_bytes',
  ),
  headers: Object.freeze({ 'retry-after': '1' }),
});

function unavailable(error: unknown): LLMTraceError {
  return error instanceof LLMTraceError
    ? error
    : new LLMTraceError('SERVICE_UNAVAILABLE', 'could not check this request', { cause: error });
}
