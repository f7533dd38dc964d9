import {
  foreignDatabaseError,
  type Migration,
  type MigrationStore,
  type SchemaState,
} from '../migrator.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/**
 * The {@link MigrationStore} of the SQL engines: bookkeeping in `schema_migrations (name,
 * applied_at)`, and each migration's statements plus its record in one transaction, so a failed
 * migration leaves nothing behind.
 *
 * @example
 * const results = await new Migrator(new SqlMigrationStore(executor, sqliteDialect, path), SQLITE_MIGRATIONS).migrate();
 */
export class SqlMigrationStore implements MigrationStore {
  readonly where: string;
  readonly #executor: SqlExecutor;
  readonly #dialect: SqlDialect;
  readonly #createTable: string;
  readonly #selectApplied: string;
  readonly #insertApplied: string;

  constructor(executor: SqlExecutor, dialect: SqlDialect, where: string) {
    this.where = where;
    this.#executor = executor;
    this.#dialect = dialect;
    this.#createTable = dialect.compile(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    this.#selectApplied = dialect.compile('SELECT name FROM schema_migrations');
    this.#insertApplied = dialect.compile(
      `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ${dialect.now})`,
    );
  }

  async inspect(): Promise<SchemaState> {
    const tables = (await this.#executor.query<{ name: string }>(this.#dialect.listTables)).map(
      (r) => r.name,
    );
    const dedicated = this.#dialect.dedicatedDatabase;
    if (!tables.includes('schema_migrations')) return { applied: null, tables, dedicated };
    let rows: { name: unknown }[];
    try {
      rows = await this.#executor.query<{ name: unknown }>(this.#selectApplied);
    } catch (error) {
      // e.g. a Rails-style schema_migrations (version) in a shared schema.
      throw foreignDatabaseError(
        this.where,
        `its schema_migrations table is not LLMTrace's (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const applied = new Set(rows.map((r) => String(r.name)));
    return { applied, tables, dedicated };
  }

  async prepare(): Promise<void> {
    await this.#executor.execute(this.#createTable);
  }

  async apply(migration: Migration): Promise<void> {
    await this.#executor.transaction(async (tx) => {
      for (const statement of migration.statements) await tx.execute(statement);
      await tx.execute(this.#insertApplied, [migration.name]);
    });
  }
}
