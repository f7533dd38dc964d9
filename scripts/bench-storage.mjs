// Storage benchmark: SQLite ingest rate and hot-query latency on a large file.
// Prints numbers only; asserts nothing (DESIGN.md "Testing").
//
//   npx tsc -b packages/storage && node scripts/bench-storage.mjs [--spans 1000000] [--ingest 100000] [--only-queries]
//
// Phase 1 ingests `--ingest` spans with 1 KB prompts into a fresh file through storeBatch (500 per
// batch, one transaction each), as the capture pipeline's writer does.
// Phase 2 loads `--spans` spans (1 KB prompts; 10 tenants, 8 models, 30 days, 2 spans per trace)
// into another file, reopens it (as a restarted process would, so planner statistics are fresh)
// and times the queries the dashboard issues most, 50 runs each after 5 warm-up runs.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SqliteConnection, SqliteTraceRepository } from '@llmtrace/storage/sqlite';
import { DAY_MS, END_MS, spanFactory, time as timeRuns } from './bench-spans.mjs';

const time = (label, runs, fn) => timeRuns(label, runs, fn, { warmup: 5, digits: 2 });

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

const makeSpan = spanFactory(1024);

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
    // Agent action filters (issue 15): 25 % of spans have actions (bench-spans.mjs actionsOf).
    await time('querySpans hasCommands, latest 50 + total', RUNS, async () => {
      const page = await repo.querySpans({ tenantId, hasCommands: true, limit: 50, offset: 0 });
      return `${page.items.length} spans, total ${page.total}`;
    });
    await time('querySpans actionName=fetch_url, latest 50 + total', RUNS, async () => {
      const page = await repo.querySpans({
        tenantId,
        actionName: 'fetch_url',
        limit: 50,
        offset: 0,
      });
      return `${page.items.length} spans, total ${page.total}`;
    });
    await time('queryTraces hasFileAccess, latest 50 + total', RUNS, async () => {
      const page = await repo.queryTraces({ tenantId, hasFileAccess: true, limit: 50, offset: 0 });
      return `${page.items.length} traces, total ${page.total}`;
    });
    await time('getStats, last 24 h (informational)', Math.min(RUNS, 10), async () => {
      const stats = await repo.getStats(tenantId, {
        from: new Date(END_MS - DAY_MS).toISOString(),
      });
      return `${stats.spanCount} spans`;
    });
    // Every tenant at once: the API with authentication off, or the admin key without tenant_id.
    await time('queryTraces latest 50, every tenant', RUNS, async () => {
      const page = await repo.queryTraces({ limit: 50, offset: 0 });
      return `${page.items.length} traces, total ${page.total}`;
    });
    await time('querySpans latest 50, every tenant', RUNS, async () => {
      const page = await repo.querySpans({ limit: 50, offset: 0 });
      return `${page.items.length} spans, total ${page.total}`;
    });
    await time(
      'getStats, last 24 h, every tenant (informational)',
      Math.min(RUNS, 10),
      async () => {
        const stats = await repo.getStats(undefined, {
          from: new Date(END_MS - DAY_MS).toISOString(),
        });
        return `${stats.spanCount} spans`;
      },
    );
    await repo.close();
  }
} finally {
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
