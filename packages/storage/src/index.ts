export { createStorage } from './create-storage.js';
export type { StorageProfile, CreateStorageOptions } from './create-storage.js';
export { migrate } from './migrate.js';
export { BatchedSpanWriter } from './batched-span-writer.js';
export type {
  BatchedSpanWriterOptions,
  BatchedSpanWriterCounters,
  BatchFailure,
} from './batched-span-writer.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { percentileRank } from './percentile-rank.js';

export { MemoryTraceRepository } from './memory/memory-trace-repository.js';
export { MemoryMetadataRepository } from './memory/memory-metadata-repository.js';
export type { MemoryMetadataRepositoryOptions } from './memory/memory-metadata-repository.js';
export { MemoryCacheLayer } from './memory/memory-cache-layer.js';
export type { MemoryCacheLayerOptions } from './memory/memory-cache-layer.js';

export { SqlMetadataRepository } from './sql/sql-metadata-repository.js';
export type { SqlMetadataRepositoryOptions } from './sql/sql-metadata-repository.js';
export type { SqlExecutor, SqlExecuteResult } from './sql/sql-executor.js';
export type { SqlDialect } from './sql/sql-dialect.js';
export { SqlMigrator } from './sql/sql-migrator.js';
export type { Migration, MigrationResult } from './sql/sql-migrator.js';

export { SqliteConnection } from './sqlite/sqlite-connection.js';
export type { SqliteOpenOptions } from './sqlite/sqlite-connection.js';
export { SqliteTraceRepository } from './sqlite/sqlite-trace-repository.js';
export { SqliteWriterTraceRepository } from './sqlite/sqlite-writer-trace-repository.js';
export { SqliteMetadataRepository } from './sqlite/sqlite-metadata-repository.js';
export type { SqliteMetadataRepositoryOptions } from './sqlite/sqlite-metadata-repository.js';
export { SqliteCacheLayer } from './sqlite/sqlite-cache-layer.js';
export type { SqliteCacheLayerOptions } from './sqlite/sqlite-cache-layer.js';
export { BetterSqlite3Executor } from './sqlite/better-sqlite3-executor.js';
export { sqliteDialect } from './sqlite/sqlite-dialect.js';
export { SQLITE_MIGRATIONS } from './sqlite/sqlite-migrations.js';
export { translateSqliteError } from './sqlite/translate-sqlite-error.js';
