import {
  LLMTraceError,
  type CacheLayer,
  type CounterReservation,
  type HealthStatus,
} from '@llmtrace/core';
import { assertTtl } from '../assert-ttl.js';
import {
  assertReserveAll,
  nextCounterValue,
  reserveAllOutcome,
  reserveOutcome,
} from '../cache-counter.js';
import { systemClock, type Clock } from '../clock.js';

/** Options for {@link MemoryCacheLayer}. */
export interface MemoryCacheLayerOptions {
  /** Time source for TTLs (tests move it instead of sleeping). */
  readonly now?: Clock;
}

interface Entry {
  readonly value: string;
  /** Epoch ms; null never expires. */
  readonly expiresAt: number | null;
}

/** Expired entries are swept after this many writes, so abandoned keys do not pile up. */
const SWEEP_EVERY_WRITES = 1000;

/**
 * {@link CacheLayer} in process memory. Every operation completes synchronously inside the call,
 * so increments and reservations are atomic within the process (one proxy replica).
 *
 * @example
 * const cache = new MemoryCacheLayer();
 * await cache.set('k', 'v', 60);
 */
export class MemoryCacheLayer implements CacheLayer {
  readonly #now: Clock;
  readonly #entries = new Map<string, Entry>();
  #writes = 0;
  #closed = false;

  constructor(options: MemoryCacheLayerOptions = {}) {
    this.#now = options.now ?? systemClock;
  }

  get(key: string): Promise<string | null> {
    return this.#run(() => this.#live(key)?.value ?? null);
  }

  set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    return this.#run(() => {
      assertTtl(ttlSeconds);
      this.#write(key, { value, expiresAt: this.#expiry(ttlSeconds) });
    });
  }

  invalidate(key: string): Promise<boolean> {
    return this.#run(() => {
      const existed = this.#live(key) !== undefined;
      this.#entries.delete(key);
      return existed;
    });
  }

  increment(key: string, by: number, ttlSeconds?: number): Promise<number> {
    return this.#run(() => {
      assertTtl(ttlSeconds);
      const entry = this.#live(key);
      const next = nextCounterValue(key, entry?.value ?? null, by);
      this.#write(key, {
        value: String(next),
        expiresAt: entry === undefined ? this.#expiry(ttlSeconds) : entry.expiresAt,
      });
      return next;
    });
  }

  reserve(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<{ readonly ok: boolean; readonly value: number }> {
    return this.#run(() => {
      assertTtl(ttlSeconds);
      const entry = this.#live(key);
      const outcome = reserveOutcome(key, entry?.value ?? null, amount, limit);
      if (outcome.ok) {
        this.#write(key, {
          value: String(outcome.value),
          expiresAt: entry === undefined ? this.#expiry(ttlSeconds) : entry.expiresAt,
        });
      }
      return outcome;
    });
  }

  reserveAll(
    entries: readonly CounterReservation[],
  ): Promise<{ readonly ok: boolean; readonly values: readonly number[] }> {
    return this.#run(() => {
      assertReserveAll(entries);
      const live = entries.map((e) => this.#live(e.key));
      const outcome = reserveAllOutcome(
        entries,
        live.map((entry) => entry?.value ?? null),
      );
      if (outcome.ok) {
        entries.forEach((e, i) => {
          const entry = live[i];
          this.#write(e.key, {
            value: String(outcome.values[i] ?? 0),
            expiresAt: entry === undefined ? this.#expiry(e.ttlSeconds) : entry.expiresAt,
          });
        });
      }
      return outcome;
    });
  }

  health(): Promise<HealthStatus> {
    return Promise.resolve(
      this.#closed
        ? { ok: false, latencyMs: 0, error: 'cache is closed' }
        : { ok: true, latencyMs: 0 },
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
    return Promise.resolve();
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #expiry(ttlSeconds: number | undefined): number | null {
    return ttlSeconds === undefined ? null : this.#now() + Math.round(ttlSeconds * 1000);
  }

  #write(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    this.#writes += 1;
    if (this.#writes % SWEEP_EVERY_WRITES === 0) {
      const now = this.#now();
      for (const [k, e] of this.#entries) {
        if (e.expiresAt !== null && e.expiresAt <= now) this.#entries.delete(k);
      }
    }
  }

  #run<T>(fn: () => T): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new LLMTraceError('STORAGE_UNAVAILABLE', 'cache is closed'));
    }
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
