import { toLLMTraceError } from '@llmtrace/core';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/** One numbered schema change; its statements run in one transaction. */
export interface Migration {
  /** Sortable unique name, e.g. `0001_traces`; recorded in `schema_migrations`. */
  readonly name: string;
  readonly statements: readonly string[];
}

/**
 * What happened to one migration: `applied` now, `skipped` because it was applied before, or
 * `failed` (rolled back; `error` says why). The list ends at the first failure: later migrations
 * are not attempted.
 */
export interface MigrationResult {
  readonly name: string;
  readonly status: 'applied' | 'skipped' | 'failed';
  readonly error?: string;
}

/**
 * Applies numbered migrations in order and reports each one instead of throwing halfway
 * (learned from kysely's `Migrator`/`MigrationResultSet`, STYLE rule 7). It throws only when the
 * database cannot be reached at all (the `schema_migrations` bookkeeping fails).
 *
 * @example
 * const results = await new SqlMigrator(executor, dialect, SQLITE_MIGRATIONS).migrate();
 */
export class SqlMigrator {
  readonly #executor: SqlExecutor;
  readonly #migrations: readonly Migration[];
  readonly #createTable: string;
  readonly #selectApplied: string;
  readonly #insertApplied: string;

  constructor(executor: SqlExecutor, dialect: SqlDialect, migrations: readonly Migration[]) {
    const names = migrations.map((m) => m.name);
    const sorted = [...names].sort();
    if (new Set(names).size !== names.length || names.some((n, i) => n !== sorted[i])) {
      // A programming error in the migration list, caught before anything touches the database.
      throw new Error(`migrations must have unique names in ascending order: ${names.join(', ')}`);
    }
    this.#executor = executor;
    this.#migrations = migrations;
    this.#createTable = dialect.compile(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    this.#selectApplied = dialect.compile('SELECT name FROM schema_migrations');
    this.#insertApplied = dialect.compile(
      `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ${dialect.now})`,
    );
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
        await this.#executor.transaction(async (tx) => {
          for (const statement of migration.statements) await tx.execute(statement);
          await tx.execute(this.#insertApplied, [migration.name]);
        });
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
    await this.#executor.execute(this.#createTable);
    const rows = await this.#executor.query<{ name: string }>(this.#selectApplied);
    return new Set(rows.map((r) => r.name));
  }
}
