import type { SecurityAnalyzer } from '../analyzer.js';
import { analyze } from '../default-analyzer.js';
import { datasetSplit } from './dataset-split.js';
import { rocAuc } from './roc-auc.js';

/** One labelled record: label 1 = attack (injection, jailbreak, harmful request), 0 = benign. */
export interface EvalRecord {
  readonly text: string;
  readonly label: 0 | 1;
  readonly source?: string | undefined;
}

/** Confusion counts and the metrics derived from them; null where a ratio is undefined. */
export interface EvalMetrics {
  readonly n: number;
  readonly positives: number;
  readonly negatives: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  /** False-positive rate: fp / negatives. */
  readonly fpr: number | null;
  readonly accuracy: number | null;
  readonly rocAuc: number | null;
}

/** Result of {@link evaluate}. */
export interface EvalReport {
  readonly threshold: number;
  readonly overall: EvalMetrics;
  readonly bySource: Readonly<Record<string, EvalMetrics>>;
  /**
   * Metrics on the training part and the held-back part of {@link datasetSplit}: only when asked
   * for (`splits: true`), since the split means something only for the bundled training data.
   */
  readonly bySplit?: Readonly<Record<'train' | 'heldout', EvalMetrics>> | undefined;
  readonly records: number;
  readonly seconds: number;
  /** Records analysed per second (single thread). */
  readonly throughput: number;
}

/** Options of {@link evaluate}. */
export interface EvalOptions {
  /** Score at or above which a record counts as flagged. Default 50. */
  readonly threshold?: number;
  /** Called every 100 records and at the end; `total` is known for arrays or when given. */
  readonly onProgress?: (done: number, total?: number) => void;
  /** Number of records, when `records` is a stream and the caller knows it (for the bar). */
  readonly total?: number;
  /** Report the bundled model's train / held-back split too. Default false. */
  readonly splits?: boolean;
  /** Analyzer to score with; defaults to the bundled one. */
  readonly analyzer?: Pick<SecurityAnalyzer, 'analyze'>;
}

const PROGRESS_EVERY = 100;

interface Bucket {
  scores: number[];
  labels: number[];
}

/**
 * Confusion counts and metrics of scores against 0/1 labels at a threshold (score >= threshold is
 * flagged), with ROC-AUC over the raw scores.
 */
export function computeMetrics(
  scores: readonly number[],
  labels: readonly number[],
  threshold: number,
): EvalMetrics {
  return metrics({ scores, labels }, threshold);
}

function metrics(
  bucket: { readonly scores: readonly number[]; readonly labels: readonly number[] },
  threshold: number,
): EvalMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < bucket.scores.length; i++) {
    const flagged = (bucket.scores[i] ?? 0) >= threshold;
    if (bucket.labels[i] === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  const n = tp + fp + tn + fn;
  const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 =
    precision === null || recall === null
      ? null
      : precision + recall === 0
        ? 0
        : (2 * precision * recall) / (precision + recall);
  return {
    n,
    positives: tp + fn,
    negatives: tn + fp,
    tp,
    fp,
    tn,
    fn,
    precision,
    recall,
    f1,
    fpr: ratio(fp, fp + tn),
    accuracy: ratio(tp + tn, n),
    rocAuc: rocAuc(bucket.scores, bucket.labels),
  };
}

function add(map: Map<string, Bucket>, key: string, score: number, label: number): void {
  let b = map.get(key);
  if (b === undefined) {
    b = { scores: [], labels: [] };
    map.set(key, b);
  }
  b.scores.push(score);
  b.labels.push(label);
}

/**
 * Scores labelled records with the injection detectors (PII and secret detectors off: the labels
 * are about attacks) and reports precision, recall, F1, FPR and ROC-AUC overall, per source and per
 * train/held-back split, plus throughput.
 */
export async function evaluate(
  records: AsyncIterable<EvalRecord> | Iterable<EvalRecord>,
  options: EvalOptions = {},
): Promise<EvalReport> {
  const threshold = options.threshold ?? 50;
  const analyzer = options.analyzer ?? { analyze };
  const total = options.total ?? (Array.isArray(records) ? records.length : undefined);
  const all: Bucket = { scores: [], labels: [] };
  const bySource = new Map<string, Bucket>();
  const bySplit = new Map<string, Bucket>();
  const started = performance.now();
  let done = 0;
  let busy = 0;
  for await (const record of records) {
    const t0 = performance.now();
    const { score } = analyzer.analyze(record.text, { pii: false, secrets: false });
    busy += performance.now() - t0;
    all.scores.push(score);
    all.labels.push(record.label);
    add(bySource, record.source ?? 'unknown', score, record.label);
    if (options.splits === true) add(bySplit, datasetSplit(record.text), score, record.label);
    done++;
    if (done % PROGRESS_EVERY === 0) options.onProgress?.(done, total);
  }
  options.onProgress?.(done, total ?? done);
  const seconds = (performance.now() - started) / 1000;
  const empty: Bucket = { scores: [], labels: [] };
  return {
    threshold,
    overall: metrics(all, threshold),
    bySource: Object.fromEntries(
      [...bySource.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, b]) => [k, metrics(b, threshold)]),
    ),
    bySplit:
      options.splits === true
        ? {
            train: metrics(bySplit.get('train') ?? empty, threshold),
            heldout: metrics(bySplit.get('heldout') ?? empty, threshold),
          }
        : undefined,
    records: done,
    seconds,
    throughput: busy > 0 ? done / (busy / 1000) : 0,
  };
}
