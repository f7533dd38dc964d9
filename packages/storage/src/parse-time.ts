import { LLMTraceError } from '@llmtrace/core/errors';

/**
 * Parses an ISO-8601 time into epoch milliseconds, or throws `VALIDATION_FAILED` naming the field.
 * Sub-millisecond digits are truncated: indexes and range filters work at millisecond precision.
 */
export function parseTime(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new LLMTraceError('VALIDATION_FAILED', `${field} is not an ISO-8601 time: ${value}`, {
      details: { field },
    });
  }
  return ms;
}
