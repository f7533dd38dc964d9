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

    beforeEach(async () => {
      clock = manualClock();
      ({ repo: cache, cleanup } = await make(clock.now));
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
      clock.advance(9_999);
      expect(await cache.get('k')).toBe('v');
      clock.advance(1);
      expect(await cache.get('k')).toBeNull();
    });

    it('clears the TTL when a key is set again without one', async () => {
      await cache.set('k', 'v', 1);
      await cache.set('k', 'w');
      clock.advance(60_000);
      expect(await cache.get('k')).toBe('w');
    });

    it('invalidates: true when the key existed, false when missing or expired', async () => {
      await cache.set('k', 'v');
      expect(await cache.invalidate('k')).toBe(true);
      expect(await cache.get('k')).toBeNull();
      expect(await cache.invalidate('k')).toBe(false);
      await cache.set('t', 'v', 1);
      clock.advance(1_000);
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
      clock.advance(5_000);
      await cache.increment('c', 1, 1_000);
      expect(await cache.get('c')).toBe('2');
      clock.advance(5_000);
      expect(await cache.get('c')).toBeNull();
      expect(await cache.increment('c', 1)).toBe(1);
      clock.advance(1_000_000);
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

    it('rejects bad input with VALIDATION_FAILED', async () => {
      await cache.set('text', 'abc');
      await expect(cache.increment('text', 1)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await cache.get('text')).toBe('abc');
      await expect(cache.increment('c', Number.NaN)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(cache.set('k', 'v', 0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await cache.get('k')).toBeNull();
    });

    it('reports health', async () => {
      expect((await cache.health()).ok).toBe(true);
    });
  });
}
