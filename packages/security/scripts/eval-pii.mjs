#!/usr/bin/env node
// PII and secret detection scored on a generated, seeded evaluation set (issue 20, item 5):
// hand-written carrier sentences in en/de/fr/es filled with real-shaped personal data and with
// look-alikes (timestamps, order/tracking numbers, UUIDs, hashes, invalid cards and IBANs ...).
//
//   npx tsc -b packages/security && node packages/security/scripts/eval-pii.mjs \
//     [--seed 20] [--records 2000] [--carriers dev|held-out|blind] [--errors 20] [--jsonl out.jsonl]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatPiiEvalReport, generatePiiEvalSet, scorePiiEval } from '../dist/pii/eval/index.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20' },
    records: { type: 'string', default: '2000' },
    'look-alike-share': { type: 'string', default: '0.26' },
    carriers: { type: 'string', default: 'dev' },
    errors: { type: 'string', default: '0' },
    jsonl: { type: 'string' },
  },
});

const started = performance.now();
const records = generatePiiEvalSet({
  seed: Number(values.seed),
  records: Number(values.records),
  lookAlikeShare: Number(values['look-alike-share']),
  carriers: values.carriers,
});
const report = scorePiiEval(records);
const ms = performance.now() - started;

console.log(`seed ${values.seed}, ${values.carriers} carriers, ${(ms / 1000).toFixed(2)} s`);
console.log(formatPiiEvalReport(report));
const shown = Number(values.errors);
if (shown > 0) {
  for (const [title, list] of [
    ['false positives', report.falsePositives],
    ['false negatives', report.falseNegatives],
  ]) {
    console.log(`\n${title} (${list.length}, first ${Math.min(shown, list.length)}):`);
    for (const e of list.slice(0, shown)) {
      console.log(`  [${e.kind}] ${JSON.stringify(e.value)}  <- ${JSON.stringify(e.text)}`);
    }
  }
}
if (values.jsonl !== undefined) {
  writeFileSync(values.jsonl, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`wrote ${records.length} records to ${values.jsonl}`);
}
