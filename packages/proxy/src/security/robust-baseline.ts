/** Scale that makes the median absolute deviation comparable to a standard deviation (normal data). */
const MAD_SCALE = 1.4826;

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median and scaled MAD of a sample (robust: a few outliers move neither). */
export function robustBaseline(sample: readonly number[]): { median: number; spread: number } {
  const sorted = [...sample].sort((a, b) => a - b);
  const m = median(sorted);
  const deviations = sorted.map((x) => Math.abs(x - m)).sort((a, b) => a - b);
  return { median: m, spread: MAD_SCALE * median(deviations) };
}

/**
 * How unusual `observed` is above a baseline, in robust standard deviations. The spread has a floor
 * of 10 % of the median so that perfectly steady traffic (MAD 0) does not make every small wobble
 * infinitely unusual, and of `minSpread` (in the metric's unit) for metrics whose ordinary jitter
 * does not shrink with them; only increases score (a drop in cost or latency is not an alarm).
 *
 * @example
 * robustScore(50, robustBaseline([10, 11, 9, 10, 12])); // ≈ 26
 * robustScore(50, robustBaseline([10, 11, 9, 10, 12]), 25); // 1.6
 */
export function robustScore(
  observed: number,
  baseline: { readonly median: number; readonly spread: number },
  minSpread = 0,
): number {
  const spread = Math.max(baseline.spread, 0.1 * Math.abs(baseline.median), minSpread, 1e-9);
  return Math.max(0, (observed - baseline.median) / spread);
}
