/** One bucket of a time series: `[startMs, endMs)`. */
export interface TimeBucket {
  readonly startMs: number;
  readonly endMs: number;
}

/** Most buckets one time-series call may ask for (each is one stats query). */
export const MAX_BUCKETS = 366;

/**
 * Splits `[fromMs, toMs)` into buckets of `intervalMs` aligned to multiples of the interval since
 * the epoch (so two viewers asking for the same range see the same edges, and a refresh a minute
 * later shifts the series instead of re-cutting it). The first and last buckets are clipped to the
 * range, so nothing outside it is counted. Returns null when there would be more than `max`.
 *
 * @example
 * timeBuckets(Date.parse('2026-01-01T00:30:00Z'), Date.parse('2026-01-01T02:00:00Z'), 3_600_000);
 * // [00:30–01:00), [01:00–02:00)
 */
export function timeBuckets(
  fromMs: number,
  toMs: number,
  intervalMs: number,
  max = MAX_BUCKETS,
): TimeBucket[] | null {
  if (!(intervalMs > 0) || !(toMs > fromMs)) return [];
  const first = Math.floor(fromMs / intervalMs) * intervalMs;
  if (Math.ceil((toMs - first) / intervalMs) > max) return null;
  const buckets: TimeBucket[] = [];
  for (let start = first; start < toMs; start += intervalMs) {
    buckets.push({ startMs: Math.max(start, fromMs), endMs: Math.min(start + intervalMs, toMs) });
  }
  return buckets;
}

/** Index of the bucket holding `timeMs`, or -1 (buckets are sorted and contiguous). */
export function bucketIndex(buckets: readonly TimeBucket[], timeMs: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const bucket = buckets[mid] as TimeBucket;
    if (timeMs < bucket.startMs) hi = mid - 1;
    else if (timeMs >= bucket.endMs) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Nearest-rank percentile `p` (0–100) of ascending `sorted` values: the smallest value with at least
 * p % of the values at or below it — the definition the storage backends use for the latency
 * percentiles of the same buckets, so TTFT and latency read alike. Null when there are no values.
 *
 * @example
 * nearestRank([10, 20, 30, 40], 50); // 20
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}
