import { LLMTraceError, type ErrorCode } from '@llmtrace/core';

function field(error: unknown, name: 'code' | 'message'): string | undefined {
  if (typeof error !== 'object' || error === null || !(name in error)) return undefined;
  const value = (error as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Socket-level failures of the connection itself (Node's `error.code`). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

function codeFor(error: unknown): ErrorCode {
  const code = field(error, 'code');
  const message = field(error, 'message') ?? '';
  if (code === undefined) {
    // pg's own timeouts carry no code: the pool's connectionTimeoutMillis and query_timeout.
    return /timeout/i.test(message) ? 'STORAGE_TIMEOUT' : 'STORAGE_UNAVAILABLE';
  }
  if (code === 'ETIMEDOUT') return 'STORAGE_TIMEOUT';
  if (NETWORK_CODES.has(code)) return 'STORAGE_UNAVAILABLE';
  // SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html
  if (code === '23505') return 'STORAGE_CONFLICT'; // unique_violation
  if (code.startsWith('23')) return 'VALIDATION_FAILED'; // other integrity constraints
  if (code.startsWith('22')) return 'VALIDATION_FAILED'; // data exception (bad value)
  // query_canceled (statement_timeout), lock_not_available (lock_timeout).
  if (code === '57014' || code === '55P03') return 'STORAGE_TIMEOUT';
  // serialization_failure, deadlock_detected: another transaction won; retrying may succeed.
  if (code === '40001' || code === '40P01') return 'STORAGE_CONFLICT';
  return 'STORAGE_UNAVAILABLE';
}

/**
 * Turns anything `pg` throws into an `LLMTraceError` with the original in `cause` — the one place
 * that knows PostgreSQL error shapes (STYLE rule 6). Errors that already are `LLMTraceError`s pass
 * through.
 *
 * @example
 * try { await pool.query(sql, params); } catch (error) { throw translatePgError(error, 'query'); }
 */
export function translatePgError(error: unknown, operation: string): LLMTraceError {
  if (error instanceof LLMTraceError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new LLMTraceError(codeFor(error), `postgres ${operation} failed: ${reason}`, {
    cause: error,
    details: { operation, driverCode: field(error, 'code') ?? null },
  });
}
