import type { Storage } from '@llmtrace/core';
import { composeStorage } from './compose-storage.js';
import { MemoryCacheLayer } from './memory/memory-cache-layer.js';
import { MemoryMetadataRepository } from './memory/memory-metadata-repository.js';
import { MemoryTraceRepository } from './memory/memory-trace-repository.js';
import type { CreateStorageOptions, StorageProfile } from './storage-profile.js';
import { SqliteCacheLayer } from './sqlite/sqlite-cache-layer.js';
import { SqliteConnection } from './sqlite/sqlite-connection.js';
import { SqliteMetadataRepository } from './sqlite/sqlite-metadata-repository.js';
import { SqliteTraceRepository } from './sqlite/sqlite-trace-repository.js';
import { SqliteWriterTraceRepository } from './sqlite/sqlite-writer-trace-repository.js';
import { translateSqliteError } from './sqlite/translate-sqlite-error.js';

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
            options.writerThread === undefined || options.writerThread === false
              ? reader
              : await SqliteWriterTraceRepository.start(
                  profile.path,
                  reader,
                  options.writerThread === true ? undefined : options.writerThread.group,
                ),
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
