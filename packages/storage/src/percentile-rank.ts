/**
 * 1-based nearest-rank position of percentile `p` (0–100) in `count` sorted values: the smallest
 * value such that at least p % of the values are <= it. Every backend uses this definition, so the
 * memory and SQL latency percentiles agree exactly.
 *
 * @example
 * percentileRank(10, 95); // 10
 */
export function percentileRank(count: number, p: number): number {
  return Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
}
