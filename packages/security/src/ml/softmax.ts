/**
 * The softmax probability mass of the `positive` classes in one row of logits (numerically stable:
 * the row's maximum is subtracted first).
 *
 * @example
 * softmaxSum(new Float32Array([0, 0]), [1]); // 0.5
 */
export function softmaxSum(logits: ArrayLike<number>, positive: readonly number[]): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number);
  let total = 0;
  let hit = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) - max);
    total += e;
    if (positive.includes(i)) hit += e;
  }
  return total === 0 || !Number.isFinite(total) ? 0 : hit / total;
}
