import type { LLMProvider } from '@llmtrace/core';
import type { Exchange } from '../exchange/exchange.js';
import type { UpstreamCall, UpstreamClient, UpstreamHandler } from '../upstream/upstream-client.js';

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
}

/**
 * Stage 2 of the request path: sends an admitted exchange to its provider's upstream through the
 * keep-alive pool — the client's method, path and query, headers (minus hop-by-hop, Host and
 * `X-LLMTrace-*`) and body bytes, unchanged. What comes back goes to `handler` (the relay).
 */
export class ForwardStage {
  readonly #o: ForwardStageOptions;

  constructor(options: ForwardStageOptions) {
    this.#o = options;
  }

  forward(ex: Exchange, handler: UpstreamHandler): UpstreamCall {
    const target = this.#o.upstreamFor(ex.provider);
    return this.#o.client.send(
      {
        origin: target.origin,
        path: target.basePath + ex.url,
        method: ex.method,
        headers: ex.upstreamHeaders,
        body: ex.requestBody,
      },
      handler,
    );
  }

  /** Waits for requests in flight, then closes the pool. */
  close(): Promise<void> {
    return this.#o.client.close();
  }
}
