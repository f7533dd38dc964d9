import { detectSecrets } from '../../secrets/detect-secrets.js';
import { detectPii } from '../detect-pii.js';
import type { EvalEntity, EvalEntityKind, PiiEvalRecord } from './pii-eval-set.js';

/** Precision, recall and F1 of one entity kind (or of all of them, micro-averaged). */
export interface KindScore {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** One miss or false alarm, for reading the errors. */
export interface EvalError {
  readonly id: number;
  readonly kind: EvalEntityKind;
  readonly value: string;
  readonly text: string;
}

export interface PiiEvalReport {
  readonly records: number;
  readonly overall: KindScore;
  readonly perKind: Readonly<Partial<Record<EvalEntityKind, KindScore>>>;
  /** Records made of look-alikes only, and how many of them got any finding. */
  readonly lookAlikeRecords: number;
  readonly lookAlikeFlagged: number;
  readonly falsePositives: readonly EvalError[];
  readonly falseNegatives: readonly EvalError[];
}

/** A detector under evaluation: spans with a kind, offsets in `text`. */
export type EvalDetector = (text: string) => readonly EvalEntity[];

/** The shipped detectors (`detectPii` and `detectSecrets`), kinds mapped to the evaluation's. */
export function shippedDetector(text: string): EvalEntity[] {
  const found: EvalEntity[] = detectPii(text).map((p) => ({
    kind: p.kind,
    start: p.start,
    end: p.end,
    value: p.value,
  }));
  for (const s of detectSecrets(text)) {
    found.push({
      kind: s.kind === 'generic_secret' ? 'generic_api_key' : 'vendor_api_key',
      start: s.start,
      end: s.end,
      value: s.value,
    });
  }
  return found;
}

const SECRET_KINDS: ReadonlySet<EvalEntityKind> = new Set(['vendor_api_key', 'generic_api_key']);

// A secret found by a vendor rule where the set expected a generic key (or the reverse) is still
// the secret: the two count as one family when matching.
function sameFamily(a: EvalEntityKind, b: EvalEntityKind): boolean {
  return a === b || (SECRET_KINDS.has(a) && SECRET_KINDS.has(b));
}

function score(tp: number, fp: number, fn: number): KindScore {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/**
 * Scores a detector on labelled records: a found span is a true positive when it overlaps an
 * expected entity of the same kind (each expected entity matched once), otherwise a false positive
 * of the kind found; an expected entity nothing overlaps is a false negative.
 */
export function scorePiiEval(
  records: readonly PiiEvalRecord[],
  detect: EvalDetector = shippedDetector,
): PiiEvalReport {
  const counts = new Map<EvalEntityKind, { tp: number; fp: number; fn: number }>();
  const bump = (kind: EvalEntityKind, field: 'tp' | 'fp' | 'fn'): void => {
    const c = counts.get(kind) ?? { tp: 0, fp: 0, fn: 0 };
    c[field]++;
    counts.set(kind, c);
  };
  const falsePositives: EvalError[] = [];
  const falseNegatives: EvalError[] = [];
  let lookAlikeRecords = 0;
  let lookAlikeFlagged = 0;
  for (const rec of records) {
    const found = detect(rec.text);
    if (rec.entities.length === 0) {
      lookAlikeRecords++;
      if (found.length > 0) lookAlikeFlagged++;
    }
    const matched = new Set<EvalEntity>();
    for (const f of found) {
      const hit = rec.entities.find(
        (e) => !matched.has(e) && sameFamily(e.kind, f.kind) && f.start < e.end && f.end > e.start,
      );
      if (hit === undefined) {
        bump(f.kind, 'fp');
        falsePositives.push({ id: rec.id, kind: f.kind, value: f.value, text: rec.text });
      } else {
        matched.add(hit);
        bump(hit.kind, 'tp');
      }
    }
    for (const e of rec.entities) {
      if (matched.has(e)) continue;
      bump(e.kind, 'fn');
      falseNegatives.push({ id: rec.id, kind: e.kind, value: e.value, text: rec.text });
    }
  }
  const perKind: Partial<Record<EvalEntityKind, KindScore>> = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [kind, c] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
    perKind[kind] = score(c.tp, c.fp, c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return {
    records: records.length,
    overall: score(tp, fp, fn),
    perKind,
    lookAlikeRecords,
    lookAlikeFlagged,
    falsePositives,
    falseNegatives,
  };
}
