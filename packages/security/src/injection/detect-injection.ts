import type { SecuritySeverity } from '@llmtrace/core';
import type { InjectionClassifier } from '../classifier/injection-classifier.js';
import { decodePayloads } from '../decode/decode-payloads.js';
import { normaliseText } from '../normalise/normalise-text.js';
import type { NormalisedText } from '../normalise/normalise-text.js';
import type { FindingType } from '../owasp.js';
import { findNeedles, INJECTION_RULES, mayMatch } from '../rules/injection-rules.js';
import { detectContextFlooding, detectManyShot } from '../rules/structural-checks.js';

/** One injection-family signal in a text (offsets in the normalised text). */
export interface InjectionHit {
  readonly ruleId: string;
  readonly type: FindingType;
  readonly severity: SecuritySeverity;
  readonly confidence: number;
  readonly description: string;
  readonly start: number;
  readonly end: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Everything the injection detectors found in one text. */
export interface InjectionResult {
  readonly hits: InjectionHit[];
  /** Calibrated classifier probability (0 when no classifier). */
  readonly modelProbability: number;
  readonly harmfulShare: number;
  /** The most suspicious segment of a long text (offsets in the normalised text), if segmented. */
  readonly modelSegment?: { readonly start: number; readonly end: number } | undefined;
}

const UNDERSCORE = /_/g;
const TEXT_RULES = INJECTION_RULES.filter((r) => r.target === 'text');
const COMPACT_RULES = INJECTION_RULES.filter((r) => r.target === 'compact');
/** A decoded payload counts as an attack when a rule of at least this confidence fires on it. */
const PAYLOAD_RULE_MIN = 0.4;
/** Evasion tricks that are suspicious on their own, with their confidence. */
const EVASION_SIGNAL: Readonly<Partial<Record<string, number>>> = {
  tag_smuggling: 0.85,
  variation_selector_smuggling: 0.6,
  homoglyphs: 0.45,
  invisible_characters: 0.4,
};

function runRules(norm: NormalisedText, readingsLabel: string, out: InjectionHit[]): void {
  const seen = new Set<string>();
  const readings = [norm.text, ...norm.variants];
  for (let r = 0; r < readings.length; r++) {
    const text = readings[r] ?? '';
    const found = findNeedles(text.toLowerCase());
    for (const rule of TEXT_RULES) {
      if (seen.has(rule.id) || !mayMatch(rule, found)) continue;
      rule.pattern.lastIndex = 0;
      const m = rule.pattern.exec(text);
      if (m === null) continue;
      seen.add(rule.id);
      out.push({
        ruleId: rule.id,
        type: rule.type,
        severity: rule.severity,
        confidence: rule.confidence,
        description: rule.description,
        start: m.index,
        end: m.index + m[0].length,
        metadata: {
          rule: rule.id,
          reading: r === 0 ? readingsLabel : `${readingsLabel}+${norm.evasion.join('+')}`,
        },
      });
    }
  }
  for (const rule of COMPACT_RULES) {
    // Only needed when the plain reading missed it: that is the evasion this rule exists for.
    if (out.some((h) => h.ruleId.startsWith('override.'))) break;
    if (mayMatch(rule, findNeedles(norm.compact)) && rule.pattern.test(norm.compact)) {
      out.push({
        ruleId: rule.id,
        type: rule.type,
        severity: rule.severity,
        confidence: rule.confidence,
        description: rule.description,
        start: 0,
        end: norm.text.length,
        metadata: { rule: rule.id, reading: 'compact' },
      });
    }
  }
}

/** Rules + classifier on one reading; used for decoded payloads. */
function payloadSignal(
  payload: string,
  classifier: InjectionClassifier | null,
): { confidence: number; inner: string } | undefined {
  const norm = normaliseText(payload);
  const hits: InjectionHit[] = [];
  runRules(norm, 'decoded', hits);
  const best = hits.reduce<InjectionHit | undefined>(
    (a, h) => (a === undefined || h.confidence > a.confidence ? h : a),
    undefined,
  );
  const ruleConf = best !== undefined && best.confidence >= PAYLOAD_RULE_MIN ? best.confidence : 0;
  // A strong rule hit already decides the payload; the classifier could only move the confidence.
  const p = ruleConf >= 0.9 ? 0 : (classifier?.score(norm.text).probability ?? 0);
  if (ruleConf === 0 && p < 0.5) return undefined;
  return ruleConf >= p
    ? { confidence: Math.min(0.95, ruleConf + 0.05), inner: best?.ruleId ?? 'classifier' }
    : { confidence: Math.min(0.95, p), inner: 'classifier' };
}

/**
 * Runs every injection-family detector on one text: normalisation, the rule table on each reading,
 * many-shot and flooding checks, the classifier, and the same again on decoded payloads.
 */
export function detectInjection(
  raw: string,
  classifier: InjectionClassifier | null,
): InjectionResult {
  const norm = normaliseText(raw);
  const hits: InjectionHit[] = [];
  runRules(norm, 'normalised', hits);
  const manyShot = detectManyShot(norm.text);
  if (manyShot !== undefined) hits.push({ ruleId: manyShot.id, ...manyShot });
  const flood = detectContextFlooding(norm.text);
  if (flood !== undefined) hits.push({ ruleId: flood.id, ...flood });

  for (const technique of norm.evasion) {
    const confidence = EVASION_SIGNAL[technique];
    if (confidence === undefined) continue;
    hits.push({
      ruleId: `evasion.${technique}`,
      type: 'encoding_attack',
      severity: confidence >= 0.6 ? 'high' : 'medium',
      confidence,
      description: `Text uses an evasion technique: ${technique.replace(UNDERSCORE, ' ')}`,
      start: 0,
      end: norm.text.length,
      metadata: { technique },
    });
  }

  const payloads = [
    ...decodePayloads(norm.text),
    ...norm.hidden.map((text) => ({
      encoding: 'unicode_smuggling' as const,
      text,
      start: 0,
      end: norm.text.length,
    })),
  ];
  const decodedSeen = new Set<string>();
  for (const p of payloads) {
    // The same payload pasted several times is analysed (and reported) once.
    if (decodedSeen.has(p.text)) continue;
    decodedSeen.add(p.text);
    const signal = payloadSignal(p.text, classifier);
    if (signal === undefined) continue;
    hits.push({
      ruleId: `encoding.${p.encoding}`,
      type: 'encoding_attack',
      severity: 'high',
      confidence: signal.confidence,
      description: `Hidden ${p.encoding.replace(UNDERSCORE, ' ')} payload decodes to an injection attempt`,
      start: p.start,
      end: p.end,
      metadata: { encoding: p.encoding, innerSignal: signal.inner, decodedLength: p.text.length },
    });
  }

  const score = classifier?.score(norm.text);
  return {
    hits:
      classifier === null
        ? hits
        : hits.map((h) => {
            const calibrated = classifier.ruleConfidence(h.ruleId);
            return calibrated === undefined ? h : { ...h, confidence: calibrated };
          }),
    modelProbability: score?.probability ?? 0,
    harmfulShare: score?.harmfulShare ?? 0,
    modelSegment: score?.segment,
  };
}
