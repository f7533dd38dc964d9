import { LLMTraceError, type ErrorCode } from '@llmtrace/core';

function text(error: unknown, name: 'code' | 'message' | 'type'): string {
  if (typeof error !== 'object' || error === null || !(name in error)) return '';
  const value = (error as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** Server error types (the `type` of a ClickHouseError) that mean "took too long". */
const TIMEOUT_TYPES = new Set(['TIMEOUT_EXCEEDED', 'SOCKET_TIMEOUT', 'QUERY_WAS_CANCELLED']);
/** Server error types that mean "already exists". */
const CONFLICT_TYPES = new Set([
  'TABLE_ALREADY_EXISTS',
  'DATABASE_ALREADY_EXISTS',
  'DICTIONARY_ALREADY_EXISTS',
]);
/** Server error types caused by a value we sent (a bug in the row mapping, or bad input). */
const INPUT_TYPES = new Set([
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'CANNOT_PARSE_DATETIME',
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
]);

function codeFor(error: unknown): ErrorCode {
  const type = text(error, 'type');
  if (TIMEOUT_TYPES.has(type)) return 'STORAGE_TIMEOUT';
  if (CONFLICT_TYPES.has(type)) return 'STORAGE_CONFLICT';
  if (INPUT_TYPES.has(type)) return 'VALIDATION_FAILED';
  const code = text(error, 'code');
  // The HTTP client's own request_timeout, and socket-level timeouts.
  if (code === 'ETIMEDOUT' || /timeout/i.test(text(error, 'message'))) return 'STORAGE_TIMEOUT';
  return 'STORAGE_UNAVAILABLE';
}

/**
 * Turns anything `@clickhouse/client` (or the server behind it) throws into an `LLMTraceError` with
 * the original in `cause` — the one place that knows ClickHouse error shapes (STYLE rule 6; after
 * langfuse's `wrapIfResourceError`).
 *
 * @example
 * try { await client.insert(params); } catch (error) { throw translateClickHouseError(error, 'insert'); }
 */
export function translateClickHouseError(error: unknown, operation: string): LLMTraceError {
  if (error instanceof LLMTraceError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new LLMTraceError(codeFor(error), `clickhouse ${operation} failed: ${reason}`, {
    cause: error,
    details: {
      operation,
      driverCode: text(error, 'code') || null,
      driverType: text(error, 'type') || null,
    },
  });
}
