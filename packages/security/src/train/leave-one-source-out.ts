import { createAnalyzer } from '../analyzer.js';
import { detectInjection } from '../injection/detect-injection.js';
import { SEVERITY_WEIGHT } from '../score/combine-score.js';
import { InjectionClassifier } from '../classifier/injection-classifier.js';
import { computeMetrics } from '../eval/evaluate.js';
import type { EvalMetrics } from '../eval/evaluate.js';
import type { LabelledRecord } from './labelled-data.js';
import { DEFAULT_TRAIN_OPTIONS, featurise, toModelFile, trainWeights } from './train-classifier.js';
import type { FeaturisedRecord, TrainedWeights, TrainOptions } from './train-classifier.js';

/** The analyzer's decision point: a score of 50 or more is flagged. */
const DECISION_SCORE = 50;
/**
 * Default target for the mean benign false-positive rate, per source, on sources the model has not
 * seen (out-of-group scores): the issue's own bound, 5 %. On the bundled data it lands the pooled
 * leave-one-source-out FPR at 4.5 % (F1 0.803); 5.5 % gives 5.1 % (0.810), 6 % 5.6 % (0.818).
 */
export const DEFAULT_TARGET_FPR = 0.05;
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
  /** Calibrated confidence per rule id (see {@link calibrateRules}). */
  readonly ruleConfidence: ReadonlyMap<string, number>;
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
  /**
   * Pooled results at the other target FPRs asked for ({@link LosoOptions.sweepTargetFprs}): the
   * same folds and weights, only the threshold rule's target differs.
   */
  readonly sweep: readonly { readonly targetFpr: number; readonly pooled: EvalMetrics }[];
  readonly seconds: number;
}

/** Options of {@link leaveOneSourceOut}. */
export interface LosoOptions extends FitOptions {
  readonly onProgress?: (done: number, total: number) => void;
  /** More targets to evaluate from the same folds (cheap: no retraining per target). */
  readonly sweepTargetFprs?: readonly number[];
}

/** One rule signal in a training row: which rule, its severity weight and its hand confidence. */
export interface RuleSignal {
  readonly id: string;
  readonly weight: number;
  readonly confidence: number;
}

/** Shared state: features and rule signals per record, computed once. */
export interface TrainingSet {
  readonly rows: readonly FeaturisedRecord[];
  /** The injection rules that fire on each row (rules alone, no classifier). */
  readonly signals: readonly (readonly RuleSignal[])[];
}

/** Calibration prior: a rule's hand confidence counts as this many observed firings. */
const RULE_PRIOR = 20;
/** Data may lower a rule's confidence freely but raise it only this much. */
const RULE_MAX_RAISE = 0.1;

/** Featurises the records and runs the rules on them once (reused by every fold). */
export function prepareTrainingSet(
  records: readonly LabelledRecord[],
  train: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): TrainingSet {
  const rows = featurise(records, train.groupScale);
  const signals = records.map((r) =>
    detectInjection(r.text, null).hits.map((h) => ({
      id: h.ruleId,
      weight: SEVERITY_WEIGHT[h.severity],
      confidence: h.confidence,
    })),
  );
  return { rows, signals };
}

/**
 * Rule confidences calibrated on `subset`: each rule's class-balanced precision (as if attacks and
 * benign rows were equally common), shrunk towards its hand-set confidence by RULE_PRIOR firings,
 * so a rule seen a few times keeps its prior and one that fires on benign text loses weight; never
 * more than RULE_MAX_RAISE above the hand-set value. The
 * analyzer then combines calibrated rule confidences with the model (noisy-OR), and the threshold
 * is chosen on that combination.
 */
export function calibrateRules(set: TrainingSet, subset: readonly number[]): Map<string, number> {
  let pos = 0;
  let neg = 0;
  const counts = new Map<string, { tp: number; fp: number; prior: number }>();
  for (const i of subset) {
    const label = set.rows[i]?.record.label;
    if (label === 1) pos++;
    else neg++;
    const seen = new Set<string>();
    for (const h of set.signals[i] ?? []) {
      if (seen.has(h.id)) continue;
      seen.add(h.id);
      const c = counts.get(h.id) ?? { tp: 0, fp: 0, prior: h.confidence };
      if (label === 1) c.tp++;
      else c.fp++;
      counts.set(h.id, c);
    }
  }
  const out = new Map<string, number>();
  for (const [id, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const tpr = pos === 0 ? 0 : c.tp / pos;
    const fpr = neg === 0 ? 0 : c.fp / neg;
    const precision = tpr + fpr === 0 ? c.prior : tpr / (tpr + fpr);
    const n = c.tp + c.fp;
    // Raised by at most RULE_MAX_RAISE: the hand-set value encodes benign uses ("browse without
    // restrictions", "the Wi-Fi password") that the training data may simply not contain.
    const calibrated = Math.min(
      c.prior + RULE_MAX_RAISE,
      (n * precision + RULE_PRIOR * c.prior) / (n + RULE_PRIOR),
    );
    out.set(id, Math.round(Math.min(0.98, Math.max(0.05, calibrated)) * 1000) / 1000);
  }
  return out;
}

/** Rule-only risk of one row with the given confidences (the analyzer's noisy-OR, see combineScore). */
function ruleRisk(signals: readonly RuleSignal[], confidence: ReadonlyMap<string, number>): number {
  let keep = 1;
  for (const h of signals)
    keep *= 1 - Math.min(1, (confidence.get(h.id) ?? h.confidence) * h.weight);
  return 1 - keep;
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
  ruleConfidence: ReadonlyMap<string, number>,
  targetFpr: number,
): { t: number; fpr: number; recall: number } {
  const risk = new Float64Array(set.rows.length);
  for (const i of subset) risk[i] = ruleRisk(set.signals[i] ?? [], ruleConfidence);
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
    1 - (1 - sigmoid((logits[i] as number) - t)) * (1 - (risk[i] as number)) >= 0.5;
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
 * Out-of-group attack logits for the rows of `subset` (default: every row): its sources are split
 * into {@link GROUPS} groups of similar size, and each group is scored by a model trained on the
 * other groups of `subset` only. Thresholds are chosen on these scores, so they are set for sources
 * a model has not seen, the situation the threshold has to hold in. Rows outside `subset` keep 0.
 */
export function outOfGroupLogits(
  set: TrainingSet,
  options: FitOptions = {},
  subset: readonly number[] = set.rows.map((_, i) => i),
): Float64Array {
  const train = options.train ?? DEFAULT_TRAIN_OPTIONS;
  const group = groupSources(set, subset, GROUPS);
  const logits = new Float64Array(set.rows.length);
  for (let g = 0; g < GROUPS; g++) {
    const inGroup = subset.filter((i) => group.get(set.rows[i]?.record.source ?? '') === g);
    if (inGroup.length === 0) continue;
    const rest = subset.filter((i) => group.get(set.rows[i]?.record.source ?? '') !== g);
    const clf = new InjectionClassifier(
      toModelFile(trainWeights(set.rows, rest, train), 0, train.groupScale, new Map()),
    );
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
  const ruleConfidence = calibrateRules(set, subset);
  const choice = chooseThreshold(
    set,
    subset,
    logits,
    ruleConfidence,
    options.targetFpr ?? DEFAULT_TARGET_FPR,
  );
  const train = options.train ?? DEFAULT_TRAIN_OPTIONS;
  const weights = trainWeights(set.rows, subset, train);
  return {
    classifier: new InjectionClassifier(
      toModelFile(weights, choice.t, train.groupScale, ruleConfidence),
    ),
    weights,
    ruleConfidence,
    thresholdLogit: choice.t,
    innerFpr: choice.fpr,
    innerRecall: choice.recall,
  };
}

/** What one leave-one-source-out fold produces (see {@link losoFold}). */
export interface LosoFold {
  readonly source: string;
  /** Analyzer scores of the left-out source's rows, in row order. */
  readonly scores: readonly number[];
  readonly labels: readonly number[];
  /** The same rows scored at each of {@link LosoOptions.sweepTargetFprs}, in that order. */
  readonly sweepScores: readonly (readonly number[])[];
  readonly thresholdLogit: number;
}

/** The options a fold needs: {@link LosoOptions} without the progress callback. */
export type FoldOptions = Omit<LosoOptions, 'onProgress'>;

/** The sources of a training set, in the order {@link leaveOneSourceOut} reports them. */
export function losoSources(set: TrainingSet): string[] {
  return [...new Set(set.rows.map((r) => r.record.source))].sort();
}

/**
 * One fold of {@link leaveOneSourceOut}: trains on every source but `source`, with the threshold
 * chosen on the other sources' out-of-group scores from models trained without `source` too (its
 * rows take no part in choosing it), then scores the left-out rows with the full analyzer (rules +
 * that model, PII and secrets off). Deterministic, so folds can run anywhere, in any order.
 */
export function losoFold(set: TrainingSet, source: string, options: FoldOptions = {}): LosoFold {
  const train = options.train ?? DEFAULT_TRAIN_OPTIONS;
  const subset: number[] = [];
  const heldOut: number[] = [];
  set.rows.forEach((r, i) => (r.record.source === source ? heldOut : subset).push(i));
  // The threshold's scores come from models that never saw the left-out source either: with
  // out-of-group scores shared by all folds, the left-out rows trained the models that scored
  // the others, and the threshold was set for models that knew the source being tested.
  const logits = outOfGroupLogits(set, options, subset);
  const fitted = fitClassifier(set, subset, logits, options);
  const scoreHeldOut = (classifier: InjectionClassifier): number[] => {
    const analyzer = createAnalyzer({ classifier });
    return heldOut.map(
      (i) =>
        analyzer.analyze((set.rows[i] as FeaturisedRecord).record.text, {
          pii: false,
          secrets: false,
        }).score,
    );
  };
  return {
    source,
    scores: scoreHeldOut(fitted.classifier),
    labels: heldOut.map((i) => (set.rows[i] as FeaturisedRecord).record.label),
    sweepScores: (options.sweepTargetFprs ?? []).map((targetFpr) => {
      const choice = chooseThreshold(set, subset, logits, fitted.ruleConfidence, targetFpr);
      return scoreHeldOut(
        new InjectionClassifier(
          toModelFile(fitted.weights, choice.t, train.groupScale, fitted.ruleConfidence),
        ),
      );
    }),
    thresholdLogit: fitted.thresholdLogit,
  };
}

/** Per-source and pooled metrics of folds given in {@link losoSources} order. */
export function losoReport(
  folds: readonly LosoFold[],
  options: FoldOptions,
  seconds: number,
): LosoReport {
  const sweepTargets = options.sweepTargetFprs ?? [];
  const labels = folds.flatMap((f) => f.labels);
  const bySource: Record<string, EvalMetrics & { thresholdLogit: number }> = {};
  for (const f of folds) {
    bySource[f.source] = {
      ...computeMetrics(f.scores, f.labels, DECISION_SCORE),
      thresholdLogit: f.thresholdLogit,
    };
  }
  return {
    threshold: DECISION_SCORE,
    targetFpr: options.targetFpr ?? DEFAULT_TARGET_FPR,
    bySource,
    pooled: computeMetrics(
      folds.flatMap((f) => f.scores),
      labels,
      DECISION_SCORE,
    ),
    sweep: sweepTargets.map((targetFpr, j) => ({
      targetFpr,
      pooled: computeMetrics(
        folds.flatMap((f) => f.sweepScores[j] ?? []),
        labels,
        DECISION_SCORE,
      ),
    })),
    seconds,
  };
}

/**
 * Leave-one-source-out evaluation (issue 20): every source scored by {@link losoFold} at the
 * decision score 50, each source and all rows pooled. Attack-only sources have no FPR and
 * benign-only ones no recall; the pooled row has both. One thread; `leaveOneSourceOutInParallel`
 * (loso-threads.ts) gives the same report from a pool of worker threads.
 */
export function leaveOneSourceOut(set: TrainingSet, options: LosoOptions = {}): LosoReport {
  const started = performance.now();
  const sources = losoSources(set);
  const folds = sources.map((source, k) => {
    const fold = losoFold(set, source, options);
    options.onProgress?.(k + 1, sources.length);
    return fold;
  });
  return losoReport(folds, options, (performance.now() - started) / 1000);
}
