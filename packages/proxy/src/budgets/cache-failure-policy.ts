import { LLMTraceError } from '@llmtrace/core';
import type { Logger } from 'pino';

/**
 * What to do with a request whose budget or rate-limit counters cannot be reached (the shared
 * cache, Redis in production, is down): `open` forwards it uncounted, `closed` refuses it with 503.
 */
export type CacheFailureMode = 'open' | 'closed';

/** Counters for `/health` and alerting. */
export interface CacheFailureStats {
  readonly mode: CacheFailureMode;
  /** True while the last counter operation failed: caps and rate limits are not enforced (open). */
  readonly degraded: boolean;
  /** Counter operations that failed since start. */
  readonly failures: number;
  /** Requests forwarded without being counted (open mode). */
  readonly admittedUncounted: number;
  /** Requests refused because the counters were unreachable (closed mode). */
  readonly refused: number;
  /** When the current outage started (ISO 8601), or null. */
  readonly degradedSince: string | null;
}

/** What a caller does after a counter operation failed. */
export type CacheFailureOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: LLMTraceError; readonly headers: Record<string, string> };

/** Seconds a client is asked to wait before retrying a request refused in closed mode. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The decided policy for losing the budget/rate-limit cache (issue 14, item 8). Before it, losing
 * Redis while any cap was configured refused all traffic with 503/504 carrying the driver's text,
 * with nothing logged. Now:
 * - the default, `open`, keeps the proxy serving — a proxy in front of all LLM traffic must not
 *   become the outage — and makes the gap visible: counted, `degraded` in `/health`, one error log
 *   per transition into the outage and one line when it ends;
 * - `closed` refuses with 503 `SERVICE_UNAVAILABLE` and a message of our own (never the driver's,
 *   which names hosts), plus `Retry-After`. 504 stays reserved for upstream timeouts.
 *
 * @example
 * const policy = new CacheFailurePolicy({ mode: 'open', logger });
 * try { await cache.reserve(…); policy.succeeded(); } catch (e) { const o = policy.failed(e); … }
 */
export class CacheFailurePolicy {
  readonly #mode: CacheFailureMode;
  readonly #logger: Logger;
  #degradedSince: number | null = null;
  #failures = 0;
  #admitted = 0;
  #refused = 0;

  constructor(options: { readonly mode: CacheFailureMode; readonly logger: Logger }) {
    this.#mode = options.mode;
    this.#logger = options.logger;
  }

  get degraded(): boolean {
    return this.#degradedSince !== null;
  }

  /** Records that a counter operation worked; ends an outage (logged once). */
  succeeded(): void {
    if (this.#degradedSince === null) return;
    this.#logger.warn(
      { outageMs: Date.now() - this.#degradedSince, admittedUncounted: this.#admitted },
      'budget and rate-limit counters are reachable again; caps are enforced',
    );
    this.#degradedSince = null;
  }

  /**
   * Records a failed counter operation and says what to do with the request. `what` names the
   * check for the log (`budget reservation`, `rate limit`).
   */
  failed(error: unknown, what: string): CacheFailureOutcome {
    this.#failures++;
    if (this.#degradedSince === null) {
      this.#degradedSince = Date.now();
      this.#logger.error(
        { err: error, check: what, mode: this.#mode },
        this.#mode === 'open'
          ? 'budget and rate-limit counters are unreachable: forwarding requests uncounted (budgets.on_cache_failure: open)'
          : 'budget and rate-limit counters are unreachable: refusing requests (budgets.on_cache_failure: closed)',
      );
    }
    if (this.#mode === 'open') {
      this.#admitted++;
      return { ok: true };
    }
    this.#refused++;
    return {
      ok: false,
      error: new LLMTraceError(
        'SERVICE_UNAVAILABLE',
        'budget and rate-limit counters are temporarily unavailable, and this proxy refuses requests it cannot count; retry shortly',
        { details: { retry_after_seconds: RETRY_AFTER_SECONDS } },
      ),
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }

  stats(): CacheFailureStats {
    return {
      mode: this.#mode,
      degraded: this.#degradedSince !== null,
      failures: this.#failures,
      admittedUncounted: this.#admitted,
      refused: this.#refused,
      degradedSince:
        this.#degradedSince === null ? null : new Date(this.#degradedSince).toISOString(),
    };
  }
}
