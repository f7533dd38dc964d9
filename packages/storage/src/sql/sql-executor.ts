/** Outcome of a statement that returns no rows. */
export interface SqlExecuteResult {
  readonly rowsAffected: number;
}

/**
 * The small asynchronous surface the SQL repositories need from a driver. SQLite supplies one over
 * better-sqlite3 and PostgreSQL will supply one over a `pg` pool; the repositories never see the
 * driver (STYLE rule 3).
 *
 * Contract for implementations:
 * - `sql` uses the dialect's placeholders (see {@link SqlDialect.compile}).
 * - Driver errors are rethrown as `LLMTraceError` (`STORAGE_CONFLICT` for unique violations,
 *   `STORAGE_TIMEOUT` for lock/statement timeouts, `STORAGE_UNAVAILABLE` otherwise) with the
 *   original in `cause` (STYLE rule 6).
 * - Rows are returned as plain objects keyed by column name; `T` is the caller's promise about their
 *   shape, not a runtime check.
 */
export interface SqlExecutor {
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<SqlExecuteResult>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it rejects. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}
