export {
  PostgresMetadataRepository,
  createPgPool,
  migratePostgres,
} from './postgres-metadata-repository.js';
export type {
  PostgresMetadataRepositoryOptions,
  PostgresOpenOptions,
} from './postgres-metadata-repository.js';
export { PostgresMigrator } from './postgres-migrator.js';
export { PgExecutor, PgClientExecutor } from './pg-executor.js';
export { postgresDialect } from './postgres-dialect.js';
export { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
export { translatePgError } from './translate-pg-error.js';
export type {
  PgPoolLike,
  PgPoolClientLike,
  PgQueryableLike,
  PgQueryResultLike,
} from './pg-driver.js';
