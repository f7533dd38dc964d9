// Issue 14 item 10: no silent trace loss. Deleting the SQLite file under a running store, or a
// full disk, must show in health() at once (the proxy's /health reads it) and make writes fail
// loudly, never report "ok" while traces go nowhere.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceRepository } from '@llmtrace/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ClickHouseTraceRepository,
  clickhouseMigrations,
  clickhouseMigrator,
  type ClickHouseExecutor,
} from '../src/clickhouse/index.js';
import { createStorage } from '../src/index.js';
import { SqliteConnection } from '../src/sqlite/sqlite-connection.js';
import { SqliteTraceRepository } from '../src/sqlite/sqlite-trace-repository.js';
import { SqliteWriterTraceRepository } from '../src/sqlite/sqlite-writer-trace-repository.js';
import { chdbExecutor } from './chdb-executor.js';
import { makeSpan } from './fixtures.js';
import { uniqueName } from './services.js';

const root = mkdtempSync(join(tmpdir(), 'llmtrace-trace-loss-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `db-${++counter}`, 'llmtrace.db');

function deleteDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

const span = (i: number) =>
  makeSpan({ spanId: `s${i}`, traceId: `t${i}`, prompt: 'x'.repeat(2000) });

async function expectLoudAfterDelete(repo: TraceRepository, path: string): Promise<void> {
  await repo.storeBatch([span(1)]);
  expect((await repo.health()).ok).toBe(true);
  deleteDatabase(path);
  const health = await repo.health();
  expect(health.ok).toBe(false);
  expect(health.error).toContain(path);
  expect(health.error).toContain('deleted');
  await expect(repo.storeBatch([span(2)])).rejects.toMatchObject({
    code: 'STORAGE_UNAVAILABLE',
    message: expect.stringContaining('deleted') as unknown,
  });
}

describe('issue 14: deleting the SQLite file while running is reported, not silent', () => {
  it('on the caller thread', async () => {
    const path = freshPath();
    const repo = new SqliteTraceRepository(await SqliteConnection.open(path));
    try {
      await expectLoudAfterDelete(repo, path);
    } finally {
      await repo.close();
    }
  });

  it('on the writer thread the proxy uses', async () => {
    const path = freshPath();
    const connection = await SqliteConnection.open(path);
    const repo = await SqliteWriterTraceRepository.start(
      path,
      new SqliteTraceRepository(connection),
    );
    try {
      await expectLoudAfterDelete(repo, path);
    } finally {
      await repo.close();
    }
  });

  it('a file replaced under the store (moved away, new file in its place) is reported too', async () => {
    const path = freshPath();
    const storage = await createStorage({ profile: 'lite', path }, { writerThread: true });
    try {
      renameSync(path, `${path}.old`);
      writeFileSync(path, '');
      const health = await storage.traces.health();
      expect(health.ok).toBe(false);
      expect(health.error).toContain('replaced');
    } finally {
      await storage.close();
    }
  });
});

describe('issue 14: a full disk makes health degraded at the first failed write', () => {
  it('reports the failed write at once and recovers with the next successful one', async () => {
    const path = freshPath();
    const connection = await SqliteConnection.open(path);
    const repo = new SqliteTraceRepository(connection);
    try {
      await repo.storeBatch([span(0)]);
      // The file may not grow beyond its current pages: SQLite's SQLITE_FULL, as on a full disk.
      const pages = connection.db.pragma('page_count', { simple: true }) as number;
      connection.db.pragma(`max_page_count = ${pages}`);
      await expect(
        repo.storeBatch(Array.from({ length: 50 }, (_, i) => span(i + 1))),
      ).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      const health = await repo.health();
      expect(health.ok).toBe(false);
      expect(health.error).toMatch(/last write failed .*full/);
      // Nothing of the failed batch was half-written.
      expect(await repo.countAll()).toEqual({ traces: 1, spans: 1 });

      connection.db.pragma('max_page_count = 1073741823');
      await repo.storeBatch([span(99)]);
      expect((await repo.health()).ok).toBe(true);
    } finally {
      await repo.close();
    }
  });

  it('invalid spans are the caller’s problem and leave health alone', async () => {
    const path = freshPath();
    const repo = new SqliteTraceRepository(await SqliteConnection.open(path));
    try {
      await expect(repo.storeSpan(makeSpan({ spanId: '' }))).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      expect((await repo.health()).ok).toBe(true);
    } finally {
      await repo.close();
    }
  });
});

describe('issue 14: a failed ClickHouse insert makes health degraded at once', () => {
  it('reports the failure until the next insert succeeds', async () => {
    const inner = chdbExecutor();
    const database = uniqueName('llmtrace_loss');
    let failing = false;
    const executor: ClickHouseExecutor = {
      query: (sql, params) => inner.query(sql, params),
      command: (sql, params) => inner.command(sql, params),
      insert: (table, columns, rows) =>
        failing
          ? Promise.reject(
              new Error('Code: 243. DB::Exception: Cannot reserve 1.00 MiB, not enough space'),
            )
          : inner.insert(table, columns, rows),
      ping: () => inner.ping(),
      close: () => inner.close(),
    };
    try {
      await clickhouseMigrator(inner, database, clickhouseMigrations({ database })).migrate();
      const repo = new ClickHouseTraceRepository(executor, { database, ownsExecutor: false });
      await repo.storeBatch([span(1)]);
      expect((await repo.health()).ok).toBe(true);
      failing = true;
      await expect(repo.storeBatch([span(2)])).rejects.toThrow(/not enough space/);
      const health = await repo.health();
      expect(health.ok).toBe(false);
      expect(health.error).toMatch(/last write failed .*not enough space/);
      failing = false;
      await repo.storeBatch([span(3)]);
      expect((await repo.health()).ok).toBe(true);
    } finally {
      await inner.command(`DROP DATABASE IF EXISTS ${database}`);
      await inner.close();
    }
  });
});
