#!/usr/bin/env node
// Trains the injection classifier and records its metrics. Deterministic (fixed seed, fixed data
// order): the same data gives the same model file byte for byte.
//
//   npx tsc -b packages/security
//   node packages/security/scripts/train.mjs [DATA_DIR]
//
// DATA_DIR defaults to ../shared/datasets/security relative to the repository root. Reads every
// *.jsonl there plus packages/security/data/benign-extra.jsonl; trains only on the "train" part of
// datasetSplit() and tunes the decision threshold by 5-fold cross-validation inside that part, so
// the held-back part stays unseen. Writes model/injection-model.json and model/metrics.json.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLASSIFIER_CLASSES,
  FEATURE_BITS,
  FEATURE_DIM,
  InjectionClassifier,
  createAnalyzer,
  datasetSplit,
  evaluate,
  extractFeatures,
  formatEvalReport,
  normaliseText,
} from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const repoRoot = resolve(pkg, '..', '..');
const dataDir = resolve(process.argv[2] ?? join(repoRoot, '..', 'shared', 'datasets', 'security'));
const extraFile = join(pkg, 'data', 'benign-extra.jsonl');

/** Sources whose label 1 means a harmful request or malicious agent task, not an injection. */
const HARMFUL_SOURCES = new Set(['advbench', 'harmbench', 'ailuminate', 'asb']);
const K = CLASSIFIER_CLASSES.length;
const EPOCHS = 6;
const LEARNING_RATE = 0.2;
const L2 = 1e-6;
const BENIGN_WEIGHT = 2.0;
const FOLDS = 5;
/** Upper bound on the train-part (cross-validated) false-positive rate when picking the threshold. */
const TARGET_FPR = 0.015;
const SEED = 1337;

function readJsonl(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l));
}

function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (!existsSync(dataDir))
  throw new Error(`dev data not found at ${dataDir}; pass the folder as the first argument`);
const devFiles = readdirSync(dataDir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();
if (devFiles.length === 0) throw new Error(`no *.jsonl files in ${dataDir}`);
const dev = devFiles.flatMap((f) =>
  readJsonl(join(dataDir, f)).map((r) => ({ ...r, source: r.source ?? basename(f, '.jsonl') })),
);
const extra = readJsonl(extraFile);
const all = [...dev, ...extra].map((r) => ({
  text: r.text,
  label: r.label,
  source: r.source,
  cls: r.label === 0 ? 0 : HARMFUL_SOURCES.has(r.source) ? 2 : 1,
  split: datasetSplit(r.text),
}));
const train = all.filter((r) => r.split === 'train');
console.log(
  `data: ${dev.length} dev rows from ${devFiles.length} files + ${extra.length} benign-extra; train part ${train.length}, held back ${all.length - train.length}`,
);

// Featurise once.
const t0 = performance.now();
const feats = train.map((r) => {
  const norm = normaliseText(r.text).text;
  const f = extractFeatures(norm);
  return {
    idx: f.indices.slice(0, f.charCount + f.wordCount),
    nc: f.charCount,
    nw: f.wordCount,
    norm,
  };
});
console.log(`featurised in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

function trainModel(rows) {
  const w = new Float64Array(FEATURE_DIM * K);
  const g2 = new Float64Array(FEATURE_DIM * K).fill(1e-8);
  const b = new Float64Array(K);
  const bg2 = new Float64Array(K).fill(1e-8);
  const rand = mulberry32(SEED);
  const order = rows.slice();
  const z = new Float64Array(K);
  const p = new Float64Array(K);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const r of order) {
      const f = feats[r];
      const y = train[r].cls;
      const weight = y === 0 ? BENIGN_WEIGHT : 1;
      const cs = f.nc > 0 ? 1 / Math.sqrt(f.nc) : 0;
      const ws = f.nw > 0 ? 1 / Math.sqrt(f.nw) : 0;
      for (let c = 0; c < K; c++) z[c] = b[c];
      for (let i = 0; i < f.idx.length; i++) {
        const s = i < f.nc ? cs : ws;
        const o = f.idx[i] * K;
        for (let c = 0; c < K; c++) z[c] += w[o + c] * s;
      }
      let m = -Infinity;
      for (let c = 0; c < K; c++) m = Math.max(m, z[c]);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += p[c] = Math.exp(z[c] - m);
      for (let c = 0; c < K; c++) p[c] = (p[c] / sum - (c === y ? 1 : 0)) * weight;
      for (let c = 0; c < K; c++) {
        bg2[c] += p[c] * p[c];
        b[c] -= (LEARNING_RATE * p[c]) / Math.sqrt(bg2[c]);
      }
      for (let i = 0; i < f.idx.length; i++) {
        const s = i < f.nc ? cs : ws;
        const o = f.idx[i] * K;
        for (let c = 0; c < K; c++) {
          const g = p[c] * s + L2 * w[o + c];
          g2[o + c] += g * g;
          w[o + c] -= (LEARNING_RATE * g) / Math.sqrt(g2[o + c]);
        }
      }
    }
  }
  return { w, b };
}

function quantise({ w, b }, thresholdLogit, meta) {
  const scale = new Array(K).fill(0);
  for (let i = 0; i < w.length; i++) scale[i % K] = Math.max(scale[i % K], Math.abs(w[i]));
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const s = scale[i % K] || 1;
    q[i] = Math.round(127 * Math.sign(w[i]) * Math.sqrt(Math.abs(w[i]) / s));
  }
  return {
    version: 1,
    featureBits: FEATURE_BITS,
    classes: [...CLASSIFIER_CLASSES],
    quantisation: 'sqrt-int8',
    scale: scale.map((s) => Number(s.toPrecision(8))),
    bias: Array.from(b, (v) => Number(v.toPrecision(8))),
    weights: Buffer.from(q.buffer).toString('base64'),
    thresholdLogit: Number(thresholdLogit.toFixed(4)),
    meta,
  };
}

// Rule-only risk per train row (the same combination the analyzer uses).
const rulesOnly = createAnalyzer({ classifier: null });
const ruleRisk = train.map(
  (r) => rulesOnly.analyze(r.text, { pii: false, secrets: false }).score / 100,
);

// 5-fold cross-validation inside the train part: out-of-fold attack logits.
const oof = new Float64Array(train.length);
const foldOf = train.map((r) => {
  let h = 0;
  for (let i = 0; i < r.text.length; i++) h = Math.imul(h ^ r.text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % FOLDS;
});
for (let fold = 0; fold < FOLDS; fold++) {
  const tf = performance.now();
  const rows = [];
  for (let i = 0; i < train.length; i++) if (foldOf[i] !== fold) rows.push(i);
  const clf = new InjectionClassifier(quantise(trainModel(rows), 0, {}));
  for (let i = 0; i < train.length; i++)
    if (foldOf[i] === fold) oof[i] = clf.score(feats[i].norm).attackLogit;
  console.log(
    `fold ${fold + 1}/${FOLDS} trained in ${((performance.now() - tf) / 1000).toFixed(1)} s`,
  );
}

// Threshold: best F1 with cross-validated FPR <= TARGET_FPR on the train part.
let best = { t: 0, f1: -1, fpr: 1 };
for (let t = -4; t <= 8; t += 0.05) {
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  for (let i = 0; i < train.length; i++) {
    const m = 1 / (1 + Math.exp(-(oof[i] - t)));
    const flagged = 1 - (1 - m) * (1 - ruleRisk[i]) >= 0.5;
    if (train[i].label === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  const f1 = (2 * tp) / (2 * tp + fp + fn);
  const fpr = fp / (fp + tn);
  if (fpr <= TARGET_FPR && f1 > best.f1) best = { t, f1, fpr };
}
console.log(
  `threshold logit ${best.t.toFixed(2)}: cross-validated train F1 ${best.f1.toFixed(4)}, FPR ${best.fpr.toFixed(4)}`,
);

const tf = performance.now();
const model = quantise(trainModel(train.map((_, i) => i)), best.t, {
  createdBy: 'packages/security/scripts/train.mjs',
  epochs: EPOCHS,
  learningRate: LEARNING_RATE,
  l2: L2,
  benignWeight: BENIGN_WEIGHT,
  seed: SEED,
  trainRows: train.length,
  targetFpr: TARGET_FPR,
  devFiles,
  harmfulSources: [...HARMFUL_SOURCES],
});
console.log(`final model trained in ${((performance.now() - tf) / 1000).toFixed(1)} s`);
const modelFile = join(pkg, 'model', 'injection-model.json');
writeFileSync(modelFile, JSON.stringify(model) + '\n');
console.log(`wrote ${modelFile} (${(JSON.stringify(model).length / 1024).toFixed(0)} KiB)`);

// Evaluate the full pipeline (rules + model) on the dev files and on benign-extra.
const analyzer = createAnalyzer({ classifier: new InjectionClassifier(model) });
const devRecords = dev.map((r) => ({ text: r.text, label: r.label, source: r.source }));
const devReport = await evaluate(devRecords, { analyzer });
const extraReport = await evaluate(
  extra.map((r) => ({ text: r.text, label: r.label, source: r.source })),
  { analyzer },
);
console.log('\nDev data (shared/datasets/security):\n' + formatEvalReport(devReport));
console.log('\nbenign-extra (this package):\n' + formatEvalReport(extraReport));

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
const metrics = {
  command: 'node packages/security/scripts/train.mjs',
  threshold: devReport.threshold,
  thresholdLogit: model.thresholdLogit,
  dev: {
    overall: slim(devReport.overall),
    train: slim(devReport.bySplit.train),
    heldout: slim(devReport.bySplit.heldout),
    bySource: Object.fromEntries(Object.entries(devReport.bySource).map(([k, m]) => [k, slim(m)])),
  },
  benignExtra: slim(extraReport.overall),
};
writeFileSync(join(pkg, 'model', 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
console.log('wrote model/metrics.json');
