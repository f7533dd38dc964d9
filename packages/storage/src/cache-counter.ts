import { LLMTraceError } from '@llmtrace/core';

function assertFinite(key: string, field: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new LLMTraceError('VALIDATION_FAILED', `${field} on ${key} must be a finite number`, {
      details: { field },
    });
  }
}

/**
 * The number a counter holds: `current` is the stored string (or null when missing/expired, which
 * counts as 0). Shared by every cache backend so they agree on what a counter is: a decimal string
 * that `Number()` reads as a finite number.
 */
function counterValue(key: string, current: string | number | null): number {
  if (current === null) return 0;
  const value = typeof current === 'number' ? current : Number(current);
  if (current === '' || !Number.isFinite(value)) {
    throw new LLMTraceError('VALIDATION_FAILED', `cache key ${key} does not hold a number`, {
      details: { key },
    });
  }
  return value;
}

/** The next value of a counter holding `current` (see {@link counterValue}) after adding `by`. */
export function nextCounterValue(key: string, current: string | number | null, by: number): number {
  if (!Number.isFinite(by)) {
    throw new LLMTraceError('VALIDATION_FAILED', `increment of ${key} by a non-finite number`, {
      details: { field: 'by' },
    });
  }
  return current === null ? by : counterValue(key, current) + by;
}

/**
 * The outcome of reserving `amount` on a counter holding `current`: the new value when
 * `current + amount` stays at or below `limit`, otherwise the unchanged value. Shared by the
 * in-process backends; the Redis Lua script mirrors it so every backend agrees on the boundary.
 */
export function reserveOutcome(
  key: string,
  current: string | number | null,
  amount: number,
  limit: number,
): { readonly ok: boolean; readonly value: number } {
  assertFinite(key, 'amount', amount);
  assertFinite(key, 'limit', limit);
  const value = counterValue(key, current);
  const next = current === null ? amount : value + amount;
  return next <= limit ? { ok: true, value: next } : { ok: false, value };
}
