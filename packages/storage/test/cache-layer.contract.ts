import type { CacheLayer } from '@llmtrace/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, type Fixture, type ManualClock } from './fixtures.js';

/**
 * Behaviour every {@link CacheLayer} must have. `make` returns a fresh, empty cache that reads time
 * from `now`, so TTLs are tested by moving the clock rather than sleeping.
 */
export function cacheLayerContract(
  name: string,
  make: (now: () => number) => Promise<Fixture<CacheLayer>>,
): void {
  describe(`CacheLayer contract: ${name}`, () => {
    let cache: CacheLayer;
    let cleanup: () => Promise<void>;
    let clock: ManualClock;
    let onAdvance: ((ms: number) => Promise<void>) | undefined;
    const advance = async (ms: number): Promise<void> => {
      clock.advance(ms);
      await onAdvance?.(ms);
    };

    beforeEach(async () => {
      clock = manualClock();
      ({ repo: cache, cleanup, advance: onAdvance } = await make(clock.now));
    });
    afterEach(async () => {
      await cleanup();
    });

    it('gets what was set, overwrites, and returns null for a missing key', async () => {
      expect(await cache.get('k')).toBeNull();
      await cache.set('k', 'v1');
      expect(await cache.get('k')).toBe('v1');
      await cache.set('k', '');
      expect(await cache.get('k')).toBe('');
      await cache.set('n', '007');
      expect(await cache.get('n')).toBe('007');
    });

    it('expires a key after its TTL', async () => {
      await cache.set('k', 'v', 10);
      // Not to the millisecond: a backend on its own clock (Redis) needs a margin for round trips.
      await advance(9_000);
      expect(await cache.get('k')).toBe('v');
      await advance(1_000);
      expect(await cache.get('k')).toBeNull();
    });

    it('clears the TTL when a key is set again without one', async () => {
      await cache.set('k', 'v', 1);
      await cache.set('k', 'w');
      await advance(60_000);
      expect(await cache.get('k')).toBe('w');
    });

    it('invalidates: true when the key existed, false when missing or expired', async () => {
      await cache.set('k', 'v');
      expect(await cache.invalidate('k')).toBe(true);
      expect(await cache.get('k')).toBeNull();
      expect(await cache.invalidate('k')).toBe(false);
      await cache.set('t', 'v', 1);
      await advance(1_000);
      expect(await cache.invalidate('t')).toBe(false);
    });

    it('increments from zero by integers, floats and negative numbers', async () => {
      expect(await cache.increment('c', 2)).toBe(2);
      expect(await cache.increment('c', -5)).toBe(-3);
      expect(await cache.get('c')).toBe('-3');
      expect(await cache.increment('f', 0.1)).toBe(0.1);
      expect(await cache.increment('f', 0.2)).toBe(0.1 + 0.2);
      expect(Number(await cache.get('f'))).toBe(0.1 + 0.2);
      await cache.set('s', '41.5');
      expect(await cache.increment('s', 0.5)).toBe(42);
    });

    it('sets the TTL when the counter is created and leaves it alone afterwards', async () => {
      await cache.increment('c', 1, 10);
      await advance(5_000);
      await cache.increment('c', 1, 1_000);
      expect(await cache.get('c')).toBe('2');
      await advance(5_000);
      expect(await cache.get('c')).toBeNull();
      expect(await cache.increment('c', 1)).toBe(1);
      await advance(1_000_000);
      expect(await cache.get('c')).toBe('1');
    });

    it('adds 100 concurrent increments exactly', async () => {
      await Promise.all(Array.from({ length: 100 }, () => cache.increment('c', 1)));
      expect(await cache.get('c')).toBe('100');
      const results = await Promise.all(
        Array.from({ length: 100 }, () => cache.increment('half', 0.5)),
      );
      expect(Math.max(...results)).toBe(50);
      expect(new Set(results).size).toBe(100);
    });

    it('reserves while the total stays at or below the limit, and refuses beyond it', async () => {
      expect(await cache.reserve('b', 4, 10)).toEqual({ ok: true, value: 4 });
      expect(await cache.reserve('b', 6, 10)).toEqual({ ok: true, value: 10 });
      expect(await cache.reserve('b', 0.5, 10)).toEqual({ ok: false, value: 10 });
      expect(await cache.get('b')).toBe('10');
      expect(await cache.reserve('missing', 11, 10)).toEqual({ ok: false, value: 0 });
      expect(await cache.get('missing')).toBeNull();
      // Settle: give back what was reserved but not spent, then reserve again.
      expect(await cache.increment('b', -2.5)).toBe(7.5);
      expect(await cache.reserve('b', 2.5, 10)).toEqual({ ok: true, value: 10 });
      await cache.set('f', '0.1');
      expect(await cache.reserve('f', 0.2, 1)).toEqual({ ok: true, value: 0.1 + 0.2 });
      expect(Number(await cache.get('f'))).toBe(0.1 + 0.2);
    });

    it('reserves several counters all or nothing (issue 19: RPM and TPM together)', async () => {
      const both = (req: number, tok: number) => [
        { key: 'rq', amount: req, limit: 2, ttlSeconds: 10 },
        { key: 'tk', amount: tok, limit: 100 },
      ];
      expect(await cache.reserveAll(both(1, 60))).toEqual({ ok: true, values: [1, 60] });
      // The token counter would pass 100: neither counter moves.
      expect(await cache.reserveAll(both(1, 41))).toEqual({ ok: false, values: [1, 60] });
      expect(await cache.get('rq')).toBe('1');
      expect(await cache.reserveAll(both(1, 40))).toEqual({ ok: true, values: [2, 100] });
      // The request counter is full now, whatever the tokens.
      expect(await cache.reserveAll(both(1, 0))).toEqual({ ok: false, values: [2, 100] });
      // Settling tokens gives room back; a refused call never creates a key.
      expect(await cache.increment('tk', -30)).toBe(70);
      expect(await cache.reserveAll([{ key: 'new', amount: 5, limit: 1 }])).toEqual({
        ok: false,
        values: [0],
      });
      expect(await cache.get('new')).toBeNull();
      expect(await cache.reserveAll([])).toEqual({ ok: true, values: [] });
      await advance(11_000);
      expect(await cache.get('rq')).toBeNull();
      expect(await cache.get('tk')).toBe('70');
      await expect(
        cache.reserveAll([
          { key: 'd', amount: 1, limit: 2 },
          { key: 'd', amount: 1, limit: 2 },
        ]),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(
        cache.reserveAll([{ key: 'n', amount: Number.NaN, limit: 2 }]),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('never lets concurrent multi-counter reservations pass any limit', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          cache.reserveAll([
            { key: 'ca', amount: 1, limit: 25 },
            { key: 'cb', amount: 3, limit: 30 },
          ]),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      expect(await cache.get('ca')).toBe('10');
      expect(await cache.get('cb')).toBe('30');
    });

    it('sets the TTL when a reservation creates the key, and keeps it afterwards', async () => {
      expect((await cache.reserve('r', 1, 5, 10)).ok).toBe(true);
      await advance(5_000);
      expect((await cache.reserve('r', 1, 5, 1_000)).value).toBe(2);
      await advance(5_000);
      expect(await cache.get('r')).toBeNull();
      expect(await cache.reserve('r', 3, 5)).toEqual({ ok: true, value: 3 });
      // A refused reservation does not create the key, so its TTL is not set either.
      expect(await cache.reserve('x', 9, 5, 10)).toEqual({ ok: false, value: 0 });
      expect(await cache.increment('x', 1)).toBe(1);
      await advance(60_000);
      expect(await cache.get('x')).toBe('1');
    });

    it('never lets concurrent reservations exceed the limit', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => cache.reserve('budget', 1, 10)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      expect(results.filter((r) => !r.ok).every((r) => r.value === 10)).toBe(true);
      expect(await cache.get('budget')).toBe('10');
      const mixed = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0 ? cache.reserve('mixed', 0.25, 5) : cache.increment('mixed', 0.25),
        ),
      );
      expect(mixed).toHaveLength(40);
      expect(Number(await cache.get('mixed'))).toBeLessThanOrEqual(10);
      expect(Number(await cache.get('mixed'))).toBeGreaterThanOrEqual(5);
    });

    it('rejects bad input with VALIDATION_FAILED', async () => {
      await cache.set('text', 'abc');
      await expect(cache.increment('text', 1)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await cache.get('text')).toBe('abc');
      await expect(cache.increment('c', Number.NaN)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(cache.set('k', 'v', 0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await cache.get('k')).toBeNull();
      await expect(cache.reserve('text', 1, 10)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(cache.reserve('r', Number.POSITIVE_INFINITY, 10)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(cache.reserve('r', 1, Number.NaN)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(cache.reserve('r', 1, 10, -1)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      expect(await cache.get('r')).toBeNull();
    });

    it('reports health', async () => {
      expect((await cache.health()).ok).toBe(true);
    });
  });
}
