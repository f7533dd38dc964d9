import type { Storage } from '@llmtrace/core';
import type { Clock } from './clock.js';
import { composeStorage } from './compose-storage.js';
import { MemoryCacheLayer } from './memory/memory-cache-layer.js';
import { MemoryMetadataRepository } from './memory/memory-metadata-repository.js';
import { MemoryTraceRepository } from './memory/memory-trace-repository.js';
import type { Migration } from './sql/sql-migrator.js';
import { SqliteCacheLayer } from './sqlite/sqlite-cache-layer.js';
import { SqliteConnection } from './sqlite/sqlite-connection.js';
import { SqliteMetadataRepository } from './sqlite/sqlite-metadata-repository.js';
import { SqliteTraceRepository } from './sqlite/sqlite-trace-repository.js';
import { SqliteWriterTraceRepository } from './sqlite/sqlite-writer-trace-repository.js';
import { translateSqliteError } from './sqlite/translate-sqlite-error.js';

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
   * checkpoints never stall the caller's event loop (the proxy turns this on).
   */
  readonly writerThread?: boolean;
}

/**
 * Builds the {@link Storage} composite for a profile. Drivers are loaded only by the profile that
 * needs them (STYLE rule 2): better-sqlite3 for `lite`; pg, ioredis and @clickhouse/client — and
 * the production adapters themselves — only for `production`.
 *
 * @example
 * const storage = await createStorage({ profile: 'lite', path: './data/llmtrace.db' });
 * await storage.close();
 */
export async function createStorage(
  profile: StorageProfile,
  options: CreateStorageOptions = {},
): Promise<Storage> {
  switch (profile.profile) {
    case 'memory':
      return composeStorage({
        traces: new MemoryTraceRepository(),
        metadata: new MemoryMetadataRepository({ now: options.now }),
        cache: new MemoryCacheLayer({ now: options.now }),
      });
    case 'lite': {
      const connection = await SqliteConnection.open(profile.path, {
        migrate: options.migrate,
        migrations: options.migrations,
      });
      try {
        const reader = new SqliteTraceRepository(connection);
        return composeStorage({
          traces:
            options.writerThread === true
              ? await SqliteWriterTraceRepository.start(profile.path, reader)
              : reader,
          metadata: new SqliteMetadataRepository(connection, { now: options.now }),
          cache: new SqliteCacheLayer(connection, { now: options.now }),
        });
      } catch (error) {
        // A statement that fails to prepare means the schema is not what this code expects.
        connection.close();
        throw translateSqliteError(error, 'prepare');
      }
    }
    case 'production': {
      const { createProductionStorage } = await import('./production/create-production-storage.js');
      return createProductionStorage(profile, options);
    }
  }
}
