import { describe, expect, it } from 'vitest';
import { bucketIndex, nearestRank, timeBuckets } from './time-buckets.js';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('timeBuckets', () => {
  it('aligns edges to the interval and clips the first and last bucket to the range', () => {
    const buckets = timeBuckets(at('2026-01-01T00:30:00Z'), at('2026-01-01T02:15:00Z'), HOUR);
    expect(
      buckets?.map((b) => [new Date(b.startMs).toISOString(), new Date(b.endMs).toISOString()]),
    ).toEqual([
      ['2026-01-01T00:30:00.000Z', '2026-01-01T01:00:00.000Z'],
      ['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z'],
      ['2026-01-01T02:00:00.000Z', '2026-01-01T02:15:00.000Z'],
    ]);
  });

  it('returns null instead of building more buckets than allowed', () => {
    expect(timeBuckets(0, 1000 * HOUR, HOUR, 999)).toBeNull();
    expect(timeBuckets(0, 999 * HOUR, HOUR, 999)).toHaveLength(999);
  });

  it('returns no buckets for an empty range', () => {
    expect(timeBuckets(5, 5, HOUR)).toEqual([]);
  });
});

describe('bucketIndex', () => {
  const buckets = timeBuckets(0, 3 * HOUR, HOUR) ?? [];
  it('finds the bucket of a time, end exclusive', () => {
    expect(bucketIndex(buckets, 0)).toBe(0);
    expect(bucketIndex(buckets, HOUR - 1)).toBe(0);
    expect(bucketIndex(buckets, HOUR)).toBe(1);
    expect(bucketIndex(buckets, 3 * HOUR - 1)).toBe(2);
  });
  it('answers -1 outside the range', () => {
    expect(bucketIndex(buckets, -1)).toBe(-1);
    expect(bucketIndex(buckets, 3 * HOUR)).toBe(-1);
  });
});

describe('nearestRank', () => {
  it('takes the smallest value with at least p % at or below it', () => {
    expect(nearestRank([10, 20, 30, 40], 50)).toBe(20);
    expect(nearestRank([10, 20, 30, 40], 95)).toBe(40);
    expect(nearestRank([7], 50)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
  });
});
