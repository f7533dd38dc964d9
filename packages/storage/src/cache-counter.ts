import { LLMTraceError } from '@llmtrace/core';

/**
 * The next value of a counter: `current` (the stored string, or null when missing/expired) plus
 * `by`. Shared by every cache backend so they agree on what a counter is: a decimal string that
 * `Number()` reads as a finite number.
 */
export function nextCounterValue(key: string, current: string | number | null, by: number): number {
  if (!Number.isFinite(by)) {
    throw new LLMTraceError('VALIDATION_FAILED', `increment of ${key} by a non-finite number`, {
      details: { field: 'by' },
    });
  }
  if (current === null) return by;
  const value = typeof current === 'number' ? current : Number(current);
  if (current === '' || !Number.isFinite(value)) {
    throw new LLMTraceError('VALIDATION_FAILED', `cache key ${key} does not hold a number`, {
      details: { key },
    });
  }
  return value + by;
}
