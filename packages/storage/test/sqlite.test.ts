import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLMTraceError, buildConfig, type BatchWriteResult } from '@llmtrace/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorage, migrate } from '../src/index.js';
import type { StorageProfile } from '../src/storage-profile.js';
import type { Migration } from '../src/migrator.js';
import { BetterSqlite3Executor } from '../src/sqlite/better-sqlite3-executor.js';
import { SqliteCacheLayer } from '../src/sqlite/sqlite-cache-layer.js';
import { SqliteConnection } from '../src/sqlite/sqlite-connection.js';
import { SqliteMetadataRepository } from '../src/sqlite/sqlite-metadata-repository.js';
import { SQLITE_MIGRATIONS } from '../src/sqlite/sqlite-migrations.js';
import { SqliteTraceRepository } from '../src/sqlite/sqlite-trace-repository.js';
import {
  SqliteWriterTraceRepository,
  WRITER_MESSAGE_SPANS,
} from '../src/sqlite/sqlite-writer-trace-repository.js';
import { translateSqliteError } from '../src/sqlite/translate-sqlite-error.js';
import { spanFilterSql } from '../src/span-filter-sql.js';
import { cacheLayerContract } from './cache-layer.contract.js';
import { fullSpan, makeSpan } from './fixtures.js';
import { metadataRepositoryContract } from './metadata-repository.contract.js';
import { traceRepositoryContract } from './trace-repository.contract.js';

const root = mkdtempSync(join(tmpdir(), 'llmtrace-sqlite-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `db-${++counter}`, 'llmtrace.db');

async function open(): Promise<SqliteConnection> {
  return SqliteConnection.open(freshPath());
}

traceRepositoryContract('sqlite', async () => {
  const connection = await open();
  const repo = new SqliteTraceRepository(connection);
  return { repo, cleanup: () => repo.close() };
});
traceRepositoryContract('sqlite (writer thread)', async () => {
  const connection = await open();
  const repo = await SqliteWriterTraceRepository.start(
    connection.path,
    new SqliteTraceRepository(connection),
  );
  return { repo, cleanup: () => repo.close() };
});
metadataRepositoryContract('sqlite', async (now) => {
  const connection = await open();
  const repo = new SqliteMetadataRepository(connection, { now });
  return { repo, cleanup: () => repo.close() };
});
cacheLayerContract('sqlite', async (now) => {
  const connection = await open();
  const repo = new SqliteCacheLayer(connection, { now });
  return { repo, cleanup: () => repo.close() };
});

describe('SQLite writer thread', () => {
  it('commits a batch sent in parts whole, with each invalid span reported, while another batch interleaves', async () => {
    const connection = await open();
    const repo = await SqliteWriterTraceRepository.start(
      connection.path,
      new SqliteTraceRepository(connection),
    );
    try {
      const size = WRITER_MESSAGE_SPANS * 2 + 10; // three messages
      const batch = (prefix: string) =>
        Array.from({ length: size }, (_, i) =>
          makeSpan({
            spanId: `${prefix}-${i}`,
            traceId: `${prefix}-trace-${i % 7}`,
            // One invalid span in the middle part of batch a.
            ...(prefix === 'a' && i === WRITER_MESSAGE_SPANS + 3 ? { startTime: 'bad' } : {}),
          }),
        );
      const [a, b] = await Promise.all([repo.storeBatch(batch('a')), repo.storeBatch(batch('b'))]);
      expect(a.written).toBe(size - 1);
      expect(a.failed.map((f) => f.spanId)).toEqual([`a-${WRITER_MESSAGE_SPANS + 3}`]);
      expect(b).toEqual({ written: size, failed: [] });
      const counts = await repo.countAll();
      expect(counts.spans).toBe(2 * size - 1);
      expect(await repo.getSpan('acme', `a-${size - 1}`)).not.toBeNull();
      expect(await repo.getSpan('acme', 'b-0')).not.toBeNull();
    } finally {
      await repo.close();
    }
  });
  it('commits small batches together and answers each with its own result', async () => {
    const connection = await open();
    // A wait no test reaches: only the group's size, flush() or another operation commit.
    const repo = await SqliteWriterTraceRepository.start(
      connection.path,
      new SqliteTraceRepository(connection),
      { spans: 30, ms: 600_000 },
    );
    try {
      const batch = (prefix: string, bad?: number) =>
        Array.from({ length: 10 }, (_, i) =>
          makeSpan({ spanId: `${prefix}-${i}`, ...(i === bad ? { startTime: 'bad' } : {}) }),
        );
      const settled: string[] = [];
      const a = repo.storeBatch(batch('a', 4)).finally(() => settled.push('a'));
      const b = repo.storeBatch(batch('b')).finally(() => settled.push('b'));
      // Twenty spans wait for the group; the reader's connection sees none of them yet.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toEqual([]);
      expect((await repo.countAll()).spans).toBe(0);
      // The third batch fills the group (30 spans): all three commit, each gets its own share.
      const c = await repo.storeBatch(batch('c', 9));
      const failedIds = (result: BatchWriteResult) => result.failed.map((f) => f.spanId);
      expect((await a).written).toBe(9);
      expect(failedIds(await a)).toEqual(['a-4']);
      expect(await b).toEqual({ written: 10, failed: [] });
      expect(c.written).toBe(9);
      expect(failedIds(c)).toEqual(['c-9']);
      expect((await repo.countAll()).spans).toBe(28);
      // flush() commits a group that is not full, at once.
      const d = repo.storeBatch(batch('d'));
      await repo.flush();
      expect(await d).toEqual({ written: 10, failed: [] });
      // Another operation commits the group first, so writes keep their order.
      const e = repo.storeBatch([makeSpan({ spanId: 'same', model: 'first' })]);
      await repo.storeSpan(makeSpan({ spanId: 'same', model: 'second' }));
      expect(await e).toEqual({ written: 1, failed: [] });
      expect((await repo.getSpan('acme', 'same'))?.model).toBe('second');
    } finally {
      await repo.close();
    }
  });
  it('rejects every batch of a group whose commit fails, and stays usable', async () => {
    const connection = await open();
    const repo = await SqliteWriterTraceRepository.start(
      connection.path,
      new SqliteTraceRepository(connection),
      { spans: 100, ms: 600_000 },
    );
    try {
      const a = repo.storeBatch([makeSpan({ spanId: 'a' })]);
      const b = repo.storeBatch([makeSpan({ spanId: 'b' })]);
      // The file goes away while both wait for their group: the commit fails for the whole group.
      rmSync(connection.path);
      const refused = Promise.all([
        expect(a).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' }),
        expect(b).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' }),
      ]);
      await repo.flush();
      await refused;
      expect((await repo.health()).ok).toBe(false);
      // The thread keeps answering: a later write is refused the same way, not left hanging.
      const c = expect(repo.storeBatch([makeSpan({ spanId: 'c' })])).rejects.toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
      });
      await repo.flush();
      await c;
    } finally {
      await repo.close();
    }
  });
  it('refuses a batch still being sent in parts when close() begins, instead of losing its parts', async () => {
    const connection = await open();
    const repo = await SqliteWriterTraceRepository.start(
      connection.path,
      new SqliteTraceRepository(connection),
    );
    const many = Array.from({ length: WRITER_MESSAGE_SPANS * 2 + 1 }, (_, i) =>
      makeSpan({ spanId: `closing-${i}` }),
    );
    const sending = repo.storeBatch(many); // first part posted, the rest wait a turn each
    const closing = repo.close();
    await expect(sending).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await closing;
    await expect(repo.storeSpan(makeSpan({ spanId: 'after' }))).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
  });
  it('refuses writes after close instead of leaving them unsettled, whole or in parts', async () => {
    const connection = await open();
    const repo = await SqliteWriterTraceRepository.start(
      connection.path,
      new SqliteTraceRepository(connection),
    );
    await repo.close();
    const many = Array.from({ length: WRITER_MESSAGE_SPANS + 1 }, (_, i) =>
      makeSpan({ spanId: `late-${i}` }),
    );
    await expect(repo.storeBatch(many)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await expect(repo.storeBatch(many.slice(0, 1))).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    await expect(repo.storeSpan(makeSpan({ spanId: 'late' }))).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
  });
});

describe('SQLite storage', () => {
  it('applies every migration once and skips them on reopen', async () => {
    const path = freshPath();
    const first = await SqliteConnection.open(path);
    expect(first.migrations).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({ name: m.name, status: 'applied' })),
    );
    first.close();
    const second = await SqliteConnection.open(path);
    expect(second.migrations.map((r) => r.status)).toEqual(SQLITE_MIGRATIONS.map(() => 'skipped'));
    const rows = second.db.prepare('SELECT name FROM schema_migrations ORDER BY name').all();
    expect(rows).toEqual(SQLITE_MIGRATIONS.map((m) => ({ name: m.name })));
    second.close();
    expect(await migrate({ profile: 'lite', path })).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({ name: m.name, status: 'skipped' })),
    );
  });

  it('migrate() applies pending migrations for the CLI and is a no-op for memory', async () => {
    const path = freshPath();
    const results = await migrate({ profile: 'lite', path });
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    expect(await migrate({ profile: 'memory' })).toEqual([]);
  });

  it('sets WAL, synchronous=NORMAL, busy_timeout and foreign_keys', async () => {
    const connection = await open();
    const pragma = (name: string): unknown => connection.db.pragma(name, { simple: true });
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(1);
    expect(pragma('busy_timeout')).toBe(5000);
    expect(pragma('foreign_keys')).toBe(1);
    connection.close();
  });

  it('keeps data across close and reopen, and creates the parent folder', async () => {
    const path = join(root, 'nested', 'deeper', 'keep.db');
    expect(existsSync(join(root, 'nested'))).toBe(false);
    const profile: StorageProfile = { profile: 'lite', path };
    const storage = await createStorage(profile);
    const span = fullSpan('persisted');
    await storage.traces.storeSpan(span);
    const tenant = await storage.metadata.createTenant({ id: 'acme', name: 'Acme' });
    await storage.metadata.recordAudit({
      tenantId: 'acme',
      actor: 'admin',
      action: 'tenant.create',
      resourceType: 'tenant',
      resourceId: 'acme',
      details: {},
    });
    await storage.cache.increment('budget', 1.25);
    await storage.close();
    await storage.close();

    const reopened = await createStorage(profile);
    expect(await reopened.traces.getSpan('acme', 'persisted')).toEqual(span);
    expect(await reopened.metadata.getTenant('acme')).toEqual(tenant);
    expect(
      (await reopened.metadata.queryAudit({ tenantId: 'acme', limit: 5, offset: 0 })).total,
    ).toBe(1);
    expect(await reopened.cache.get('budget')).toBe('1.25');
    await reopened.close();
  });

  it('accepts the storage section of a parsed config as is', async () => {
    const config = buildConfig({
      upstream_url: 'http://127.0.0.1:9',
      storage: { profile: 'lite', path: freshPath() },
    });
    const storage = await createStorage(config.storage);
    expect((await storage.traces.health()).ok).toBe(true);
    await storage.close();
  });

  it('fails with CONFIG_INVALID naming the path for a file that is not a database', async () => {
    const path = join(root, 'corrupt.db');
    writeFileSync(path, 'this is not a sqlite database, just some text '.repeat(200));
    const error: unknown = await createStorage({ profile: 'lite', path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LLMTraceError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as LLMTraceError).message).toContain(path);
    expect((error as LLMTraceError).cause).toMatchObject({ code: 'SQLITE_NOTADB' });
  });

  it('fails with STORAGE_UNAVAILABLE for a path that cannot be created', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const path = join(file, 'sub', 'llmtrace.db');
    await expect(createStorage({ profile: 'lite', path })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringContaining(path) as unknown,
    });
  });

  it('reports a failed migration, rolls it back, stops there and fails the open', async () => {
    const path = freshPath();
    const migrations: Migration[] = [
      { name: '0001_ok', statements: ['CREATE TABLE ok_table (a INTEGER)'] },
      {
        name: '0002_broken',
        statements: ['CREATE TABLE half_done (a INTEGER)', 'INSERT INTO missing_table VALUES (1)'],
      },
      { name: '0003_never', statements: ['CREATE TABLE never_table (a INTEGER)'] },
    ];
    const error: unknown = await createStorage({ profile: 'lite', path }, { migrations }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: /0002_broken/ });
    const results = (error as LLMTraceError).details?.migrations;
    expect(results).toEqual([
      { name: '0001_ok', status: 'applied' },
      {
        name: '0002_broken',
        status: 'failed',
        error: expect.stringMatching(/missing_table/) as unknown,
      },
    ]);
    // Inspect the file without migrating: the broken migration left nothing behind.
    const connection = await SqliteConnection.open(path, { migrations: migrations.slice(0, 1) });
    const tables = connection.db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all();
    expect(tables).toEqual(['ok_table', 'schema_migrations']);
    connection.close();
  });

  it('migration 0008 upgrades spans written with the old `kind: tool_call` actions (issue 15)', async () => {
    const path = freshPath();
    {
      const connection = await SqliteConnection.open(path);
      const repo = new SqliteTraceRepository(connection);
      await repo.storeSpan(makeSpan({ spanId: 'old', traceId: 'old-trace' }));
      await repo.close();
    }
    {
      // Turn the file back into one written before 0008, holding the old action shape.
      const connection = await SqliteConnection.open(path);
      connection.db.exec(`
        DROP INDEX spans_tenant_actions;
        ALTER TABLE spans DROP COLUMN action_names;
        ALTER TABLE spans DROP COLUMN action_flags;
        DELETE FROM schema_migrations WHERE name = '0008_span_actions';
      `);
      connection.db.prepare("UPDATE spans SET agent_actions = ? WHERE span_id = 'old'").run(
        JSON.stringify([
          {
            kind: 'tool_call',
            name: 'lookup',
            arguments: '{"q":1}',
            timestamp: '2026-01-01T10:00:00.000Z',
            metadata: { id: 'call_7' },
          },
        ]),
      );
      connection.close();
    }
    const connection = await SqliteConnection.open(path);
    const repo = new SqliteTraceRepository(connection);
    const span = await repo.getSpan('acme', 'old');
    expect(span?.agentActions).toEqual([
      expect.objectContaining({
        actionType: 'tool_call',
        name: 'lookup',
        toolCallId: 'call_7',
        viaToolCall: true,
      }),
    ]);
    const query = { tenantId: 'acme', limit: 10, offset: 0 } as const;
    expect((await repo.querySpans({ ...query, hasToolCalls: true })).total).toBe(1);
    expect((await repo.querySpans({ ...query, actionName: 'lookup' })).total).toBe(1);
    expect((await repo.querySpans({ ...query, actionType: 'tool_call' })).total).toBe(1);
    expect((await repo.querySpans({ ...query, hasCommands: true })).total).toBe(0);
    await repo.close();
  });

  it('plans action filters on the covering partial index (no span rows read)', async () => {
    const connection = await open();
    const filter = spanFilterSql({ tenantId: 'acme', hasCommands: true, actionName: 'x' });
    const plan = connection.db
      .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM spans WHERE ${filter.where}`)
      .all(...filter.params)
      .map((row) => String((row as { detail: string }).detail))
      .join('\n');
    expect(plan).toContain('COVERING INDEX spans_tenant_actions');
    connection.close();
  });

  it('refuses to open a database with pending migrations when migrate is false', async () => {
    const path = freshPath();
    await expect(
      createStorage({ profile: 'lite', path }, { migrate: false }),
    ).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: /llmtrace migrate/ });
    await migrate({ profile: 'lite', path });
    const storage = await createStorage({ profile: 'lite', path }, { migrate: false });
    await storage.close();
  });

  it('translates driver errors at the boundary, keeping the original as cause', async () => {
    const storage = await createStorage({ profile: 'lite', path: freshPath() });
    await storage.metadata.createTenant({ id: 'acme', name: 'Acme' });
    const error: unknown = await storage.metadata
      .createTenant({ id: 'acme', name: 'Again' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'STORAGE_CONFLICT',
      message: 'tenant acme already exists',
    });
    expect((error as LLMTraceError).cause).toMatchObject({
      code: 'STORAGE_CONFLICT',
      cause: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
    });
    await storage.close();
    await expect(storage.traces.getSpan('acme', 'x')).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(translateSqliteError({ code: 'SQLITE_BUSY' }, 'x').code).toBe('STORAGE_TIMEOUT');
    expect(translateSqliteError({ code: 'SQLITE_FULL' }, 'x').code).toBe('STORAGE_UNAVAILABLE');
  });

  it('turns a lock held too long by another process into STORAGE_TIMEOUT', async () => {
    const path = freshPath();
    const holder = await SqliteConnection.open(path);
    const waiter = await SqliteConnection.open(path, { busyTimeoutMs: 20 });
    const traces = new SqliteTraceRepository(waiter);
    holder.db.exec('BEGIN IMMEDIATE');
    await expect(traces.storeSpan(makeSpan({ spanId: 'blocked' }))).rejects.toMatchObject({
      code: 'STORAGE_TIMEOUT',
    });
    holder.db.exec('ROLLBACK');
    await traces.storeSpan(makeSpan({ spanId: 'blocked' }));
    await traces.close();
    holder.close();
  });

  it('rolls back an executor transaction that fails, and holds other users until it ends', async () => {
    const connection = await open();
    const executor = new BetterSqlite3Executor(connection);
    const cache = new SqliteCacheLayer(connection);
    await expect(
      executor.transaction(async (tx) => {
        await tx.execute("INSERT INTO cache (key, value) VALUES ('k', 'in-tx')");
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await cache.get('k')).toBeNull();

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = executor.transaction(async (t) => {
      await t.execute("INSERT INTO cache (key, value) VALUES ('k', 'tx')");
      await gate;
      throw new Error('rollback');
    });
    // Issued while the transaction is open: must not join (and be rolled back with) it.
    const outside = cache.set('other', 'outside');
    release();
    await expect(tx).rejects.toThrow('rollback');
    await outside;
    expect(await cache.get('other')).toBe('outside');
    expect(await cache.get('k')).toBeNull();
    await cache.close();
  });

  it('serves the hot queries from indexes, without sorting the tenant spans', async () => {
    const connection = await open();
    const plan = (sql: string) =>
      (connection.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('acme', 1, 0) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    const latestTraces = plan(
      'SELECT trace_id FROM traces WHERE tenant_id = ? ORDER BY created_at DESC, trace_id DESC LIMIT ? OFFSET ?',
    );
    expect(latestTraces).toMatch(/traces_tenant_created/);
    expect(latestTraces).not.toMatch(/TEMP B-TREE/);
    const latestSpans = plan(
      'SELECT * FROM spans WHERE tenant_id = ? ORDER BY start_ms DESC, span_id DESC LIMIT ? OFFSET ?',
    );
    expect(latestSpans).toMatch(/spans_tenant_time/);
    const latestAlerts = plan(
      'SELECT id FROM alerts WHERE tenant_id = ? ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?',
    );
    expect(latestAlerts).toMatch(/alerts_tenant_time/);
    expect(latestAlerts).not.toMatch(/TEMP B-TREE/);
    // Regression (docs/benchmarks.md): model + score bound must count inside the model index.
    const filter = spanFilterSql({ tenantId: 'acme', model: 'gpt-4o', minSecurityScore: 80 });
    const count = connection.db
      .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM spans WHERE ${filter.where}`)
      .all(...filter.params) as { detail: string }[];
    expect(count.map((r) => r.detail).join(' | ')).toMatch(/COVERING INDEX spans_tenant_model/);
    connection.close();
  });
});
