import type { ServerResponse } from 'node:http';
import type { Exchange } from '../exchange/exchange.js';
import { CanaryStreamScanner, type CanaryMatcher } from '@llmtrace/security';
import { clientError, errorBody, errorFormatFor, sendError } from '../http/error-envelope.js';
import { RATE_LIMIT_HEADERS } from '../budgets/rate-limiter.js';
import { responseHeadersForClient } from '../http/headers.js';
import { traceparentOf } from '../http/trace-context.js';
import { StreamTextTap } from '../stream/stream-text-tap.js';
import {
  classifyUpstreamError,
  type UpstreamCall,
  type UpstreamHandler,
} from '../upstream/upstream-client.js';

/** Options of {@link RelayStage}. */
export interface RelayStageOptions {
  /** Largest response body kept for capture; the client always gets everything. */
  readonly maxCaptureBytes: number;
  /**
   * Block mode only: the tenant's canary matcher, or undefined when it has none (then a stream
   * is relayed without looking at it). A canary seen in a stream cuts it off (issue 19).
   */
  readonly canaryCutOff?: ((ex: Exchange) => CanaryMatcher | undefined) | undefined;
}

const CUT_OFF_MESSAGE =
  'the response was cut off: it contained a registered canary (system prompt leak)';
const WITHHELD_MESSAGE =
  'the response was withheld: it contained a registered canary (system prompt leak)';
/**
 * Largest whole (non-streamed) answer held back to be checked for a canary in block mode. A larger
 * one is released as it arrives; capture still finds the canary and records the leak.
 */
export const MAX_HELD_ANSWER_BYTES = 8 * 1024 * 1024;

/** A non-streamed answer held until its end: its status, headers and bytes so far. */
interface HeldAnswer {
  readonly statusCode: number;
  readonly headers: string[];
  readonly matcher: CanaryMatcher;
  readonly chunks: Buffer[];
  bytes: number;
}

/**
 * The last event of a stream the proxy cut off, in the stream's own format: an SSE error event
 * shaped like the provider's (Anthropic `event: error`, else an OpenAI `data: {"error":…}`), or
 * for NDJSON (Ollama) a line with an `error` string, which is how Ollama reports a failed stream.
 */
function streamErrorEvent(ex: Exchange, canaryId: string, stream: 'sse' | 'ndjson'): string {
  if (stream === 'ndjson') {
    return `${JSON.stringify({ error: CUT_OFF_MESSAGE, code: 'SECURITY_BLOCKED', canary_id: canaryId })}\n`;
  }
  const error = clientError('SECURITY_BLOCKED', CUT_OFF_MESSAGE, { canary_id: canaryId });
  const format = errorFormatFor(ex.provider);
  const body = errorBody(error, ex.traceId, format);
  return format === 'anthropic' ? `event: error\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}

/**
 * Stage 3 of the request path: relays the upstream's status, headers and body bytes to the client
 * as they arrive, unchanged (DESIGN principle 2), keeping a copy of the chunks in the exchange for
 * capture. It ends the exchange however it ends — complete, upstream error or timeout, client
 * abort — and resolves once it has; nothing is parsed here.
 */
export class RelayStage {
  readonly #maxCaptureBytes: number;
  readonly #canaryCutOff: RelayStageOptions['canaryCutOff'];
  #shuttingDown = false;

  constructor(options: RelayStageOptions) {
    this.#maxCaptureBytes = options.maxCaptureBytes;
    this.#canaryCutOff = options.canaryCutOff;
  }

  /** Marks the shutdown cut-off: exchanges cut from now on end as `shutdown` (issue 14, item 9). */
  shutDown(): void {
    this.#shuttingDown = true;
  }

  /**
   * Starts the upstream call through `start` (the forward stage) and relays its answer to `res`.
   * Resolves when the exchange has ended (never rejects).
   */
  relay(
    ex: Exchange,
    res: ServerResponse,
    start: (handler: UpstreamHandler) => UpstreamCall,
  ): Promise<void> {
    return new Promise((resolve) => {
      const abort = { call: undefined as UpstreamCall | undefined };
      const call = start(this.#handler(ex, res, resolve, abort));
      abort.call = call;
      res.on('drain', () => call.resume());
      res.once('close', () => {
        if (ex.ended || res.writableFinished) return;
        if (this.#shuttingDown) {
          ex.end('shutdown', 'the proxy shut down before the response completed');
        } else {
          ex.end('client_abort', 'client disconnected before the response completed');
        }
        call.abort(new Error('client disconnected'));
        resolve();
      });
    });
  }

  #handler(
    ex: Exchange,
    res: ServerResponse,
    done: () => void,
    abort: { call: UpstreamCall | undefined },
  ): UpstreamHandler {
    const maxCaptureBytes = this.#maxCaptureBytes;
    const canaryCutOff = this.#canaryCutOff;
    // Set in onStart for an uncompressed SSE answer of a tenant with canaries; else never used.
    let watch:
      { tap: StreamTextTap; scanner: CanaryStreamScanner; format: 'sse' | 'ndjson' } | undefined;
    // Set in onStart for an uncompressed whole JSON answer of a tenant with canaries (block mode):
    // nothing is sent until the answer is complete and checked.
    let held: HeldAnswer | undefined;
    const release = (answer: HeldAnswer): void => {
      held = undefined;
      res.writeHead(answer.statusCode, answer.headers);
      for (const chunk of answer.chunks) res.write(chunk);
    };
    let corked = false;
    const uncork = (): void => {
      corked = false;
      res.uncork();
    };
    return {
      onStart(statusCode, upstreamHeaders) {
        ex.statusCode = statusCode;
        ex.firstByteMs = ex.elapsed();
        const ct = upstreamHeaders['content-type'];
        ex.responseContentType = typeof ct === 'string' ? ct : undefined;
        const ce = upstreamHeaders['content-encoding'];
        ex.responseContentEncoding = typeof ce === 'string' && ce !== 'identity' ? ce : undefined;
        const out = responseHeadersForClient(upstreamHeaders, {
          traceId: ex.traceId,
          traceparent: traceparentOf(ex.trace),
        });
        const screening = ex.screening;
        // Flag and block modes screened the request: the score goes out on every response, benign
        // ones too (score 0), so a client can tell "screened, clean" from "not screened".
        if (screening !== undefined) {
          out.push('x-llmtrace-security-score', String(screening.score));
          if (screening.findings.length > 0) {
            out.push(
              'x-llmtrace-findings',
              [...new Set(screening.findings.map((f) => f.type))].join(','),
            );
          }
        }
        const limits = ex.rateLimitHeaders;
        // LLMTrace's own per-minute limits replace the upstream's x-ratelimit-* values: the
        // client is limited by the proxy first (issue 19).
        const headers = limits === undefined ? out : withRateLimits(out, limits);
        const matcher = canaryCutOff?.(ex);
        const type = ex.responseContentType;
        const format = type?.includes('text/event-stream')
          ? 'sse'
          : type?.includes('application/x-ndjson')
            ? 'ndjson'
            : undefined;
        if (
          matcher !== undefined &&
          ex.responseContentEncoding === undefined &&
          format === undefined &&
          type?.includes('json') === true
        ) {
          held = { statusCode, headers, matcher, chunks: [], bytes: 0 };
          return;
        }
        res.writeHead(statusCode, headers);
        if (matcher !== undefined && ex.responseContentEncoding === undefined && format) {
          watch = {
            tap: new StreamTextTap(format),
            scanner: new CanaryStreamScanner(matcher),
            format,
          };
        }
      },
      onData(chunk) {
        if (ex.ended) return true;
        ex.keepChunk(chunk, maxCaptureBytes);
        if (held !== undefined) {
          held.chunks.push(chunk);
          held.bytes += chunk.length;
          if (held.bytes <= MAX_HELD_ANSWER_BYTES) return true;
          release(held);
          return true;
        }
        if (watch !== undefined) {
          const hit = watch.scanner.push(watch.tap.push(chunk))[0];
          if (hit !== undefined) {
            // The chunk that completed the canary is not sent; the client gets an error event.
            res.end(streamErrorEvent(ex, hit.canaryId, watch.format));
            ex.end('canary_leak', `stream cut off: canary ${hit.canaryId} in the answer`);
            abort.call?.abort(new Error('canary leak: stream cut off'));
            done();
            return true;
          }
        }
        // Cork until the next tick: a chunk and the end that usually follows it in the same tick
        // go out in one writev instead of two syscalls. A stream's chunks still leave at once.
        if (!corked) {
          corked = true;
          res.cork();
          process.nextTick(uncork);
        }
        return res.write(chunk);
      },
      onEnd() {
        if (held !== undefined) {
          const hit = held.matcher.scan(Buffer.concat(held.chunks, held.bytes).toString('utf8'))[0];
          if (hit !== undefined) {
            held = undefined;
            sendError(
              res,
              clientError('SECURITY_BLOCKED', WITHHELD_MESSAGE, { canary_id: hit.canaryId }),
              {
                requestId: ex.traceId,
                format: errorFormatFor(ex.provider),
                headers: { traceparent: traceparentOf(ex.trace) },
              },
            );
            // The span keeps the upstream's status and answer: the leak is what it records.
            if (ex.end('canary_leak', `answer withheld: canary ${hit.canaryId} in the answer`))
              done();
            return;
          }
          release(held);
        }
        res.end();
        if (ex.end('complete', null)) done();
      },
      onError(error) {
        if (ex.ended) return;
        const kind = classifyUpstreamError(error);
        if (res.headersSent) {
          // Mid-stream failure: end the client's connection abruptly so it sees a truncated
          // response rather than a clean end (a clean end would pass for a complete answer).
          res.destroy(error);
          ex.end(
            kind === 'timeout' ? 'upstream_timeout' : 'upstream_error',
            `upstream failed mid-response: ${error.message}`,
          );
          done();
          return;
        }
        const message =
          kind === 'timeout'
            ? 'the upstream did not answer in time'
            : 'the upstream could not be reached';
        sendError(
          res,
          clientError(kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNREACHABLE', message),
          {
            requestId: ex.traceId,
            format: errorFormatFor(ex.provider),
            // The failed call is recorded as a span too: name it, as a success would.
            headers: { traceparent: traceparentOf(ex.trace) },
          },
        );
        ex.statusCode = kind === 'timeout' ? 504 : 502;
        ex.end(
          kind === 'timeout' ? 'upstream_timeout' : 'upstream_unreachable',
          `${message}: ${error.message}`,
        );
        done();
      },
    };
  }
}

/** `headers` (name, value, …) without the upstream's `x-ratelimit-*` names that `limits` sets. */
function withRateLimits(headers: string[], limits: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] ?? '';
    if (!RATE_LIMIT_HEADERS.has(name.toLowerCase())) out.push(name, headers[i + 1] ?? '');
  }
  out.push(...limits);
  return out;
}
