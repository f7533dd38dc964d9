#!/usr/bin/env node
// Leave-one-source-out evaluation of rules + classifier on the bundled data (issue 20).
//
//   npx tsc -b packages/security && node packages/security/scripts/loso.mjs [--md] [--only a,b]
//
// Prints one row per left-out source and the pooled row. Same code as `llmtrace eval --loso`.
import {
  BUNDLED_DATA_DIRS,
  formatLosoReport,
  leaveOneSourceOut,
  prepareTrainingSet,
  readLabelledDirs,
} from '../dist/eval/index.js';

const args = process.argv.slice(2);
const md = args.includes('--md');
const t0 = performance.now();
const records = readLabelledDirs(BUNDLED_DATA_DIRS);
const set = prepareTrainingSet(records);
console.error(`${records.length} rows featurised in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const report = leaveOneSourceOut(set, {
  onProgress: (done, total) => console.error(`fold ${done}/${total}`),
});
console.log(formatLosoReport(report, md));
