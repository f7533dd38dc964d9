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
// as the capture pipeline's writer does with a large capture.batch_size.
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
  clickhouseMigrator,
  ClickHouseTraceRepository,
  clickhouseMigrations,
} from '@llmtrace/storage/clickhouse';
import { loadCreateChdbConnection } from '../tools/chdb/load-chdb.mjs';

const createChdbConnection = loadCreateChdbConnection();
import { DAY_MS, END_MS, spanFactory, time } from './bench-spans.mjs';

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

const PROMPT_BYTES = Number(values['prompt-bytes']);
const makeSpan = spanFactory(PROMPT_BYTES);

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
    await clickhouseMigrator(executor, database, migrations).migrate();
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
  await clickhouseMigrator(executor, database, migrations).migrate();
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
