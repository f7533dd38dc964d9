import type BetterSqlite3 from 'better-sqlite3';
import type { SqlExecuteResult, SqlExecutor } from '../sql/sql-executor.js';
import { translateSqliteError } from './translate-sqlite-error.js';

/**
 * What the executor needs from an open SQLite file: the driver handle and the connection's
 * exclusive section for asynchronous transactions. `SqliteConnection` is one; declaring the shape
 * here keeps the executor from importing the connection (which uses the executor to migrate).
 */
export interface SqliteHandle {
  readonly db: BetterSqlite3.Database;
  /** True while an asynchronous transaction holds the connection. */
  readonly busy: boolean;
  /** Resolves when no asynchronous transaction holds the connection. */
  whenIdle(): Promise<void>;
  /** Runs `fn` while holding the connection exclusively. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * {@link SqlExecutor} over a better-sqlite3 connection. Statements are prepared on first use and
 * kept, so a repository that compiles its SQL once at construction prepares each statement once.
 *
 * `transaction()` holds the connection exclusively (see {@link SqliteHandle}); a nested
 * `transaction()` on the transaction's executor joins the outer one.
 *
 * @example
 * const executor = new BetterSqlite3Executor(connection);
 * const rows = await executor.query<{ n: number }>('SELECT 1 AS n');
 */
export class BetterSqlite3Executor implements SqlExecutor {
  readonly #connection: SqliteHandle;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #inTransaction: SqlExecutor;

  constructor(connection: SqliteHandle) {
    this.#connection = connection;
    const inTransaction: SqlExecutor = {
      query: <T extends object>(sql: string, params: readonly unknown[] = []) =>
        Promise.resolve(this.#query<T>(sql, params)),
      execute: (sql: string, params: readonly unknown[] = []) =>
        Promise.resolve(this.#execute(sql, params)),
      transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => fn(inTransaction),
    };
    this.#inTransaction = inTransaction;
  }

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (this.#connection.busy) await this.#connection.whenIdle();
    return this.#query<T>(sql, params);
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<SqlExecuteResult> {
    if (this.#connection.busy) await this.#connection.whenIdle();
    return this.#execute(sql, params);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const db = this.#connection.db;
    return this.#connection.exclusive(async () => {
      try {
        // IMMEDIATE takes the write lock up front, so two processes cannot both read and then
        // fail to upgrade (SQLITE_BUSY in the middle of the transaction).
        db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        throw translateSqliteError(error, 'begin');
      }
      try {
        const result = await fn(this.#inTransaction);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw translateSqliteError(error, 'transaction');
      }
    });
  }

  #statement(sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#connection.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #query<T extends object>(sql: string, params: readonly unknown[]): T[] {
    try {
      // The row shape is the caller's declaration (see SqlExecutor); the driver returns objects.
      return this.#statement(sql).all(...params) as T[];
    } catch (error) {
      throw translateSqliteError(error, 'query');
    }
  }

  #execute(sql: string, params: readonly unknown[]): SqlExecuteResult {
    try {
      const statement = this.#statement(sql);
      if (statement.reader) {
        statement.all(...params);
        return { rowsAffected: 0 };
      }
      return { rowsAffected: statement.run(...params).changes };
    } catch (error) {
      throw translateSqliteError(error, 'execute');
    }
  }
}
