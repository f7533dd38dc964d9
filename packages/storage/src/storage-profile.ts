import type { Clock } from './clock.js';
import type { Migration } from './migrator.js';

/**
 * Which storage to use: the `storage` section of the config, accepted as is.
 * - `memory`: nothing persists (tests, demos).
 * - `lite`: one SQLite file, created with its folder when missing.
 * - `production`: ClickHouse (traces) + PostgreSQL (tenants, keys, audit, alerts) + Redis (cache,
 *   budget and rate-limit counters), shared by every replica.
 */
export type StorageProfile =
  | { readonly profile: 'memory' }
  | { readonly profile: 'lite'; readonly path: string }
  | {
      readonly profile: 'production';
      readonly clickhouse_url: string;
      readonly clickhouse_database: string;
      readonly postgres_url: string;
      readonly redis_url: string;
    };

/** Options that apply to every profile. */
export interface CreateStorageOptions {
  /** Time source for cache TTLs and tenant/audit times (tests). */
  readonly now?: Clock;
  /**
   * Apply pending schema migrations while opening (default true, the config's `migrate_on_start`).
   * When false, pending migrations make opening fail with `STORAGE_UNAVAILABLE`.
   */
  readonly migrate?: boolean;
  /** Replaces the built-in SQLite migrations (tests of the failure path; `lite` only). */
  readonly migrations?: readonly Migration[];
  /**
   * `lite` only: write traces on a worker thread with its own connection, so transactions and WAL
   * checkpoints never stall the caller's event loop (the proxy turns this on). With `group`, the
   * thread commits batches together: up to `spans` spans, a batch waiting at most `ms` (the
   * proxy's `capture.batch_size` and `capture.flush_interval_ms`).
   */
  readonly writerThread?:
    boolean | { readonly group: { readonly spans: number; readonly ms: number } };
}
