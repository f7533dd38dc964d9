import { LLMTraceError, type ErrorCode } from '@llmtrace/core/errors';

function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function codeFor(error: unknown): ErrorCode {
  const code = sqliteCode(error);
  if (code === undefined) return 'STORAGE_UNAVAILABLE';
  // Extended result codes: https://www.sqlite.org/rescode.html
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return 'STORAGE_CONFLICT';
  }
  // NOT NULL / CHECK / FOREIGN KEY: the row itself is invalid; retrying will not help.
  if (code.startsWith('SQLITE_CONSTRAINT')) return 'VALIDATION_FAILED';
  // BUSY/LOCKED surface after busy_timeout has elapsed: another connection held the lock too long.
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'STORAGE_TIMEOUT';
  return 'STORAGE_UNAVAILABLE';
}

/**
 * Turns anything better-sqlite3 (or the file system under it) throws into an `LLMTraceError` with
 * the original in `cause` — the one place that knows SQLite error shapes (STYLE rule 6). Errors that
 * already are `LLMTraceError`s pass through.
 *
 * @example
 * try { stmt.run(x); } catch (error) { throw translateSqliteError(error, 'storeSpan'); }
 */
export function translateSqliteError(error: unknown, operation: string): LLMTraceError {
  if (error instanceof LLMTraceError) return error;
  const code = codeFor(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new LLMTraceError(code, `sqlite ${operation} failed: ${reason}`, {
    cause: error,
    details: { operation, driverCode: sqliteCode(error) ?? null },
  });
}
