import { LLMTraceError } from '@llmtrace/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClickHouseClientExecutor,
  clickhouseMigrator,
  ClickHouseTraceRepository,
  clickhouseMigrations,
  translateClickHouseError,
  type ClickHouseExecutor,
} from '../src/clickhouse/index.js';
import { chdbExecutor } from './chdb-executor.js';
import { makeSpan } from './fixtures.js';
import { traceRepositoryContract } from './trace-repository.contract.js';
import { uniqueName } from './services.js';

/**
 * No ClickHouse server can be installed on this machine, so the tests run the production code
 * path — `@clickhouse/client` and the same SQL — on chdb, an in-process ClickHouse engine, through
 * chdb's connection adapter for `@clickhouse/client` (`createClient({ connection })`). Only the
 * transport differs from production (HTTP); see the HTTP-failure test below for that side.
 */
const database = uniqueName('llmtrace_test');
let executor: ClickHouseClientExecutor;

beforeAll(async () => {
  executor = chdbExecutor();
  const results = await clickhouseMigrator(
    executor,
    database,
    clickhouseMigrations({ database, retentionDays: 3650 }),
  ).migrate();
  expect(results).toEqual([
    { name: '0001_spans', status: 'applied' },
    { name: '0002_traces', status: 'applied' },
    { name: '0003_span_sessions', status: 'applied' },
    { name: '0004_span_actions', status: 'applied' },
  ]);
});

afterAll(async () => {
  await executor?.command(`DROP DATABASE IF EXISTS ${database}`);
  await executor?.close();
});

traceRepositoryContract('clickhouse (chdb)', async () => {
  await executor.command(`TRUNCATE TABLE ${database}.spans`);
  await executor.command(`TRUNCATE TABLE ${database}.traces`);
  const repo = new ClickHouseTraceRepository(executor, { database, ownsExecutor: false });
  return { repo, cleanup: () => repo.close() };
});

/** Wraps an executor to count INSERT requests per table. */
function countingInserts(inner: ClickHouseExecutor): {
  executor: ClickHouseExecutor;
  inserts: Map<string, number>;
} {
  const inserts = new Map<string, number>();
  return {
    inserts,
    executor: {
      query: (sql, params) => inner.query(sql, params),
      command: (sql, params) => inner.command(sql, params),
      insert: (table, columns, rows) => {
        inserts.set(table, (inserts.get(table) ?? 0) + 1);
        return inner.insert(table, columns, rows);
      },
      ping: () => inner.ping(),
      close: () => Promise.resolve(),
    },
  };
}

async function freshRepo(): Promise<ClickHouseTraceRepository> {
  await executor.command(`TRUNCATE TABLE ${database}.spans`);
  await executor.command(`TRUNCATE TABLE ${database}.traces`);
  return new ClickHouseTraceRepository(executor, { database, ownsExecutor: false });
}

describe('ClickHouse traces', () => {
  it('creates MergeTree tables ordered for tenant + time, monthly partitions, ZSTD and a TTL', async () => {
    const [spans] = await executor.query<{ create_table_query: string; engine: string }>(
      `SELECT create_table_query, engine FROM system.tables
       WHERE database = {db:String} AND name = 'spans'`,
      { db: database },
    );
    expect(spans?.engine).toBe('ReplacingMergeTree');
    const ddl = spans?.create_table_query ?? '';
    expect(ddl).toContain('ReplacingMergeTree(version)');
    expect(ddl).toContain('PARTITION BY toYYYYMM(start_time)');
    expect(ddl).toContain('ORDER BY (tenant_id, start_time, span_id)');
    expect(ddl).toMatch(/TTL toDateTime\(start_time\) \+ toIntervalDay\(3650\)/);
    expect(ddl).toMatch(/`prompt` String CODEC\(ZSTD\(3\)\)/);
    expect(ddl).toMatch(/`response` Nullable\(String\) CODEC\(ZSTD\(3\)\)/);
    const [traces] = await executor.query<{ engine: string; sorting_key: string }>(
      `SELECT engine, sorting_key FROM system.tables WHERE database = {db:String} AND name = 'traces'`,
      { db: database },
    );
    expect(traces).toEqual({
      engine: 'ReplacingMergeTree',
      sorting_key: 'tenant_id, trace_id, explicit',
    });
  });

  it('omits the TTL when retention is null, and rejects a retention that would overflow', () => {
    const [spans] = clickhouseMigrations({ database: 'x', retentionDays: null });
    expect(spans?.statements.join('\n')).not.toContain('TTL');
    expect(() => clickhouseMigrations({ database: 'x', retentionDays: 40_000 })).toThrow(
      /1 to 7300/,
    );
    expect(() => clickhouseMigrations({ database: 'x; DROP TABLE y' })).toThrow(LLMTraceError);
  });

  it('writes a whole batch in one INSERT (the traces follow through the materialized view)', async () => {
    await freshRepo();
    const { executor: counted, inserts } = countingInserts(executor);
    const repo = new ClickHouseTraceRepository(counted, { database });
    const spans = Array.from({ length: 2_000 }, (_, i) =>
      makeSpan({ spanId: `b${i}`, traceId: `bt${i % 500}` }),
    );
    expect(await repo.storeBatch(spans)).toEqual({ written: 2_000, failed: [] });
    expect([...inserts]).toEqual([[`${database}.spans`, 1]]);
    expect((await repo.queryTraces({ tenantId: 'acme', limit: 1, offset: 0 })).total).toBe(500);
    await repo.close();
  });

  it('never returns a re-stored span twice, before or after merges', async () => {
    const repo = await freshRepo();
    for (const response of ['v1', 'v2', 'v3']) {
      await repo.storeSpan(makeSpan({ spanId: 'dup', response }));
    }
    // The same span twice in one batch: the later one wins.
    await repo.storeBatch([
      makeSpan({ spanId: 'dup2', response: 'first' }),
      makeSpan({ spanId: 'dup2', response: 'second' }),
    ]);
    const physical = async () =>
      (await executor.query<{ n: number }>(`SELECT count() AS n FROM ${database}.spans`))[0]?.n;
    expect(await physical()).toBeGreaterThanOrEqual(2);
    const read = async () => {
      const page = await repo.querySpans({ tenantId: 'acme', limit: 10, offset: 0 });
      expect(page.total).toBe(2);
      expect((await repo.getSpan('acme', 'dup'))?.response).toBe('v3');
      expect((await repo.getSpan('acme', 'dup2'))?.response).toBe('second');
      expect((await repo.getTrace('acme', 'trace-1'))?.spans.map((s) => s.response)).toEqual([
        'v3',
        'second',
      ]);
      expect((await repo.getStats('acme', {})).spanCount).toBe(2);
    };
    await read();
    await executor.command(`OPTIMIZE TABLE ${database}.spans FINAL`);
    expect(await physical()).toBe(2);
    await read();
  });

  it('keeps an explicit trace time over the span starts, whatever the order of writes', async () => {
    const repo = await freshRepo();
    await repo.storeSpan(
      makeSpan({ spanId: 'late', traceId: 'tx', startTime: '2026-01-01T10:00:05.000Z' }),
    );
    await repo.storeSpan(
      makeSpan({ spanId: 'early', traceId: 'tx', startTime: '2026-01-01T10:00:01.000Z' }),
    );
    expect((await repo.getTrace('acme', 'tx'))?.createdAt).toBe('2026-01-01T10:00:01.000Z');
    await repo.storeTrace({
      traceId: 'tx',
      tenantId: 'acme',
      createdAt: '2026-01-01T09:00:00.000+00:00',
      spans: [],
    });
    await repo.storeSpan(
      makeSpan({ spanId: 'earlier', traceId: 'tx', startTime: '2026-01-01T08:00:00.000Z' }),
    );
    await executor.command(`OPTIMIZE TABLE ${database}.traces FINAL`);
    const trace = await repo.getTrace('acme', 'tx');
    expect(trace?.createdAt).toBe('2026-01-01T09:00:00.000+00:00');
    expect(trace?.spans.map((s) => s.spanId)).toEqual(['earlier', 'early', 'late']);
  });

  it('migrations are recorded and skipped on the next run', async () => {
    const results = await clickhouseMigrator(
      executor,
      database,
      clickhouseMigrations({ database, retentionDays: 3650 }),
    ).migrate();
    expect(results.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('reports a failed migration as a result and stops there', async () => {
    const db = uniqueName('llmtrace_broken');
    try {
      const results = await clickhouseMigrator(executor, db, [
        {
          name: '0001_ok',
          statements: [`CREATE TABLE IF NOT EXISTS ${db}.ok (a UInt8) ENGINE = Memory`],
        },
        { name: '0002_broken', statements: [`SELECT * FROM ${db}.missing_table`] },
        { name: '0003_never', statements: [`CREATE TABLE ${db}.never (a UInt8) ENGINE = Memory`] },
      ]).migrate();
      expect(results).toEqual([
        { name: '0001_ok', status: 'applied' },
        {
          name: '0002_broken',
          status: 'failed',
          error: expect.stringMatching(/missing_table/) as unknown,
        },
      ]);
      const pending = await clickhouseMigrator(executor, db, [
        { name: '0001_ok', statements: [] },
        { name: '0002_broken', statements: [] },
      ]).pending();
      expect(pending).toEqual(['0002_broken']);
    } finally {
      await executor.command(`DROP DATABASE IF EXISTS ${db}`);
    }
  });

  it('translates driver errors at the boundary, keeping the original as cause', async () => {
    const error: unknown = await executor
      .query('SELECT * FROM no_such_database.spans')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LLMTraceError);
    expect(error).toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      details: { driverType: 'UNKNOWN_DATABASE' },
    });
    expect((error as LLMTraceError).cause).toBeInstanceOf(Error);
    expect(translateClickHouseError({ type: 'TIMEOUT_EXCEEDED' }, 'x').code).toBe(
      'STORAGE_TIMEOUT',
    );
    expect(translateClickHouseError({ type: 'TABLE_ALREADY_EXISTS' }, 'x').code).toBe(
      'STORAGE_CONFLICT',
    );
    expect(translateClickHouseError(new Error('Timeout error.'), 'x').code).toBe('STORAGE_TIMEOUT');
    expect(translateClickHouseError({ code: 'ECONNREFUSED' }, 'x').code).toBe(
      'STORAGE_UNAVAILABLE',
    );
  });

  it('fails to connect over HTTP with STORAGE_UNAVAILABLE naming the server, password redacted', async () => {
    const error: unknown = await ClickHouseClientExecutor.connect(
      'http://llmtrace:hunter2@127.0.0.1:1',
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /cannot reach ClickHouse at http:\/\/llmtrace:\*\*\*@127\.0\.0\.1:1/,
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('refuses to work after close', async () => {
    const repo = await freshRepo();
    await repo.close();
    await repo.close();
    await expect(repo.getSpan('acme', 'x')).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((await repo.health()).ok).toBe(false);
  });
});
