import { LLMTraceError } from '@llmtrace/core';
import type { StorageProfile } from './storage-profile.js';
import type { MigrationResult } from './migrator.js';
import { SqliteConnection } from './sqlite/sqlite-connection.js';

/**
 * Applies pending schema migrations for a profile and reports each one — the body of
 * `llmtrace migrate`. A failed migration is a result (`status: 'failed'`), not an exception; the
 * function throws only when a database cannot be reached at all. `memory` has no schema;
 * `production` migrates PostgreSQL and ClickHouse (results named `postgres/…`, `clickhouse/…`).
 *
 * @example
 * const results = await migrate({ profile: 'lite', path: './llmtrace.db' });
 * const ok = results.every((r) => r.status !== 'failed');
 */
export async function migrate(profile: StorageProfile): Promise<MigrationResult[]> {
  switch (profile.profile) {
    case 'memory':
      return [];
    case 'lite': {
      let connection: SqliteConnection;
      try {
        connection = await SqliteConnection.open(profile.path);
      } catch (error) {
        // A failed migration arrives as an opening error that carries the per-migration results.
        const results = error instanceof LLMTraceError ? error.details?.migrations : undefined;
        if (Array.isArray(results)) return results as MigrationResult[];
        throw error;
      }
      const results = [...connection.migrations];
      connection.close();
      return results;
    }
    case 'production': {
      const { migrateProduction } = await import('./production/create-production-storage.js');
      return migrateProduction(profile);
    }
  }
}
