import type { ServerResponse } from 'node:http';
import type { Exchange } from '../exchange/exchange.js';
import { clientError, errorFormatFor, sendError } from '../http/error-envelope.js';
import { RATE_LIMIT_HEADERS } from '../budgets/rate-limiter.js';
import { responseHeadersForClient } from '../http/headers.js';
import { traceparentOf } from '../http/trace-context.js';
import {
  classifyUpstreamError,
  type UpstreamCall,
  type UpstreamHandler,
} from '../upstream/upstream-client.js';

/** Options of {@link RelayStage}. */
export interface RelayStageOptions {
  /** Largest response body kept for capture; the client always gets everything. */
  readonly maxCaptureBytes: number;
}

/**
 * Stage 3 of the request path: relays the upstream's status, headers and body bytes to the client
 * as they arrive, unchanged (DESIGN principle 2), keeping a copy of the chunks in the exchange for
 * capture. It ends the exchange however it ends — complete, upstream error or timeout, client
 * abort — and resolves once it has; nothing is parsed here.
 */
export class RelayStage {
  readonly #maxCaptureBytes: number;
  #shuttingDown = false;

  constructor(options: RelayStageOptions) {
    this.#maxCaptureBytes = options.maxCaptureBytes;
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
      const call = start(this.#handler(ex, res, resolve));
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

  #handler(ex: Exchange, res: ServerResponse, done: () => void): UpstreamHandler {
    const maxCaptureBytes = this.#maxCaptureBytes;
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
        res.writeHead(statusCode, limits === undefined ? out : withRateLimits(out, limits));
      },
      onData(chunk) {
        ex.keepChunk(chunk, maxCaptureBytes);
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
