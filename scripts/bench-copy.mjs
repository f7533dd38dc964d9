// `llmtrace copy` benchmark: how fast copyStorage moves a lite file's traces into another lite
// file, into production (PostgreSQL + Redis on this machine, ClickHouse on chdb in process), and
// from production back into a lite file.
// Prints numbers only; asserts nothing (DESIGN.md "Testing").
//
//   npx tsc -b packages/storage && node scripts/bench-copy.mjs [--spans 100000] [--batch 500]
//     [--postgres-url postgres://postgres@127.0.0.1:5432/test] [--redis-url redis://127.0.0.1:6379]
//
// The source holds `--spans` spans (1 KB prompts, 2 spans per trace, 10 tenants) from the shared
// generator. ClickHouse is chdb, the engine embedded in this process, so it shares the 2 CPUs with
// the copy; a ClickHouse server would take that work off the copying process.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createClient } from '@clickhouse/client';
import { copyStorage, createStorage } from '@llmtrace/storage';
import { ClickHouseClientExecutor } from '@llmtrace/storage/clickhouse';
import { createProductionStorage } from '@llmtrace/storage/production';
import { loadCreateChdbConnection } from '../tools/chdb/load-chdb.mjs';

const createChdbConnection = loadCreateChdbConnection();
import pg from 'pg';
import { spanFactory } from './bench-spans.mjs';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '500' },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const TOTAL = Number(values.spans);
const BATCH = Number(values.batch);
const makeSpan = spanFactory(1024);
const dir = mkdtempSync(join(tmpdir(), 'llmtrace-bench-copy-'));
const suffix = `${process.pid}_${Date.now()}`;
const schema = `llmtrace_bench_copy_${suffix}`;
const database = `llmtrace_bench_copy_${suffix}`;
const admin = new pg.Pool({ connectionString: values['postgres-url'], max: 1 });

async function timed(label, from, to) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await copyStorage(from, to, { batchSize: BATCH });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const spans = report.counts.find((c) => c.what === 'spans');
  console.log(
    `${label}: ${spans.source} spans (${report.phases.traces.read} traces) in ${seconds.toFixed(2)} s = ` +
      `${Math.round(spans.source / seconds)} spans/s (CPU ${((used.user + used.system) / 1e6).toFixed(2)} s; ` +
      `verified ${report.ok}; load avg ${loadavg()[0].toFixed(2)})`,
  );
}

try {
  console.log(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), node ${process.version}`,
  );
  const source = await createStorage({ profile: 'lite', path: join(dir, 'source.db') });
  for (let i = 0; i < TOTAL; i += 5000) {
    const batch = [];
    for (let j = i; j < Math.min(TOTAL, i + 5000); j++) batch.push(makeSpan(j, TOTAL));
    await source.traces.storeBatch(batch);
  }

  const lite = await createStorage({ profile: 'lite', path: join(dir, 'copy.db') });
  await timed(`lite -> lite (batch ${BATCH})`, source, lite);
  await lite.close();

  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(values['postgres-url']);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const connection = createChdbConnection({ path: ':memory:' });
  const production = await createProductionStorage(
    {
      profile: 'production',
      clickhouse_url: 'http://127.0.0.1:8123',
      clickhouse_database: database,
      postgres_url: url.toString(),
      redis_url: values['redis-url'],
    },
    {
      redisKeyPrefix: `${schema}:`,
      clickhouseExecutor: new ClickHouseClientExecutor(createClient({ connection })),
    },
  );
  await timed(`lite -> production (ClickHouse on chdb, batch ${BATCH})`, source, production);
  // And back: production as the source (ClickHouse export pages, PostgreSQL records).
  const back = await createStorage({ profile: 'lite', path: join(dir, 'back.db') });
  await timed(`production (ClickHouse on chdb) -> lite (batch ${BATCH})`, production, back);
  await back.close();
  await production.close();
  await source.close();
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
