import { randomUUID } from 'node:crypto';
import type { SecurityFinding, SecuritySeverity } from '@llmtrace/core';
import { OWASP_BY_TYPE } from '../owasp.js';
import { combineScore } from '../score/combine-score.js';
import type { SecurityAnalysis } from '../types.js';

/** Finding types the transformer tier re-weighs; the others (PII, secrets, leaks…) it leaves alone. */
const INJECTION_TYPES: ReadonlySet<string> = new Set([
  'prompt_injection',
  'jailbreak',
  'role_injection',
  'encoding_attack',
  'prompt_extraction',
  'delimiter_injection',
]);

/** The model's view of one request: the highest injection probability over the texts it scored. */
export interface MlVerdict {
  /** 0-1. */
  readonly probability: number;
  /** Index in the request's `messages` of the text that scored highest, when it was a message. */
  readonly messageIndex?: number | undefined;
  /** Model folder name, recorded in the finding. */
  readonly model: string;
}

/** A model finding is added from this probability on. */
export const ML_FINDING_PROBABILITY = 0.5;

/**
 * Combines the fast tier's analysis with the transformer tier's verdict (docs/security.md):
 *
 *   F = fast-tier score (0-100), M = 100 x model probability, w = `security.ml.weight`
 *   floor = the fast tier's score from its non-injection findings alone (PII, secrets, leaks)
 *   score = max(floor, round((1 - w) x F + w x M))
 *
 * The model re-weighs only the injection part: it can lower a rules false positive ("how do I kill
 * a Python process") or raise an attack the rules missed, never hide a leaked key. At
 * probability >= 0.5 a `prompt_injection` finding with `metadata.tier = 'ml'` is added.
 *
 * @example
 * combineWithMl({ score: 80, findings }, { probability: 0.02, model: 'deberta' }, 0.5).score; // 41
 */
export function combineWithMl(
  fast: SecurityAnalysis,
  verdict: MlVerdict,
  weight: number,
  now: () => Date = () => new Date(),
): SecurityAnalysis {
  const p = Math.min(1, Math.max(0, verdict.probability));
  const w = Math.min(1, Math.max(0, weight));
  const floor = combineScore(
    fast.findings.filter((f) => !INJECTION_TYPES.has(f.type)),
    0,
  );
  const score = Math.max(floor, Math.round((1 - w) * fast.score + w * 100 * p));
  if (p < ML_FINDING_PROBABILITY) return { score, findings: fast.findings };
  const severity: SecuritySeverity = p >= 0.9 ? 'high' : 'medium';
  const finding: SecurityFinding = {
    id: randomUUID(),
    type: 'prompt_injection',
    severity,
    confidence: Math.round(p * 1000) / 1000,
    description: `Transformer classifier (${verdict.model}) rates this text as prompt injection (p = ${p.toFixed(3)})`,
    location: {
      side: 'request',
      ...(verdict.messageIndex === undefined ? {} : { messageIndex: verdict.messageIndex }),
    },
    owaspId: OWASP_BY_TYPE.prompt_injection,
    detectedAt: now().toISOString(),
    metadata: { tier: 'ml', model: verdict.model, probability: p },
  };
  return { score, findings: [...fast.findings, finding] };
}
