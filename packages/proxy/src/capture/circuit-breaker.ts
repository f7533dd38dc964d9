/** closed: writes go through; open: writes are skipped; half_open: one trial write is allowed. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * A consecutive-failure circuit breaker around storage writes. While open, the proxy keeps
 * forwarding (pure pass-through) and the capture pipeline counts what it could not store.
 *
 * @example
 * if (breaker.allow()) { try { await write(); breaker.success(); } catch { breaker.failure(); } }
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #resetMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt = 0;
  #state: BreakerState = 'closed';

  constructor(options: { failureThreshold: number; resetMs: number; now?: () => number }) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
      throw new RangeError('failureThreshold must be a positive integer');
    }
    this.#threshold = options.failureThreshold;
    this.#resetMs = options.resetMs;
    this.#now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#resetMs) {
      this.#state = 'half_open';
    }
    return this.#state;
  }

  /** True when a write may be attempted now. */
  allow(): boolean {
    return this.state !== 'open';
  }

  success(): void {
    this.#failures = 0;
    this.#state = 'closed';
  }

  failure(): void {
    this.#failures++;
    if (this.#state === 'half_open' || this.#failures >= this.#threshold) {
      this.#state = 'open';
      this.#openedAt = this.#now();
    }
  }
}
