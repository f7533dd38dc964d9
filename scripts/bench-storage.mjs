// Storage benchmark: SQLite ingest rate and hot-query latency on a large file.
// Prints numbers only; asserts nothing (DESIGN.md "Testing").
//
//   npx tsc -b packages/storage && node scripts/bench-storage.mjs [--spans 1000000] [--ingest 100000]
//
// Phase 1 ingests `--ingest` spans with 1 KB prompts into a fresh file through storeBatch (500 per
// batch, one transaction each), as the capture pipeline's BatchedSpanWriter would.
// Phase 2 loads `--spans` spans (1 KB prompts; 10 tenants, 8 models, 30 days, 2 spans per trace)
// into another file, reopens it (as a restarted process would, so planner statistics are fresh)
// and times the queries the dashboard issues most, 50 runs each after 5 warm-up runs.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SqliteConnection, SqliteTraceRepository } from '@llmtrace/storage';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    ingest: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.spans);
const INGEST = Number(values.ingest);
const RUNS = Number(values.runs);

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
const PROMPT = 'You are a helpful assistant. '.repeat(36).slice(0, 1024); // 1 KB
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
function makeSpan(i, total) {
  const traceIndex = i >> 1;
  const tenant = TENANTS[traceIndex % TENANTS.length];
  const [provider, model] = MODELS[Math.floor(random() * MODELS.length)];
  const startMs = START_MS + Math.floor((i / total) * 30 * DAY_MS) + (i & 1);
  const score = Math.floor(random() * 101);
  const promptTokens = 200 + Math.floor(random() * 800);
  const completionTokens = Math.floor(random() * 400);
  const durationMs = 50 + random() * 2000;
  return {
    spanId: `span-${i}`,
    traceId: `trace-${traceIndex}`,
    parentSpanId: i & 1 ? `span-${i - 1}` : null,
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
  for (let i = 0; i < 5; i++) await fn(i);
  const samples = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await fn(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(58)} median ${quantile(samples, 0.5).toFixed(2).padStart(7)} ms   p99 ${quantile(samples, 0.99).toFixed(2).padStart(7)} ms   (${last})`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'llmtrace-bench-storage-'));
try {
  console.log(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), node ${process.version}`,
  );
  console.log(`dir: ${dir}`);

  // Phase 1: ingest rate.
  {
    const connection = await SqliteConnection.open(join(dir, 'ingest.db'));
    const repo = new SqliteTraceRepository(connection);
    const spans = Array.from({ length: INGEST }, (_, i) => makeSpan(i, INGEST));
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < spans.length; i += 500) await repo.storeBatch(spans.slice(i, i + 500));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // CPU time is reported too: on a shared machine the wall-clock rate moves with the load.
    console.log(
      `ingest: ${INGEST} spans (1 KB prompts, storeBatch x500) in ${seconds.toFixed(2)} s = ${Math.round(INGEST / seconds)} spans/s ` +
        `(CPU ${cpuSeconds.toFixed(2)} s: user ${(cpu.user / 1e6).toFixed(2)}, sys ${(cpu.system / 1e6).toFixed(2)}; load avg ${loadavg()[0].toFixed(2)})`,
    );
    await repo.close();
  }

  // Phase 2: load a large file, then time the hot queries.
  const path = join(dir, 'large.db');
  {
    const connection = await SqliteConnection.open(path);
    const repo = new SqliteTraceRepository(connection);
    const started = performance.now();
    const chunk = 5000;
    for (let i = 0; i < TOTAL; i += chunk) {
      const batch = [];
      for (let j = i; j < Math.min(TOTAL, i + chunk); j++) batch.push(makeSpan(j, TOTAL));
      await repo.storeBatch(batch);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `load: ${TOTAL} spans in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)} spans/s incl. generation); file ${(statSync(path).size / 1e9).toFixed(2)} GB`,
    );
    await repo.close();
  }
  {
    const connection = await SqliteConnection.open(path);
    const repo = new SqliteTraceRepository(connection);
    const tenantId = 'tenant-3';
    await time(`queryTraces latest 50 (${tenantId})`, RUNS, async () => {
      const page = await repo.queryTraces({ tenantId, limit: 50, offset: 0 });
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
    await time('getStats, last 24 h (informational)', Math.min(RUNS, 10), async () => {
      const stats = await repo.getStats(tenantId, {
        from: new Date(END_MS - DAY_MS).toISOString(),
      });
      return `${stats.spanCount} spans`;
    });
    await repo.close();
  }
} finally {
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
