import { LLMTraceError, type CounterReservation } from '@llmtrace/core';
import { assertTtl } from './assert-ttl.js';

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

/** Most counters one `reserveAll` call may touch (a rate limit uses at most four). */
export const MAX_RESERVE_ALL = 16;

/** Checks the entries of a `reserveAll` call before any counter is read. */
export function assertReserveAll(entries: readonly CounterReservation[]): void {
  if (entries.length > MAX_RESERVE_ALL) {
    throw new LLMTraceError(
      'VALIDATION_FAILED',
      `reserveAll takes at most ${MAX_RESERVE_ALL} counters, got ${entries.length}`,
      { details: { field: 'entries' } },
    );
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.key)) {
      throw new LLMTraceError('VALIDATION_FAILED', `reserveAll names ${e.key} twice`, {
        details: { field: 'entries' },
      });
    }
    seen.add(e.key);
    assertFinite(e.key, 'amount', e.amount);
    assertFinite(e.key, 'limit', e.limit);
    assertTtl(e.ttlSeconds);
  }
}

/**
 * The outcome of `reserveAll` given each counter's stored value (null: missing): every new value
 * when all stay at or below their limits, else every value unchanged. Shared by the in-process
 * backends; the Redis Lua script mirrors it.
 */
export function reserveAllOutcome(
  entries: readonly CounterReservation[],
  currents: readonly (string | null)[],
): { readonly ok: boolean; readonly values: number[] } {
  const before = entries.map((e, i) => counterValue(e.key, currents[i] ?? null));
  const after = entries.map((e, i) => (before[i] ?? 0) + e.amount);
  const ok = entries.every((e, i) => (after[i] ?? 0) <= e.limit);
  return { ok, values: ok ? after : before };
}
