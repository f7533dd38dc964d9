import { LLMTraceError, toLLMTraceError } from '@llmtrace/core/errors';

/** One numbered schema change; SQL engines run its statements in one transaction. */
export interface Migration {
  /** Sortable unique name, e.g. `0001_traces`; recorded in `schema_migrations`. */
  readonly name: string;
  readonly statements: readonly string[];
}

/**
 * What happened to one migration: `applied` now, `skipped` because it was applied before, or
 * `failed` (rolled back where the engine allows; `error` says why). The list ends at the first
 * failure: later migrations are not attempted.
 */
export interface MigrationResult {
  readonly name: string;
  readonly status: 'applied' | 'skipped' | 'failed';
  readonly error?: string;
}

/** What a backend finds in its database before anything is written. */
export interface SchemaState {
  /** Names recorded in LLMTrace's `schema_migrations`; null when that table does not exist. */
  readonly applied: ReadonlySet<string> | null;
  /** Tables present in the file, schema or database the store migrates. */
  readonly tables: readonly string[];
  /**
   * True when the file or database belongs to LLMTrace alone (a SQLite file, the ClickHouse
   * database): then any table without LLMTrace's bookkeeping is foreign. False for a shared
   * PostgreSQL schema, where only tables LLMTrace would create count.
   */
  readonly dedicated: boolean;
}

/**
 * The engine-specific half of a migration run: reading the state, creating the bookkeeping table
 * and applying one migration. {@link Migrator} holds the one loop every engine shares.
 */
export interface MigrationStore {
  /** The file, server or database, for messages (credentials already redacted). */
  readonly where: string;
  /**
   * Reads the schema state without writing. Throws `CONFIG_INVALID` when a `schema_migrations`
   * table exists but is not LLMTrace's (another application's bookkeeping).
   */
  inspect(): Promise<SchemaState>;
  /** Creates the bookkeeping table (and database) when missing. */
  prepare(): Promise<void>;
  /** Runs one migration's statements and records its name (atomically where the engine can). */
  apply(migration: Migration): Promise<void>;
}

/** How to get out of a foreign-database error, named in every such message. */
const WHAT_TO_DO =
  'LLMTrace left it untouched. Point storage.path (or --storage-path) at a new file, or ' +
  'storage.postgres_url / clickhouse_database at an empty database; to move LLMTrace data ' +
  'between stores use `llmtrace copy --from <config> --to <config>`';

const CREATE_TABLE = /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:\w+\.)?(\w+)/gi;

/** The tables a migration list creates (from its `CREATE TABLE` statements). */
function tablesCreatedBy(migrations: readonly Migration[]): Set<string> {
  const names = new Set<string>(['schema_migrations']);
  for (const migration of migrations) {
    for (const statement of migration.statements) {
      for (const match of statement.matchAll(CREATE_TABLE)) {
        if (match[1] !== undefined) names.add(match[1].toLowerCase());
      }
    }
  }
  return names;
}

/** The `CONFIG_INVALID` error for a database that LLMTrace must not migrate. */
export function foreignDatabaseError(
  where: string,
  reason: string,
  details: Readonly<Record<string, unknown>> = {},
): LLMTraceError {
  return new LLMTraceError(
    'CONFIG_INVALID',
    `${where} is not an LLMTrace database this version can use: ${reason}. ${WHAT_TO_DO}.`,
    { details: { where, ...details } },
  );
}

/**
 * Applies numbered migrations in order and reports each one instead of throwing halfway (learned
 * from kysely's `Migrator`/`MigrationResultSet`, STYLE rule 7) — the one loop for SQLite,
 * PostgreSQL and ClickHouse. Before writing anything it checks that the database is LLMTrace's
 * (issue 12 item 6): tables without LLMTrace's `schema_migrations` (another application's file, or
 * a database from the original Rust LLMTrace), or migrations this version does not know (a newer
 * LLMTrace), stop it with `CONFIG_INVALID` and the database untouched. It throws only for that and
 * when the database cannot be reached at all.
 *
 * @example
 * const results = await new Migrator(store, SQLITE_MIGRATIONS).migrate();
 */
export class Migrator {
  readonly #store: MigrationStore;
  readonly #migrations: readonly Migration[];
  readonly #ownTables: ReadonlySet<string>;

  constructor(store: MigrationStore, migrations: readonly Migration[]) {
    const names = migrations.map((m) => m.name);
    const sorted = [...names].sort();
    if (new Set(names).size !== names.length || names.some((n, i) => n !== sorted[i])) {
      // A programming error in the migration list, caught before anything touches the database.
      throw new Error(`migrations must have unique names in ascending order: ${names.join(', ')}`);
    }
    this.#store = store;
    this.#migrations = migrations;
    this.#ownTables = tablesCreatedBy(migrations);
  }

  /** Names of the migrations not applied yet (after the same foreign-database check). */
  async pending(): Promise<string[]> {
    const applied = await this.#checkedState();
    return this.#migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
  }

  /** Applies every pending migration, in order, stopping at the first failure. */
  async migrate(): Promise<MigrationResult[]> {
    const applied = await this.#checkedState();
    await this.#store.prepare();
    const results: MigrationResult[] = [];
    for (const migration of this.#migrations) {
      if (applied.has(migration.name)) {
        results.push({ name: migration.name, status: 'skipped' });
        continue;
      }
      try {
        await this.#store.apply(migration);
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

  async #checkedState(): Promise<ReadonlySet<string>> {
    const state = await this.#store.inspect();
    const where = this.#store.where;
    if (state.applied === null) {
      const foreign = state.tables.filter(
        (t) => state.dedicated || this.#ownTables.has(t.toLowerCase()),
      );
      if (foreign.length > 0) {
        throw foreignDatabaseError(
          where,
          `it holds tables (${foreign.slice(0, 8).join(', ')}${foreign.length > 8 ? ', …' : ''}) but no LLMTrace schema_migrations table — another application's database or one from an older LLMTrace`,
          { tables: foreign },
        );
      }
      return new Set();
    }
    const known = new Set(this.#migrations.map((m) => m.name));
    const unknown = [...state.applied].filter((name) => !known.has(name)).sort();
    if (unknown.length > 0) {
      throw foreignDatabaseError(
        where,
        `it records migrations this version does not know (${unknown.join(', ')}) — written by a newer LLMTrace or another application`,
        { unknownMigrations: unknown },
      );
    }
    return state.applied;
  }
}

/**
 * The opening policy every backend shares: with `migrate` (default) apply pending migrations and
 * fail on the first failed one; without it refuse to open while any is pending. Throws
 * `STORAGE_UNAVAILABLE` naming `where` (`details.migrations` has the per-migration results).
 */
export async function prepareSchema(
  migrator: Pick<Migrator, 'pending' | 'migrate'>,
  where: string,
  migrate: boolean | undefined,
): Promise<readonly MigrationResult[]> {
  if (migrate === false) {
    const pending = await migrator.pending();
    if (pending.length > 0) {
      throw new LLMTraceError(
        'STORAGE_UNAVAILABLE',
        `${where} needs migrations (${pending.join(', ')}): run \`llmtrace migrate\``,
        { details: { pending } },
      );
    }
    return [];
  }
  const results = await migrator.migrate();
  const failed = results.find((r) => r.status === 'failed');
  if (failed !== undefined) {
    throw new LLMTraceError(
      'STORAGE_UNAVAILABLE',
      `migration ${failed.name} failed on ${where}: ${failed.error ?? 'unknown error'}`,
      { details: { migrations: results } },
    );
  }
  return results;
}
