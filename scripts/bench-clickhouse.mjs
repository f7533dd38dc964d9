// ClickHouse benchmark: span ingest rate in batches and trace-query latency at 1 000 000 spans.
// Prints numbers only; asserts nothing (DESIGN.md "Testing").
//
//   npx tsc -b packages/storage && node scripts/bench-clickhouse.mjs [--spans 1000000] [--ingest 200000]
//     [--batch 10000] [--prompt-bytes 1024] [--runs 20] [--keep]
//
// No ClickHouse server can be installed on this machine, so this runs the production code — the
// official @clickhouse/client, ClickHouseTraceRepository and its SQL — on chdb, the ClickHouse
// engine embedded in this process, through chdb's connection adapter for @clickhouse/client. The
// engine therefore shares the process (and its 2 CPUs) with the client; over HTTP to a server,
// the client side would only build the JSON rows.
//
// Phase 1 ingests `--ingest` spans (`--prompt-bytes` prompts, default 1 KB) through storeBatch, `--batch` spans per INSERT,
// as BatchedSpanWriter would with a large capture.batch_size.
// Phase 2 loads `--spans` spans (same data shape as scripts/bench-storage.mjs: 10 tenants, 8
// models, 30 days, 2 spans per trace, ~20 % with a finding) and times the queries the dashboard
// issues most, `--runs` runs each after 3 warm-up runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createClient } from '@clickhouse/client';
import {
  ClickHouseClientExecutor,
  ClickHouseMigrator,
  ClickHouseTraceRepository,
  clickhouseMigrations,
} from '@llmtrace/storage/clickhouse';
import { createChdbConnection } from 'chdb/connection';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    ingest: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '20' },
    'prompt-bytes': { type: 'string', default: '1024' },
    concurrency: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.spans);
const INGEST = Number(values.ingest);
const BATCH = Number(values.batch);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);

const TENANTS = Array.from({ length: 10 }, (_, i) => `tenant-${i}`);
const MODELS = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['openai', 'o3'],
  ['anthropic', 'claude-sonnet-4'],
  ['anthropic', 'claude-haiku-4'],
  ['ollama', 'llama3.1:8b'],
  ['vllm', 'qwen2.5-72b'],
  ['azure_openai', 'gpt-4.1'],
];
const PROMPT_BYTES = Number(values['prompt-bytes']);
const PROMPT = 'You are a helpful assistant. '
  .repeat(Math.ceil(PROMPT_BYTES / 29) + 1)
  .slice(0, PROMPT_BYTES);
const DAY_MS = 86_400_000;
const END_MS = Date.parse('2026-03-01T00:00:00.000Z');
const START_MS = END_MS - 30 * DAY_MS;

// Deterministic pseudo-random numbers (mulberry32), so every run stores the same data.
let seed = 42;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const FINDING = {
  id: 'f',
  type: 'prompt_injection',
  severity: 'high',
  confidence: 0.9,
  description: 'Asks the model to ignore its instructions',
  detectedAt: '2026-02-01T00:00:00.000Z',
  metadata: {},
};

/** Span `i` of `total`: spans 2k and 2k+1 form one trace; time grows with i. */
function makeSpan(i, total, prefix = '') {
  const traceIndex = i >> 1;
  const tenant = TENANTS[traceIndex % TENANTS.length];
  const [provider, model] = MODELS[Math.floor(random() * MODELS.length)];
  const startMs = START_MS + Math.floor((i / total) * 30 * DAY_MS) + (i & 1);
  const score = Math.floor(random() * 101);
  const promptTokens = 200 + Math.floor(random() * 800);
  const completionTokens = Math.floor(random() * 400);
  const durationMs = 50 + random() * 2000;
  return {
    spanId: `${prefix}span-${i}`,
    traceId: `${prefix}trace-${traceIndex}`,
    parentSpanId: i & 1 ? `${prefix}span-${i - 1}` : null,
    tenantId: tenant,
    agentId: `agent-${traceIndex % 7}`,
    operationName: 'chat_completion',
    startTime: new Date(startMs).toISOString(),
    endTime: new Date(startMs + durationMs).toISOString(),
    durationMs,
    provider,
    model,
    prompt: PROMPT,
    response: 'Sure, here is the answer you asked for.',
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    tokensEstimated: false,
    timeToFirstTokenMs: durationMs / 4,
    statusCode: random() < 0.02 ? 500 : 200,
    errorMessage: null,
    securityScore: score,
    securityFindings: score >= 80 ? [FINDING] : [],
    estimatedCostUsd: provider === 'ollama' ? null : promptTokens * 2.5e-6,
    tags: { env: 'prod' },
    agentActions: [],
    events: [],
  };
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function time(label, runs, fn) {
  for (let i = 0; i < 3; i++) await fn(i);
  const samples = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await fn(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(58)} median ${quantile(samples, 0.5).toFixed(1).padStart(7)} ms   p99 ${quantile(samples, 0.99).toFixed(1).padStart(7)} ms   (${last})`,
  );
}

/**
 * Stores `count` spans in batches of BATCH, with up to CONCURRENCY batches in flight (as several
 * capture workers or replicas would); returns wall seconds, process CPU seconds and the seconds
 * spent generating spans.
 */
async function load(repo, count, prefix) {
  let build = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  async function worker() {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + BATCH);
      const b0 = performance.now();
      const batch = [];
      for (let j = from; j < next; j++) batch.push(makeSpan(j, count, prefix));
      build += performance.now() - b0;
      const result = await repo.storeBatch(batch);
      if (result.failed.length > 0) throw new Error(`failed spans: ${result.failed.length}`);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, build: build / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'llmtrace-bench-clickhouse-'));
const executor = new ClickHouseClientExecutor(
  createClient({ connection: createChdbConnection({ path: join(dir, 'chdb') }) }),
);
try {
  const [{ version }] = await executor.query('SELECT version() AS version');
  console.log(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), node ${process.version}, ` +
      `ClickHouse ${version} in process (chdb), load avg ${loadavg()[0].toFixed(2)}`,
  );

  // Phase 1: ingest rate into an empty database.
  {
    const database = 'bench_ingest';
    const migrations = clickhouseMigrations({ database, retentionDays: null });
    await new ClickHouseMigrator(executor, database, migrations).migrate();
    const repo = new ClickHouseTraceRepository(executor, { database, ownsExecutor: false });
    const r = await load(repo, INGEST, 'i-');
    console.log(
      `ingest: ${INGEST} spans (${PROMPT_BYTES} B prompts, storeBatch x${BATCH}, ${CONCURRENCY} in flight) in ${r.wall.toFixed(2)} s = ` +
        `${Math.round(INGEST / r.wall)} spans/s wall; span generation ${r.build.toFixed(2)} s; ` +
        `process CPU ${r.cpu.toFixed(2)} s (client + engine); load avg ${loadavg()[0].toFixed(2)}`,
    );
    await executor.command(`DROP DATABASE ${database}`);
  }

  // Phase 2: a large database, then the hot queries.
  const database = 'bench_large';
  const migrations = clickhouseMigrations({ database, retentionDays: null });
  await new ClickHouseMigrator(executor, database, migrations).migrate();
  const repo = new ClickHouseTraceRepository(executor, { database, ownsExecutor: false });
  {
    const r = await load(repo, TOTAL, '');
    console.log(
      `load: ${TOTAL} spans in ${r.wall.toFixed(1)} s = ${Math.round(TOTAL / r.wall)} spans/s ` +
        `(incl. ${r.build.toFixed(1)} s generating them)`,
    );
    const parts = await executor.query(
      `SELECT table, count() AS parts, sum(rows) AS rows,
         sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed
       FROM system.parts WHERE database = {db:String} AND active GROUP BY table ORDER BY table`,
      { db: database },
    );
    for (const p of parts) {
      console.log(
        `  ${p.table}: ${p.rows} rows in ${p.parts} parts, ${(p.compressed / 1e6).toFixed(1)} MB on disk ` +
          `(${(p.uncompressed / 1e6).toFixed(1)} MB uncompressed)`,
      );
    }
  }
  const tenantId = 'tenant-3';
  await time(`queryTraces latest 50 (${tenantId})`, RUNS, async () => {
    const page = await repo.queryTraces({ tenantId, limit: 50, offset: 0 });
    return `${page.items.length} traces, total ${page.total}`;
  });
  await time('queryTraces latest 50, last 24 h', RUNS, async () => {
    const page = await repo.queryTraces({
      tenantId,
      from: new Date(END_MS - DAY_MS).toISOString(),
      limit: 50,
      offset: 0,
    });
    return `${page.items.length} traces, total ${page.total}`;
  });
  await time('querySpans model=gpt-4o & minSecurityScore=80, limit 1 → total', RUNS, async () => {
    const page = await repo.querySpans({
      tenantId,
      model: 'gpt-4o',
      minSecurityScore: 80,
      limit: 1,
      offset: 0,
    });
    return `total ${page.total}`;
  });
  await time(`querySpans latest 50 (${tenantId})`, RUNS, async () => {
    const page = await repo.querySpans({ tenantId, limit: 50, offset: 0 });
    return `${page.items.length} spans, total ${page.total}`;
  });
  await time('queryTraces hasFindings, latest 50', RUNS, async () => {
    const page = await repo.queryTraces({ tenantId, hasFindings: true, limit: 50, offset: 0 });
    return `${page.items.length} traces, total ${page.total}`;
  });
  await time('getTrace (one trace, 2 spans)', RUNS, async (i) => {
    const trace = await repo.getTrace(tenantId, `trace-${3 + 10 * (1000 + i * 977)}`);
    return `${trace?.spans.length ?? 'no'} spans`;
  });
  await time('getSpan', RUNS, async (i) => {
    const span = await repo.getSpan(tenantId, `span-${2 * (3 + 10 * (1000 + i * 977))}`);
    return span === null ? 'missing' : 'found';
  });
  await time('getStats, last 24 h', RUNS, async () => {
    const stats = await repo.getStats(tenantId, { from: new Date(END_MS - DAY_MS).toISOString() });
    return `${stats.spanCount} spans`;
  });
  await time('getStats, all 30 days', Math.min(RUNS, 10), async () => {
    const stats = await repo.getStats(tenantId, {});
    return `${stats.spanCount} spans, p95 ${stats.latencyMs.p95?.toFixed(0)} ms`;
  });
} finally {
  await executor.close();
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
