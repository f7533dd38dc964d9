import { createAnalyzer } from '../analyzer.js';
import { InjectionClassifier } from '../classifier/injection-classifier.js';
import { computeMetrics } from '../eval/evaluate.js';
import type { EvalMetrics } from '../eval/evaluate.js';
import type { LabelledRecord } from './labelled-data.js';
import { DEFAULT_TRAIN_OPTIONS, featurise, toModelFile, trainWeights } from './train-classifier.js';
import type { FeaturisedRecord, TrainedWeights, TrainOptions } from './train-classifier.js';

/** The analyzer's decision point: a score of 50 or more is flagged. */
const DECISION_SCORE = 50;
/** Default target for the benign false-positive rate on sources the model has not seen. */
export const DEFAULT_TARGET_FPR = 0.03;
/** Source groups for the out-of-group scores the threshold is chosen on. */
const GROUPS = 5;

/** Options of {@link fitClassifier} and {@link leaveOneSourceOut}. */
export interface FitOptions {
  readonly train?: TrainOptions;
  /**
   * The threshold is the lowest attack logit at which the mean per-source false-positive rate of
   * the benign rows, scored by models that never saw their source group, is at most this.
   */
  readonly targetFpr?: number;
}

/** A trained model and how its threshold was chosen. */
export interface FittedClassifier {
  readonly classifier: InjectionClassifier;
  readonly weights: TrainedWeights;
  readonly thresholdLogit: number;
  /** Mean per-source benign FPR of the out-of-group scores at that threshold. */
  readonly innerFpr: number;
  readonly innerRecall: number;
}

/** Per-source and pooled results of {@link leaveOneSourceOut}. */
export interface LosoReport {
  readonly threshold: number;
  readonly targetFpr: number;
  readonly bySource: Readonly<Record<string, EvalMetrics & { readonly thresholdLogit: number }>>;
  /** Every row scored by the model trained without its source. */
  readonly pooled: EvalMetrics;
  readonly seconds: number;
}

/** Shared state: features and rule-only risk per record, computed once. */
export interface TrainingSet {
  readonly rows: readonly FeaturisedRecord[];
  /** Rule-only risk (0-1) per row: the analyzer's score without a classifier. */
  readonly ruleRisk: Float64Array;
}

/** Featurises the records and scores them with the rules alone (reused by every fold). */
export function prepareTrainingSet(
  records: readonly LabelledRecord[],
  train: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): TrainingSet {
  const rows = featurise(records, train.groupScale);
  const rules = createAnalyzer({ classifier: null });
  const ruleRisk = Float64Array.from(
    records,
    (r) => rules.analyze(r.text, { pii: false, secrets: false }).score / 100,
  );
  return { rows, ruleRisk };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Splits the sources of `subset` into `k` groups of similar row counts (largest first). */
function groupSources(set: TrainingSet, subset: readonly number[], k: number): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const i of subset) {
    const s = set.rows[i]?.record.source ?? '';
    sizes.set(s, (sizes.get(s) ?? 0) + 1);
  }
  const load = new Array<number>(k).fill(0);
  const group = new Map<string, number>();
  const bySize = [...sizes].sort(([a, na], [b, nb]) => nb - na || a.localeCompare(b));
  for (const [source, n] of bySize) {
    let g = 0;
    for (let j = 1; j < k; j++) if ((load[j] ?? 0) < (load[g] ?? 0)) g = j;
    group.set(source, g);
    load[g] = (load[g] ?? 0) + n;
  }
  return group;
}

/**
 * Picks the threshold logit from out-of-source logits: the lowest one at which the mean per-source
 * benign FPR of rules + model (noisy-OR, as the analyzer combines them) is within the target.
 */
function chooseThreshold(
  set: TrainingSet,
  subset: readonly number[],
  logits: Float64Array,
  targetFpr: number,
): { t: number; fpr: number; recall: number } {
  const benignBySource = new Map<string, number[]>();
  const attacks: number[] = [];
  for (const i of subset) {
    const row = set.rows[i] as FeaturisedRecord;
    if (row.record.label === 1) attacks.push(i);
    else {
      const list = benignBySource.get(row.record.source) ?? [];
      list.push(i);
      benignBySource.set(row.record.source, list);
    }
  }
  const flagged = (i: number, t: number): boolean =>
    1 - (1 - sigmoid((logits[i] as number) - t)) * (1 - (set.ruleRisk[i] as number)) >= 0.5;
  let last = { t: 12, fpr: 0, recall: 0 };
  for (let t = 12; t >= -4; t -= 0.05) {
    let fprSum = 0;
    for (const list of benignBySource.values()) {
      let fp = 0;
      for (const i of list) if (flagged(i, t)) fp++;
      fprSum += fp / list.length;
    }
    const fpr = benignBySource.size === 0 ? 0 : fprSum / benignBySource.size;
    if (fpr > targetFpr) break;
    let tp = 0;
    for (const i of attacks) if (flagged(i, t)) tp++;
    last = { t, fpr, recall: attacks.length === 0 ? 0 : tp / attacks.length };
  }
  return last;
}

/**
 * Out-of-group attack logits for every row: the sources are split into {@link GROUPS} groups of
 * similar size, and each group is scored by a model trained on the other groups. Thresholds are
 * chosen on these scores, so they are set for sources a model has not seen, the situation the
 * threshold has to hold in.
 */
export function outOfGroupLogits(set: TrainingSet, options: FitOptions = {}): Float64Array {
  const train = options.train ?? DEFAULT_TRAIN_OPTIONS;
  const all = set.rows.map((_, i) => i);
  const group = groupSources(set, all, GROUPS);
  const logits = new Float64Array(set.rows.length);
  for (let g = 0; g < GROUPS; g++) {
    const inGroup = all.filter((i) => group.get(set.rows[i]?.record.source ?? '') === g);
    if (inGroup.length === 0) continue;
    const rest = all.filter((i) => group.get(set.rows[i]?.record.source ?? '') !== g);
    const clf = new InjectionClassifier(toModelFile(trainWeights(set.rows, rest, train), 0, train.groupScale));
    for (const i of inGroup) logits[i] = clf.score(set.rows[i]?.normalised ?? '').attackLogit;
  }
  return logits;
}

/**
 * Trains on `subset` with the threshold chosen for the target FPR on the out-of-group logits of
 * the subset's rows (see {@link outOfGroupLogits}).
 */
export function fitClassifier(
  set: TrainingSet,
  subset: readonly number[],
  logits: Float64Array,
  options: FitOptions = {},
): FittedClassifier {
  const choice = chooseThreshold(set, subset, logits, options.targetFpr ?? DEFAULT_TARGET_FPR);
  const train = options.train ?? DEFAULT_TRAIN_OPTIONS;
  const weights = trainWeights(set.rows, subset, train);
  return {
    classifier: new InjectionClassifier(toModelFile(weights, choice.t, train.groupScale)),
    weights,
    thresholdLogit: choice.t,
    innerFpr: choice.fpr,
    innerRecall: choice.recall,
  };
}

/**
 * Leave-one-source-out evaluation (issue 20): for each source, train on every other source, with
 * the threshold chosen on the other sources' out-of-group scores only (the left-out rows never
 * take part in choosing it), then score the left-out rows with the full analyzer (rules
 * + that model, PII and secrets off) at the decision score 50. Reports each source and all rows
 * pooled. Attack-only sources have no FPR and benign-only ones no recall; the pooled row has both.
 */
export function leaveOneSourceOut(
  set: TrainingSet,
  options: FitOptions & { readonly onProgress?: (done: number, total: number) => void } = {},
): LosoReport {
  const started = performance.now();
  const sources = [...new Set(set.rows.map((r) => r.record.source))].sort();
  const logits = outOfGroupLogits(set, options);
  const allScores: number[] = [];
  const allLabels: number[] = [];
  const bySource: Record<string, EvalMetrics & { thresholdLogit: number }> = {};
  sources.forEach((source, k) => {
    const subset: number[] = [];
    const heldOut: number[] = [];
    set.rows.forEach((r, i) => (r.record.source === source ? heldOut : subset).push(i));
    const fitted = fitClassifier(set, subset, logits, options);
    const analyzer = createAnalyzer({ classifier: fitted.classifier });
    const scores: number[] = [];
    const labels: number[] = [];
    for (const i of heldOut) {
      const r = (set.rows[i] as FeaturisedRecord).record;
      scores.push(analyzer.analyze(r.text, { pii: false, secrets: false }).score);
      labels.push(r.label);
    }
    allScores.push(...scores);
    allLabels.push(...labels);
    bySource[source] = {
      ...computeMetrics(scores, labels, DECISION_SCORE),
      thresholdLogit: fitted.thresholdLogit,
    };
    options.onProgress?.(k + 1, sources.length);
  });
  return {
    threshold: DECISION_SCORE,
    targetFpr: options.targetFpr ?? DEFAULT_TARGET_FPR,
    bySource,
    pooled: computeMetrics(allScores, allLabels, DECISION_SCORE),
    seconds: (performance.now() - started) / 1000,
  };
}
