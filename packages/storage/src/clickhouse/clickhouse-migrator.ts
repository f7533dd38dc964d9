import { toLLMTraceError } from '@llmtrace/core';
import type { Migration, MigrationResult } from '../sql/sql-migrator.js';
import { ClickHouseClientExecutor, type ClickHouseExecutor } from './clickhouse-executor.js';
import {
  checkDatabaseName,
  clickhouseMigrations,
  type ClickHouseSchemaOptions,
} from './clickhouse-migrations.js';

/**
 * Applies numbered ClickHouse migrations in order and reports each one, like {@link SqlMigrator}
 * (STYLE rule 7). ClickHouse DDL is not transactional: statements are idempotent, a migration is
 * recorded in `schema_migrations` only after all its statements ran, and a failed one is reported
 * (`failed`) and retried on the next run. Creates the database when missing.
 *
 * @example
 * const results = await new ClickHouseMigrator(executor, 'llmtrace', migrations).migrate();
 */
export class ClickHouseMigrator {
  readonly #executor: ClickHouseExecutor;
  readonly #database: string;
  readonly #migrations: readonly Migration[];

  constructor(executor: ClickHouseExecutor, database: string, migrations: readonly Migration[]) {
    const names = migrations.map((m) => m.name);
    const sorted = [...names].sort();
    if (new Set(names).size !== names.length || names.some((n, i) => n !== sorted[i])) {
      throw new Error(`migrations must have unique names in ascending order: ${names.join(', ')}`);
    }
    this.#executor = executor;
    this.#database = checkDatabaseName(database);
    this.#migrations = migrations;
  }

  /** Names of the migrations not applied yet. */
  async pending(): Promise<string[]> {
    const applied = await this.#applied();
    return this.#migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
  }

  /** Applies every pending migration, in order, stopping at the first failure. */
  async migrate(): Promise<MigrationResult[]> {
    const applied = await this.#applied();
    const results: MigrationResult[] = [];
    for (const migration of this.#migrations) {
      if (applied.has(migration.name)) {
        results.push({ name: migration.name, status: 'skipped' });
        continue;
      }
      try {
        for (const statement of migration.statements) await this.#executor.command(statement);
        await this.#executor.insert(
          `${this.#database}.schema_migrations`,
          ['name'],
          [[migration.name]],
        );
        results.push({ name: migration.name, status: 'applied' });
      } catch (error) {
        const cause = toLLMTraceError(error);
        const detail = cause.cause instanceof Error ? cause.cause.message : cause.message;
        results.push({ name: migration.name, status: 'failed', error: detail });
        break;
      }
    }
    return results;
  }

  async #applied(): Promise<Set<string>> {
    const db = this.#database;
    await this.#executor.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
    // ReplacingMergeTree: two replicas migrating at once may both record a name; merges fold them.
    await this.#executor.command(
      `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (
        name String,
        applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
      ) ENGINE = ReplacingMergeTree ORDER BY name`,
    );
    const rows = await this.#executor.query<{ name: string }>(
      `SELECT DISTINCT name FROM ${db}.schema_migrations`,
    );
    return new Set(rows.map((r) => r.name));
  }
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
    return await new ClickHouseMigrator(executor, schema.database, migrations).migrate();
  } finally {
    await executor.close();
  }
}
