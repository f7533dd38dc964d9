import { LLMTraceError, type Storage } from '@llmtrace/core';
import type { Clock } from './clock.js';
import { MemoryCacheLayer } from './memory/memory-cache-layer.js';
import { MemoryMetadataRepository } from './memory/memory-metadata-repository.js';
import { MemoryTraceRepository } from './memory/memory-trace-repository.js';
import type { Migration } from './sql/sql-migrator.js';
import { SqliteCacheLayer } from './sqlite/sqlite-cache-layer.js';
import { SqliteConnection } from './sqlite/sqlite-connection.js';
import { SqliteMetadataRepository } from './sqlite/sqlite-metadata-repository.js';
import { SqliteTraceRepository } from './sqlite/sqlite-trace-repository.js';
import { translateSqliteError } from './sqlite/translate-sqlite-error.js';

/**
 * Which storage to use: the `storage` section of the config, accepted as is.
 * - `memory`: nothing persists (tests, demos).
 * - `lite`: one SQLite file, created with its folder when missing.
 * - `production`: ClickHouse + PostgreSQL + Redis (not available yet).
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
  /** Replaces the built-in migrations (tests of the failure path). */
  readonly migrations?: readonly Migration[];
}

function composite(parts: Omit<Storage, 'close'>): Storage {
  let closing: Promise<void> | undefined;
  return Object.freeze({
    ...parts,
    close(): Promise<void> {
      closing ??= Promise.all([
        parts.traces.close(),
        parts.metadata.close(),
        parts.cache.close(),
      ]).then(() => undefined);
      return closing;
    },
  });
}

/**
 * Builds the {@link Storage} composite for a profile. Drivers are loaded only by the profile that
 * needs them (better-sqlite3 for `lite`; the production drivers will be imported lazily the same
 * way, STYLE rule 2).
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
      return composite({
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
        return composite({
          traces: new SqliteTraceRepository(connection),
          metadata: new SqliteMetadataRepository(connection, { now: options.now }),
          cache: new SqliteCacheLayer(connection, { now: options.now }),
        });
      } catch (error) {
        // A statement that fails to prepare means the schema is not what this code expects.
        connection.close();
        throw translateSqliteError(error, 'prepare');
      }
    }
    case 'production':
      // Will be: `const { createProductionStorage } = await import('./production/…')`, so that
      // the pg, ClickHouse and Redis drivers load only for this profile.
      throw new LLMTraceError(
        'CONFIG_INVALID',
        'production storage is not available yet; use storage.profile "lite" (SQLite) or "memory"',
        { details: { path: 'storage.profile' } },
      );
  }
}
