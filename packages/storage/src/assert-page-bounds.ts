import { LLMTraceError } from '@llmtrace/core/errors';

/**
 * Checks `limit` and `offset` before they reach a query: both non-negative integers. A negative
 * LIMIT means "no limit" to SQLite, so letting one through would turn a page into a full scan.
 */
export function assertPageBounds(limit: number, offset: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new LLMTraceError('VALIDATION_FAILED', `limit must be an integer >= 0, got ${limit}`, {
      details: { field: 'limit' },
    });
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new LLMTraceError('VALIDATION_FAILED', `offset must be an integer >= 0, got ${offset}`, {
      details: { field: 'offset' },
    });
  }
}
