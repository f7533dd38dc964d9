import type { SqlExecuteResult, SqlExecutor } from '../sql/sql-executor.js';
import type { PgPoolClientLike, PgPoolLike, PgQueryableLike } from './pg-driver.js';
import { translatePgError } from './translate-pg-error.js';

async function run<R extends object>(
  target: PgQueryableLike,
  sql: string,
  params: readonly unknown[],
  operation: string,
): Promise<{ rows: R[]; rowCount: number }> {
  try {
    const result = await target.query<R>(sql, [...params]);
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  } catch (error) {
    throw translatePgError(error, operation);
  }
}

/** Runs `fn` inside BEGIN … COMMIT on one client; ROLLBACK when it rejects. */
async function inTransaction<T>(
  client: PgQueryableLike,
  fn: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  await run(client, 'BEGIN', [], 'begin');
  try {
    const result = await fn(new PgClientExecutor(client, true));
    await run(client, 'COMMIT', [], 'commit');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      // The connection is already broken; the original error is the one worth reporting.
    }
    throw translatePgError(error, 'transaction');
  }
}

/**
 * {@link SqlExecutor} over one checked-out client (migrations under an advisory lock, and the
 * inside of a transaction). A `transaction()` inside a transaction joins it.
 */
export class PgClientExecutor implements SqlExecutor {
  readonly #client: PgQueryableLike;
  readonly #inTransaction: boolean;

  constructor(client: PgQueryableLike, inTransaction = false) {
    this.#client = client;
    this.#inTransaction = inTransaction;
  }

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await run<T>(this.#client, sql, params, 'query')).rows;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<SqlExecuteResult> {
    return { rowsAffected: (await run(this.#client, sql, params, 'execute')).rowCount };
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#inTransaction ? fn(this) : inTransaction(this.#client, fn);
  }
}

/**
 * {@link SqlExecutor} over a `pg` pool: single statements go to any pooled connection, and a
 * transaction checks one client out for its whole duration.
 *
 * @example
 * const executor = new PgExecutor(new pg.Pool({ connectionString }));
 */
export class PgExecutor implements SqlExecutor {
  readonly #pool: PgPoolLike;

  constructor(pool: PgPoolLike) {
    this.#pool = pool;
  }

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await run<T>(this.#pool, sql, params, 'query')).rows;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<SqlExecuteResult> {
    return { rowsAffected: (await run(this.#pool, sql, params, 'execute')).rowCount };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: PgPoolClientLike;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translatePgError(error, 'connect');
    }
    let broken = false;
    try {
      return await inTransaction(client, fn);
    } catch (error) {
      // A failed COMMIT/ROLLBACK may leave the connection mid-transaction: do not reuse it.
      broken = true;
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
