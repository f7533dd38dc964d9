#!/usr/bin/env node
// Trains the injection classifier on the bundled data and records its metrics. Deterministic
// (fixed seed, data read in sorted file order): the same data gives the same model file byte for
// byte.
//
//   npx tsc -b packages/security
//   node packages/security/scripts/train.mjs            # model + leave-one-source-out metrics
//   node packages/security/scripts/train.mjs --no-loso  # model only (about a tenth of the time)
//   node packages/security/scripts/train.mjs --sweep 0.035,0.045   # also pooled LOSO at other targets
//   node packages/security/scripts/train.mjs --threads 1  # LOSO folds on this thread only
//
// Reads packages/security/data/datasets/*.jsonl and data/written/*.jsonl (nothing outside the
// repository). The decision threshold is chosen for a 5 % mean benign false-positive rate on
// out-of-group scores (each source group scored by a model trained without it), then one model is
// trained on everything. Writes model/injection-model.json and model/metrics.json.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BUNDLED_DATA_DIRS,
  DEFAULT_TARGET_FPR,
  DEFAULT_TRAIN_OPTIONS,
  createAnalyzer,
  evaluate,
  fitClassifier,
  formatEvalReport,
  formatLosoReport,
  leaveOneSourceOutInParallel,
  outOfGroupLogits,
  prepareTrainingSet,
  readLabelledDirs,
  toModelFile,
} from '../dist/eval/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const USAGE = `usage: node packages/security/scripts/train.mjs [--no-loso] [--sweep FPR,FPR…] [--threads N]
  --no-loso       train and write the model only (about a tenth of the time)
  --sweep LIST    also report pooled LOSO at these target benign FPRs (e.g. 0.045,0.06)
  --threads N     worker threads for the LOSO folds (default: one per CPU; same numbers for any N)`;
let args;
try {
  args = parseArgs({
    options: {
      'no-loso': { type: 'boolean', default: false },
      sweep: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const withLoso = !args['no-loso'];
const sweepTargetFprs = args.sweep === undefined ? [] : args.sweep.split(',').map(Number);
if (sweepTargetFprs.some((t) => !(t > 0 && t < 1))) {
  console.error('--sweep takes target FPRs between 0 and 1, comma-separated (e.g. 0.035,0.045)');
  process.exit(2);
}

const threads = args.threads === undefined ? undefined : Number(args.threads);
if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
  console.error(`--threads takes a positive integer, got ${args.threads}\n${USAGE}`);
  process.exit(2);
}

const t0 = performance.now();
const records = readLabelledDirs(BUNDLED_DATA_DIRS);
const sources = [...new Set(records.map((r) => r.source))].sort();
const set = prepareTrainingSet(records, DEFAULT_TRAIN_OPTIONS);
console.log(
  `data: ${records.length} rows from ${sources.length} sources; featurised in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const t1 = performance.now();
const logits = outOfGroupLogits(set);
const all = records.map((_, i) => i);
const fitted = fitClassifier(set, all, logits);
const model = toModelFile(
  fitted.weights,
  fitted.thresholdLogit,
  DEFAULT_TRAIN_OPTIONS.groupScale,
  fitted.ruleConfidence,
  {
    createdBy: 'packages/security/scripts/train.mjs',
    options: DEFAULT_TRAIN_OPTIONS,
    targetFpr: DEFAULT_TARGET_FPR,
    trainRows: records.length,
    sources,
  },
);
const modelFile = join(pkg, 'model', 'injection-model.json');
writeFileSync(modelFile, JSON.stringify(model) + '\n');
console.log(
  `threshold logit ${fitted.thresholdLogit.toFixed(2)} (out-of-group mean benign FPR ${fitted.innerFpr.toFixed(4)}, recall ${fitted.innerRecall.toFixed(4)}); trained in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
);
console.log(`wrote ${modelFile} (${(JSON.stringify(model).length / 1024).toFixed(0)} KiB)`);

// In-sample: the shipped model on the rows it was trained on (a sanity check, not a quality
// figure: the leave-one-source-out numbers below are the honest ones).
const analyzer = createAnalyzer({ classifier: fitted.classifier });
const inSample = await evaluate(records, { analyzer });
console.log('\nIn-sample (all bundled rows, trained on):\n' + formatEvalReport(inSample));

const round = (v) => (v === null ? null : Math.round(v * 10000) / 10000);
const slim = (m) => ({
  n: m.n,
  tp: m.tp,
  fp: m.fp,
  tn: m.tn,
  fn: m.fn,
  precision: round(m.precision),
  recall: round(m.recall),
  f1: round(m.f1),
  fpr: round(m.fpr),
  rocAuc: round(m.rocAuc),
});

let loso;
if (withLoso) {
  const report = await leaveOneSourceOutInParallel(set, {
    onProgress: (done, total) => process.stderr.write(`\rLOSO fold ${done}/${total}`),
    sweepTargetFprs,
    threads,
  });
  process.stderr.write('\n');
  console.log('\nLeave-one-source-out:\n' + formatLosoReport(report));
  for (const { targetFpr, pooled: m } of report.sweep) {
    console.log(
      `target FPR ${targetFpr}: pooled P ${m.precision?.toFixed(3)} R ${m.recall?.toFixed(3)} F1 ${m.f1?.toFixed(3)} FPR ${m.fpr?.toFixed(3)}`,
    );
  }
  loso = {
    targetFpr: report.targetFpr,
    pooled: slim(report.pooled),
    bySource: Object.fromEntries(Object.entries(report.bySource).map(([k, m]) => [k, slim(m)])),
  };
}

const metrics = {
  command: 'node packages/security/scripts/train.mjs',
  threshold: 50,
  thresholdLogit: model.thresholdLogit,
  rows: records.length,
  inSample: {
    overall: slim(inSample.overall),
    bySource: Object.fromEntries(Object.entries(inSample.bySource).map(([k, m]) => [k, slim(m)])),
  },
  ...(loso === undefined ? {} : { loso }),
};
writeFileSync(join(pkg, 'model', 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
console.log('wrote model/metrics.json');
