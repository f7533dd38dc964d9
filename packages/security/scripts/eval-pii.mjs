#!/usr/bin/env node
// PII and secret detection scored on a generated, seeded evaluation set (issue 20, item 5):
// hand-written carrier sentences in en/de/fr/es filled with real-shaped personal data and with
// look-alikes (timestamps, order/tracking numbers, UUIDs, hashes, invalid cards and IBANs ...).
//
//   npx tsc -b packages/security && node packages/security/scripts/eval-pii.mjs \
//     [--seed 20] [--records 2000] [--carriers dev|held-out|blind] [--errors 20] [--jsonl out.jsonl] [--bench]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  formatPiiEvalReport,
  generatePiiEvalSet,
  scorePiiEval,
  shippedDetector,
} from '../dist/pii/eval/index.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20' },
    records: { type: 'string', default: '2000' },
    'look-alike-share': { type: 'string', default: '0.26' },
    carriers: { type: 'string', default: 'dev' },
    errors: { type: 'string', default: '0' },
    jsonl: { type: 'string' },
    bench: { type: 'boolean', default: false },
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

if (values.bench) {
  // CPU time of detectPii + detectSecrets on 1 KB texts made of consecutive records (so each text
  // is dense with PII and look-alikes), after a warm-up.
  const texts = [];
  let text = '';
  for (const r of records) {
    text += `${r.text}\n`;
    if (text.length >= 1024) {
      texts.push(text.slice(0, 1024));
      text = '';
    }
  }
  for (const t of texts) shippedDetector(t);
  const times = [];
  for (let round = 0; round < 10; round++) {
    for (const t of texts) {
      const before = process.cpuUsage();
      shippedDetector(t);
      const used = process.cpuUsage(before);
      times.push((used.user + used.system) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
  console.log(
    `\nPII + secret detectors, 1 KB dense text: CPU p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (n=${times.length})`,
  );
}
