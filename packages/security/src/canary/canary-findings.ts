import { randomUUID } from 'node:crypto';
import type { SecurityFinding } from '@llmtrace/core';
import { OWASP } from '../owasp.js';
import type { CanaryHit } from './canary-matcher.js';

/** Where a canary turned up: the answer text or a tool call's arguments. */
export type CanaryPlace = 'response' | 'tool_arguments';

/**
 * Critical `system_prompt_leak` findings for canaries found in an answer: a registered canary only
 * ever appears in a system prompt, so seeing it in an answer is proof of leakage. The finding
 * names the canary by id; the value is never part of it.
 *
 * @example
 * canaryFindings([{ canaryId: 'c1', encoding: 'base64' }], 'response', new Date());
 */
export function canaryFindings(
  hits: readonly CanaryHit[],
  place: CanaryPlace,
  now: Date = new Date(),
): SecurityFinding[] {
  return hits.map((hit) => ({
    id: randomUUID(),
    type: 'system_prompt_leak',
    severity: 'critical',
    confidence: hit.encoding === 'clear' ? 1 : 0.95,
    description:
      `Canary ${hit.canaryId} appeared in the ${place === 'response' ? 'answer' : 'tool-call arguments'}` +
      (hit.encoding === 'clear' ? '' : ` (${hit.encoding})`),
    location: { side: 'response' },
    owaspId: OWASP.systemPromptLeakage,
    detectedAt: now.toISOString(),
    metadata: { canaryId: hit.canaryId, encoding: hit.encoding, place, detector: 'canary' },
  }));
}
