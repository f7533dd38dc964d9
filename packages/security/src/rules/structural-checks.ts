import type { SecuritySeverity } from '@llmtrace/core';
import type { FindingType } from '../owasp.js';

/** A structural detection (not a single pattern): many-shot dialogue, context flooding. */
export interface StructuralHit {
  readonly id: string;
  readonly type: FindingType;
  readonly severity: SecuritySeverity;
  readonly confidence: number;
  readonly description: string;
  readonly start: number;
  readonly end: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

// A turn starts a line. Only horizontal space may precede its label: `\s*` there would also eat
// the following newlines, and a run of blank lines was rescanned from each of them (quadratic:
// 50 KB of newlines took 3 s). A turn after blank lines is still found, from the last newline.
const ROLE_TURN =
  /(?:^|\n)[^\S\n]*(?:user|human|assistant|ai|bot|model|gpt|chatgpt|claude)[^\S\n]*:/gi;
const QA_TURN = /(?:^|\n)[^\S\n]*(?:q|a|question|answer)[^\S\n]*[:.)]/gi;
const WORD = /[\p{L}\p{N}]+/gu;
const LONG_RUN = /(.)\1{499,}/su;

/** Below this many turns a pasted dialogue is ordinary; many-shot attacks use dozens. */
const MANY_SHOT_ROLE_TURNS = 8;
const MANY_SHOT_QA_TURNS = 16;
/** Flooding only matters when the text is long enough to push instructions out of attention. */
const FLOOD_MIN_CHARS = 4000;

function count(re: RegExp, text: string): { n: number; first: number; last: number } {
  re.lastIndex = 0;
  let n = 0;
  let first = -1;
  let last = -1;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (first < 0) first = m.index;
    last = m.index + m[0].length;
    n++;
  }
  return { n, first, last };
}

/** Many fake dialogue turns in one message: a many-shot jailbreak (Anthropic, 2024). */
export function detectManyShot(text: string): StructuralHit | undefined {
  const roles = count(ROLE_TURN, text);
  if (roles.n >= MANY_SHOT_ROLE_TURNS) {
    return {
      id: 'structure.many-shot',
      type: 'jailbreak',
      severity: 'high',
      confidence: roles.n >= 2 * MANY_SHOT_ROLE_TURNS ? 0.8 : 0.65,
      description: `Message embeds ${roles.n} fake user/assistant turns (many-shot jailbreak pattern)`,
      start: roles.first,
      end: roles.last,
      metadata: { turns: roles.n },
    };
  }
  const qa = count(QA_TURN, text);
  if (qa.n >= MANY_SHOT_QA_TURNS) {
    return {
      id: 'structure.many-shot-qa',
      type: 'jailbreak',
      severity: 'medium',
      confidence: 0.35,
      description: `Message embeds ${qa.n} question/answer turns (possible many-shot pattern)`,
      start: qa.first,
      end: qa.last,
      metadata: { turns: qa.n },
    };
  }
  return undefined;
}

/**
 * Huge, repetitive filler: a long run of one character, or a long text with very few distinct words
 * (a phrase repeated over and over). Used to dilute or push out the system prompt.
 */
export function detectContextFlooding(text: string): StructuralHit | undefined {
  if (text.length < FLOOD_MIN_CHARS) return undefined;
  const run = LONG_RUN.exec(text);
  let distinctRatio = 1;
  let words = 0;
  if (run === null) {
    const seen = new Set<string>();
    WORD.lastIndex = 0;
    for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
      words++;
      seen.add(m[0].toLowerCase());
    }
    distinctRatio = words === 0 ? 0 : seen.size / words;
    // Ordinary prose of 4k+ characters keeps well above 20 % distinct words.
    if (words > 0 && (distinctRatio >= 0.08 || words < 500)) return undefined;
  }
  return {
    id: 'structure.context-flooding',
    type: 'context_flooding',
    severity: 'medium',
    confidence: 0.6,
    description: `Message is ${text.length} characters of repetitive filler (context flooding)`,
    start: run?.index ?? 0,
    end: run === null ? text.length : run.index + run[0].length,
    metadata: { length: text.length, distinctWordRatio: Math.round(distinctRatio * 1000) / 1000 },
  };
}
