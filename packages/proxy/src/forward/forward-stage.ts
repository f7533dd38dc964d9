import type { LLMProvider } from '@llmtrace/core';
import type { Exchange } from '../exchange/exchange.js';
import { injectCanary, withContentLength } from '../security/inject-canary.js';
import type { UpstreamCall, UpstreamClient, UpstreamHandler } from '../upstream/upstream-client.js';

/** True when the client compressed its request body (then it is never rewritten). */
function hasContentEncoding(headers: readonly string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]?.toLowerCase() === 'content-encoding') return true;
  }
  return false;
}

/** One upstream target: origin plus an optional base path (`https://host/openai`). */
export interface UpstreamTarget {
  readonly origin: string;
  readonly basePath: string;
}

/** Options of {@link ForwardStage}. */
export interface ForwardStageOptions {
  readonly client: UpstreamClient;
  /** Upstream for each provider (every provider resolves: the default fills the gaps). */
  readonly upstreamFor: (provider: LLMProvider) => UpstreamTarget;
  /**
   * The canary to put into this exchange's system prompt (`security.canary.inject`, issue 19), or
   * undefined to forward the body unchanged. Absent when no tenant can have injection on.
   */
  readonly canaryToInject?: ((ex: Exchange) => string | undefined) | undefined;
}

/**
 * Stage 2 of the request path: sends an admitted exchange to its provider's upstream through the
 * keep-alive pool — the client's method, path and query, headers (minus hop-by-hop, Host and
 * `X-LLMTrace-*`) and body bytes, unchanged — except, for a tenant that opted into canary injection,
 * the system prompt (issue 19). What comes back goes to `handler` (the relay).
 */
export class ForwardStage {
  readonly #o: ForwardStageOptions;

  constructor(options: ForwardStageOptions) {
    this.#o = options;
  }

  forward(ex: Exchange, handler: UpstreamHandler): UpstreamCall {
    const target = this.#o.upstreamFor(ex.provider);
    let headers = ex.upstreamHeaders;
    let body = ex.requestBody;
    const canary = this.#o.canaryToInject?.(ex);
    if (canary !== undefined && body !== null && !hasContentEncoding(headers)) {
      const injected = injectCanary(body, ex.provider, canary);
      if (injected !== undefined) {
        body = injected;
        headers = withContentLength(headers, injected.length);
      }
    }
    return this.#o.client.send(
      { origin: target.origin, path: target.basePath + ex.url, method: ex.method, headers, body },
      handler,
    );
  }

  /** Waits for requests in flight, then closes the pool. */
  close(): Promise<void> {
    return this.#o.client.close();
  }
}
