import type { IncomingHttpHeaders } from 'node:http';
import type { Agent, Dispatcher } from 'undici';
// The Agent alone, from its own file: undici's index also loads fetch, WebSocket, the cache and
// the mock agent, 1.6 MB of source and ~3 MB of heap the proxy never uses (issue 13, twelfth
// pass). The path is undici's (no `exports` map limits it) and the version is pinned by the lock
// file; every forwarding test goes through it.
import UndiciAgent from 'undici/lib/dispatcher/agent.js';

/** Timeouts for upstream calls; there is deliberately no total timeout (long streams must flow). */
export interface UpstreamTimeouts {
  readonly connectMs: number;
  readonly firstByteMs: number;
  readonly idleMs: number;
}

/** Callbacks of one upstream exchange. */
export interface UpstreamHandler {
  onStart(statusCode: number, headers: IncomingHttpHeaders): void;
  /** Return false to apply backpressure; call `resume()` later. */
  onData(chunk: Buffer): boolean;
  onEnd(): void;
  onError(error: Error): void;
}

/** A started upstream exchange. */
export interface UpstreamCall {
  abort(reason: Error): void;
  resume(): void;
}

/**
 * A keep-alive connection pool per upstream origin (undici Agent), used through the low-level
 * `dispatch` API so no stream objects are created per request.
 */
export class UpstreamClient {
  readonly #agent: Agent;
  readonly #timeouts: UpstreamTimeouts;

  constructor(timeouts: UpstreamTimeouts) {
    this.#timeouts = timeouts;
    this.#agent = new UndiciAgent({
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
      keepAliveTimeout: 30_000,
      connections: 256,
    });
  }

  /** Sends one request; `handler` receives the response as it arrives. */
  send(
    request: {
      readonly origin: string;
      readonly path: string;
      readonly method: Dispatcher.HttpMethod;
      readonly headers: string[];
      readonly body: Buffer | null;
    },
    handler: UpstreamHandler,
  ): UpstreamCall {
    let controller: Dispatcher.DispatchController | undefined;
    let pendingAbort: Error | undefined;
    const dispatchHandler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        controller = ctrl;
        if (pendingAbort !== undefined) ctrl.abort(pendingAbort);
      },
      onResponseStart(ctrl, statusCode, headers) {
        // 1xx informational responses are not relayed; the final response follows.
        if (statusCode < 200) return;
        handler.onStart(statusCode, headers);
      },
      onResponseData(ctrl, chunk) {
        if (!handler.onData(chunk)) ctrl.pause();
      },
      onResponseEnd() {
        handler.onEnd();
      },
      onResponseError(_ctrl, error) {
        handler.onError(error);
      },
    };
    this.#agent.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: this.#timeouts.firstByteMs,
        bodyTimeout: this.#timeouts.idleMs,
      },
      dispatchHandler,
    );
    return {
      abort(reason) {
        if (controller === undefined) pendingAbort = reason;
        else if (!controller.aborted) controller.abort(reason);
      },
      resume() {
        controller?.resume();
      },
    };
  }

  /** Waits for in-flight requests, then closes the pool. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** Aborts everything at once. */
  async destroy(): Promise<void> {
    await this.#agent.destroy();
  }
}

/** Classifies an undici error for the client: timeout (504) or unreachable (502). */
export function classifyUpstreamError(error: Error): 'timeout' | 'unreachable' {
  const code = (error as { code?: unknown }).code;
  return code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ETIMEDOUT'
    ? 'timeout'
    : 'unreachable';
}
