#!/usr/bin/env node
// Cost of the optional transformer tier (security.ml) per prompt. Prints numbers, asserts nothing.
//
//   npx tsc -b packages/security && node scripts/bench-ml.mjs [--model-dir DIR] [--runtime-dir DIR]
//
// Without --model-dir it writes the tests' tiny bag-of-words ONNX model (a few parameters): that
// measures the tier's own overhead (worker messaging, tokenising, batching, ONNX Runtime's fixed
// cost), not a transformer. --dense-stand-in uses a zero-weight graph with the dense products of a
// base-size encoder (12 layers, 768/3072) instead: the compute of a DeBERTa-base-like model without
// its weights. Point --model-dir at a real export (docs/security-ml.md) for its own numbers.
// --runtime-dir defaults to tools/ml (installed on first use). --prompts N (default 200).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MlScorerPool } from '@llmtrace/security/ml';
import { ML_RUNTIME_DIR, ensureMlRuntime } from '../tools/ml/ml-runtime.mjs';
import { writeDenseStandIn, writeTinyModel } from '../packages/security/test/ml/tiny-model.mjs';

const { values } = parseArgs({
  options: {
    'model-dir': { type: 'string' },
    'runtime-dir': { type: 'string' },
    prompts: { type: 'string', default: '200' },
    threads: { type: 'string', default: '1' },
    // Instead of the tiny model: zero-weight stand-in with the dense products of a base encoder.
    'dense-stand-in': { type: 'boolean', default: false },
    // Its shape: 12/768/3072 is DeBERTa-v3-base (and mDeBERTa, Prompt Guard 2 86M); 6/384/1536
    // is DeBERTa-v3-xsmall (Prompt Guard 2 22M).
    layers: { type: 'string', default: '12' },
    hidden: { type: 'string', default: '768' },
    ffn: { type: 'string', default: '3072' },
  },
});

const PARAGRAPH =
  'I am preparing a quarterly report for our small bakery and need help with the structure. ' +
  'We sold more sourdough this quarter than last year, but croissant sales dropped after we raised prices. ' +
  'Could you suggest sections for the report, a short executive summary, and two charts that would make ' +
  'the trends clear to the owners? Also, how should I present the cost of the new oven, which we bought ' +
  'in March, so that it does not look like a loss? Please keep the tone friendly and avoid jargon. ' +
  'For context, we have four employees, open six days a week, and most customers come in the morning. ' +
  'Our supplier raised flour prices twice this year, and we are thinking about a loyalty card. ' +
  'Any advice on what numbers to track next quarter would be welcome as well. Thank you!';
// 1,024 characters (the paragraph is 767): ≈ 215 tokens of the tiny tokenizer, ≈ 250 of DeBERTa-v3's.
const PROMPT_1K = `${PARAGRAPH} ${PARAGRAPH}`.slice(0, 1024);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

let tmp;
let modelDir = values['model-dir'];
if (modelDir === undefined) {
  tmp = await mkdtemp(join(tmpdir(), 'llmtrace-bench-ml-'));
  modelDir = join(tmp, values['dense-stand-in'] ? 'dense-stand-in' : 'tiny');
  if (values['dense-stand-in']) {
    await writeDenseStandIn(modelDir, {
      layers: Number(values.layers),
      hidden: Number(values.hidden),
      ffn: Number(values.ffn),
    });
  } else await writeTinyModel(modelDir);
}
let runtimeDir = values['runtime-dir'];
if (runtimeDir === undefined) {
  ensureMlRuntime();
  runtimeDir = ML_RUNTIME_DIR;
}
const prompts = Number(values.prompts);
const threads = Number(values.threads);

async function run(batchSize) {
  const pool = await MlScorerPool.start({
    modelDir,
    runtimeDir,
    workers: 1,
    threads,
    batchSize,
    maxQueue: prompts + 1,
    timeoutMs: 60_000,
    maxTokens: 512,
  });
  try {
    for (let i = 0; i < Math.min(20, prompts); i++) await pool.score([PROMPT_1K]);
    // One prompt at a time: the latency a span waits for its score.
    const latency = [];
    // Process-wide CPU time (every thread): on a loaded machine wall time includes waiting for a core.
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < prompts; i++) {
      const t0 = performance.now();
      await pool.score([PROMPT_1K]);
      latency.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / prompts;
    latency.sort((a, b) => a - b);
    // Every prompt at once: what batching buys under load.
    const before = pool.stats();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: prompts }, () => pool.score([PROMPT_1K])));
    const wall = performance.now() - t0;
    const after = pool.stats();
    const batches = after.batches - before.batches;
    const modelMs = after.modelMs - before.modelMs;
    console.log(
      `batch_size ${String(batchSize).padStart(2)}: one at a time p50 ${quantile(latency, 0.5).toFixed(2)} ms, ` +
        `p99 ${quantile(latency, 0.99).toFixed(2)} ms, CPU ${cpuMs.toFixed(2)} ms | ${prompts} at once: ${((prompts / wall) * 1000).toFixed(0)} prompts/s, ` +
        `${batches} model runs, ${(modelMs / prompts).toFixed(3)} ms model time per prompt`,
    );
  } finally {
    await pool.close();
  }
}

const shape = values['dense-stand-in']
  ? ` (${values.layers} layers, ${values.hidden}/${values.ffn})`
  : '';
console.log(
  `model ${modelDir}${shape}, 1 KB prompt, 1 worker, ${threads} ONNX thread(s), ${prompts} prompts`,
);
await run(1);
await run(8);
if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
