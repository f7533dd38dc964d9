import { Migrator, type Migration, type MigrationResult } from '../migrator.js';
import { SqlMigrationStore } from '../sql/sql-migration-store.js';
import { PgClientExecutor } from './pg-executor.js';
import type { PgPoolClientLike, PgPoolLike } from './pg-driver.js';
import { postgresDialect } from './postgres-dialect.js';
import { translatePgError } from './translate-pg-error.js';

/** One lock per schema, so replicas starting together migrate one at a time. */
const LOCK_KEY = "hashtext(current_schema() || '.llmtrace_migrations')";

/**
 * The shared {@link Migrator} for PostgreSQL, run on one dedicated connection that holds a session-level
 * advisory lock: when several replicas start at once, the first applies the migrations and the
 * others wait, then find them applied (`skipped`) instead of failing on `CREATE TABLE`.
 *
 * @example
 * const results = await new PostgresMigrator(pool, POSTGRES_MIGRATIONS).migrate();
 */
export class PostgresMigrator {
  readonly #pool: PgPoolLike;
  readonly #migrations: readonly Migration[];
  readonly #where: string;

  /** `where` names the server in messages (password already redacted). */
  constructor(
    pool: PgPoolLike,
    migrations: readonly Migration[],
    where = 'the PostgreSQL database',
  ) {
    this.#pool = pool;
    this.#migrations = migrations;
    this.#where = where;
  }

  /** Names of the migrations not applied yet. */
  pending(): Promise<string[]> {
    return this.#locked((migrator) => migrator.pending());
  }

  /** Applies every pending migration in order, stopping at the first failure. */
  migrate(): Promise<MigrationResult[]> {
    return this.#locked((migrator) => migrator.migrate());
  }

  async #locked<T>(fn: (migrator: Migrator) => Promise<T>): Promise<T> {
    let client: PgPoolClientLike;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translatePgError(error, 'connect');
    }
    let healthy = false;
    try {
      await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
      const migrator = new Migrator(
        new SqlMigrationStore(new PgClientExecutor(client), postgresDialect, this.#where),
        this.#migrations,
      );
      const result = await fn(migrator);
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
      healthy = true;
      return result;
    } catch (error) {
      throw translatePgError(error, 'migrate');
    } finally {
      // A client that failed while holding the lock is destroyed: closing its session frees it.
      client.release(!healthy);
    }
  }
}
