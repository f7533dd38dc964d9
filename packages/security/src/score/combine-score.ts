import type { SecurityFinding, SecuritySeverity } from '@llmtrace/core';

/** How much a finding of each severity can contribute to the score (times its confidence). */
export const SEVERITY_WEIGHT: Readonly<Record<SecuritySeverity, number>> = Object.freeze({
  critical: 1,
  high: 0.95,
  medium: 0.75,
  low: 0.45,
  info: 0.1,
});

/**
 * The 0-100 score: a noisy-OR of the classifier's calibrated probability and every rule finding's
 * `confidence x severity weight`:
 *
 *   score = round(100 * (1 - (1 - p_model) * prod_i (1 - confidence_i * weight(severity_i))))
 *
 * Independent weak signals add up; one strong signal is enough. Findings marked
 * `metadata.fromClassifier` are already counted through `modelProbability`.
 */
export function combineScore(
  findings: readonly SecurityFinding[],
  modelProbability: number,
): number {
  let keep = 1 - Math.min(1, Math.max(0, modelProbability));
  for (const f of findings) {
    if (f.metadata.fromClassifier === true) continue;
    keep *= 1 - Math.min(1, f.confidence * SEVERITY_WEIGHT[f.severity]);
  }
  return Math.round(100 * (1 - keep));
}
