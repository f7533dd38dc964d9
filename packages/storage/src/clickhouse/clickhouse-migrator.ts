import {
  Migrator,
  type Migration,
  type MigrationResult,
  type MigrationStore,
  type SchemaState,
} from '../migrator.js';
import { ClickHouseClientExecutor, type ClickHouseExecutor } from './clickhouse-executor.js';
import {
  checkDatabaseName,
  clickhouseMigrations,
  type ClickHouseSchemaOptions,
} from './clickhouse-migrations.js';

/**
 * The ClickHouse {@link MigrationStore}. ClickHouse DDL is not transactional: statements are
 * idempotent, a migration is recorded in `schema_migrations` only after all its statements ran,
 * and a failed one is reported (`failed`) and retried on the next run. `prepare` creates the
 * database when missing. The database is LLMTrace's alone (`clickhouse_database`), so any table in
 * it without LLMTrace's bookkeeping makes the migrator refuse it.
 */
class ClickHouseMigrationStore implements MigrationStore {
  readonly where: string;
  readonly #executor: ClickHouseExecutor;
  readonly #database: string;

  constructor(executor: ClickHouseExecutor, database: string) {
    this.#executor = executor;
    this.#database = checkDatabaseName(database);
    this.where = `the ClickHouse database ${database}`;
  }

  async inspect(): Promise<SchemaState> {
    const tables = (
      await this.#executor.query<{ name: string }>(
        'SELECT name FROM system.tables WHERE database = {db:String}',
        { db: this.#database },
      )
    ).map((r) => r.name);
    if (!tables.includes('schema_migrations')) return { applied: null, tables, dedicated: true };
    const rows = await this.#executor.query<{ name: string }>(
      `SELECT DISTINCT name FROM ${this.#database}.schema_migrations`,
    );
    return { applied: new Set(rows.map((r) => r.name)), tables, dedicated: true };
  }

  async prepare(): Promise<void> {
    const db = this.#database;
    await this.#executor.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
    // ReplacingMergeTree: two replicas migrating at once may both record a name; merges fold them.
    await this.#executor.command(
      `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (
        name String,
        applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
      ) ENGINE = ReplacingMergeTree ORDER BY name`,
    );
  }

  async apply(migration: Migration): Promise<void> {
    for (const statement of migration.statements) await this.#executor.command(statement);
    await this.#executor.insert(
      `${this.#database}.schema_migrations`,
      ['name'],
      [[migration.name]],
    );
  }
}

/**
 * The shared {@link Migrator} over a ClickHouse database.
 *
 * @example
 * const results = await clickhouseMigrator(executor, 'llmtrace', migrations).migrate();
 */
export function clickhouseMigrator(
  executor: ClickHouseExecutor,
  database: string,
  migrations: readonly Migration[],
): Migrator {
  return new Migrator(new ClickHouseMigrationStore(executor, database), migrations);
}

/**
 * Applies pending ClickHouse migrations over HTTP and reports each one (`llmtrace migrate`). A
 * failed migration is a result; this throws only when the server cannot be reached.
 *
 * @example
 * const results = await migrateClickHouse('http://clickhouse:8123', { database: 'llmtrace' });
 */
export async function migrateClickHouse(
  url: string,
  schema: ClickHouseSchemaOptions,
): Promise<MigrationResult[]> {
  const migrations = clickhouseMigrations(schema);
  const executor = await ClickHouseClientExecutor.connect(url);
  try {
    return await clickhouseMigrator(executor, schema.database, migrations).migrate();
  } finally {
    await executor.close();
  }
}
