export { ClickHouseTraceRepository } from './clickhouse-trace-repository.js';
export type { ClickHouseTraceRepositoryOptions } from './clickhouse-trace-repository.js';
export { ClickHouseClientExecutor } from './clickhouse-executor.js';
export type {
  ClickHouseExecutor,
  ClickHouseClientLike,
  ClickHouseParams,
} from './clickhouse-executor.js';
export { clickhouseMigrator, migrateClickHouse } from './clickhouse-migrator.js';
export { clickhouseMigrations, checkDatabaseName } from './clickhouse-migrations.js';
export type { ClickHouseSchemaOptions } from './clickhouse-migrations.js';
export { translateClickHouseError } from './translate-clickhouse-error.js';
