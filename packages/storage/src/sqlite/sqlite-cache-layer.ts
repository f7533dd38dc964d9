import {
  LLMTraceError,
  type CacheLayer,
  type CounterReservation,
  type HealthStatus,
} from '@llmtrace/core';
import type BetterSqlite3 from 'better-sqlite3';
import { assertTtl } from '../assert-ttl.js';
import {
  assertReserveAll,
  nextCounterValue,
  reserveAllOutcome,
  reserveOutcome,
} from '../cache-counter.js';
import { systemClock, type Clock } from '../clock.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { translateSqliteError } from './translate-sqlite-error.js';
import { probeHealth } from '../probe-health.js';

/** Options for {@link SqliteCacheLayer}. */
export interface SqliteCacheLayerOptions {
  /** Time source for TTLs (tests move it instead of sleeping). */
  readonly now?: Clock;
}

/** Expired rows are swept after this many writes, so abandoned keys do not pile up. */
const SWEEP_EVERY_WRITES = 1000;

interface CacheRow {
  value: string;
  expires_at: number | null;
}

/**
 * {@link CacheLayer} over the `cache` table. Expired keys read as missing and are swept
 * periodically. `increment` and `reserve` are read-modify-writes inside `BEGIN IMMEDIATE`, so they
 * stay atomic even with another process (e.g. a second proxy on the same file) writing the same key.
 *
 * @example
 * const cache = new SqliteCacheLayer(connection);
 * await cache.increment('budget:acme:daily', 0.25, 86_400);
 */
export class SqliteCacheLayer implements CacheLayer {
  readonly #connection: SqliteConnection;
  readonly #now: Clock;
  readonly #select: BetterSqlite3.Statement;
  readonly #upsert: BetterSqlite3.Statement;
  readonly #updateValue: BetterSqlite3.Statement;
  readonly #delete: BetterSqlite3.Statement;
  readonly #sweep: BetterSqlite3.Statement;
  readonly #ping: BetterSqlite3.Statement;
  readonly #incrementTx: (key: string, by: number, ttlSeconds: number | undefined) => number;
  readonly #reserveTx: (
    key: string,
    amount: number,
    limit: number,
    ttlSeconds: number | undefined,
  ) => { readonly ok: boolean; readonly value: number };
  readonly #reserveAllTx: (entries: readonly CounterReservation[]) => {
    readonly ok: boolean;
    readonly values: readonly number[];
  };
  #writes = 0;
  #closed = false;

  constructor(connection: SqliteConnection, options: SqliteCacheLayerOptions = {}) {
    this.#connection = connection;
    this.#now = options.now ?? systemClock;
    const db = connection.db;
    this.#select = db.prepare('SELECT value, expires_at FROM cache WHERE key = ?');
    this.#upsert = db.prepare(
      `INSERT INTO cache (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    );
    this.#updateValue = db.prepare('UPDATE cache SET value = ? WHERE key = ?');
    this.#delete = db.prepare('DELETE FROM cache WHERE key = ? RETURNING expires_at').pluck();
    this.#sweep = db.prepare('DELETE FROM cache WHERE expires_at <= ?');
    this.#ping = db.prepare('SELECT 1').pluck();
    const increment = db.transaction((key: string, by: number, ttlSeconds: number | undefined) => {
      const now = this.#now();
      const row = this.#select.get(key) as CacheRow | undefined;
      const live = row !== undefined && (row.expires_at === null || row.expires_at > now);
      const next = nextCounterValue(key, live ? row.value : null, by);
      if (live) {
        this.#updateValue.run(String(next), key);
      } else {
        this.#upsert.run(key, String(next), this.#expiry(now, ttlSeconds));
      }
      return next;
    });
    this.#incrementTx = (key, by, ttlSeconds) => increment.immediate(key, by, ttlSeconds);
    const reserve = db.transaction(
      (key: string, amount: number, limit: number, ttlSeconds: number | undefined) => {
        const now = this.#now();
        const row = this.#select.get(key) as CacheRow | undefined;
        const live = row !== undefined && (row.expires_at === null || row.expires_at > now);
        const outcome = reserveOutcome(key, live ? row.value : null, amount, limit);
        if (!outcome.ok) return outcome;
        if (live) {
          this.#updateValue.run(String(outcome.value), key);
        } else {
          this.#upsert.run(key, String(outcome.value), this.#expiry(now, ttlSeconds));
        }
        return outcome;
      },
    );
    this.#reserveTx = (key, amount, limit, ttlSeconds) =>
      reserve.immediate(key, amount, limit, ttlSeconds);
    const reserveAll = db.transaction((entries: readonly CounterReservation[]) => {
      const now = this.#now();
      const rows = entries.map((e) => {
        const row = this.#select.get(e.key) as CacheRow | undefined;
        return row !== undefined && (row.expires_at === null || row.expires_at > now)
          ? row
          : undefined;
      });
      const outcome = reserveAllOutcome(
        entries,
        rows.map((row) => row?.value ?? null),
      );
      if (!outcome.ok) return outcome;
      entries.forEach((e, i) => {
        const value = String(outcome.values[i] ?? 0);
        if (rows[i] !== undefined) this.#updateValue.run(value, e.key);
        else this.#upsert.run(e.key, value, this.#expiry(now, e.ttlSeconds));
      });
      return outcome;
    });
    this.#reserveAllTx = (entries) => reserveAll.immediate(entries);
    connection.retain();
  }

  get(key: string): Promise<string | null> {
    return this.#run('cache.get', () => {
      const row = this.#select.get(key) as CacheRow | undefined;
      if (row === undefined) return null;
      return row.expires_at === null || row.expires_at > this.#now() ? row.value : null;
    });
  }

  set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    return this.#run('cache.set', () => {
      assertTtl(ttlSeconds);
      const now = this.#now();
      this.#upsert.run(key, value, this.#expiry(now, ttlSeconds));
      this.#afterWrite(now);
    });
  }

  invalidate(key: string): Promise<boolean> {
    return this.#run('cache.invalidate', () => {
      const rows = this.#delete.all(key) as (number | null)[];
      const expiresAt = rows[0];
      return rows.length > 0 && (expiresAt === null || (expiresAt ?? 0) > this.#now());
    });
  }

  increment(key: string, by: number, ttlSeconds?: number): Promise<number> {
    return this.#run('cache.increment', () => {
      assertTtl(ttlSeconds);
      const next = this.#incrementTx(key, by, ttlSeconds);
      this.#afterWrite(this.#now());
      return next;
    });
  }

  reserve(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<{ readonly ok: boolean; readonly value: number }> {
    return this.#run('cache.reserve', () => {
      assertTtl(ttlSeconds);
      const outcome = this.#reserveTx(key, amount, limit, ttlSeconds);
      if (outcome.ok) this.#afterWrite(this.#now());
      return outcome;
    });
  }

  reserveAll(
    entries: readonly CounterReservation[],
  ): Promise<{ readonly ok: boolean; readonly values: readonly number[] }> {
    return this.#run('cache.reserveAll', () => {
      assertReserveAll(entries);
      const outcome = this.#reserveAllTx(entries);
      if (outcome.ok) this.#afterWrite(this.#now());
      return outcome;
    });
  }

  health(): Promise<HealthStatus> {
    return probeHealth(() => this.#run('cache.health', () => this.#ping.get()));
  }

  /** Releases the shared connection (closed when its last repository lets go). Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#connection.release();
    }
    return Promise.resolve();
  }

  #expiry(now: number, ttlSeconds: number | undefined): number | null {
    return ttlSeconds === undefined ? null : now + Math.round(ttlSeconds * 1000);
  }

  #afterWrite(now: number): void {
    this.#writes += 1;
    if (this.#writes % SWEEP_EVERY_WRITES === 0) this.#sweep.run(now);
  }

  async #run<T>(operation: string, fn: () => T): Promise<T> {
    if (this.#closed) {
      throw new LLMTraceError('STORAGE_UNAVAILABLE', `cache is closed (${operation})`);
    }
    if (this.#connection.busy) await this.#connection.whenIdle();
    try {
      return fn();
    } catch (error) {
      throw translateSqliteError(error, operation);
    }
  }
}
