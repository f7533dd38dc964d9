/**
 * Area under the ROC curve from scores and 0/1 labels (Mann-Whitney U with average ranks for
 * ties). Null when one class is missing.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] ?? 0) - (scores[b] ?? 0),
  );
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    const s = scores[order[i] ?? 0] ?? 0;
    while (j < n && (scores[order[j] ?? 0] ?? 0) === s) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (labels[order[k] ?? 0] === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
