// Issue 12 item 6: a foreign or older database at the configured place is detected before
// migrating — a clear error naming it and what to do, and the database left exactly as it was.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLMTraceError } from '@llmtrace/core';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clickhouseMigrations, clickhouseMigrator } from '../src/clickhouse/index.js';
import { createStorage, migrate } from '../src/index.js';
import { PostgresMetadataRepository } from '../src/postgres/index.js';
import { chdbExecutor } from './chdb-executor.js';
import { POSTGRES_URL, checkPostgres, uniqueName } from './services.js';

const root = mkdtempSync(join(tmpdir(), 'llmtrace-foreign-db-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A SQLite file made by `setup`, closed, and the SHA-256 of its bytes. */
function sqliteFile(setup: (db: Database.Database) => void): { path: string; digest: string } {
  const path = join(root, `foreign-${++counter}.db`);
  const db = new Database(path);
  setup(db);
  db.close();
  return { path, digest: digest(path) };
}

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function openError(path: string): Promise<LLMTraceError> {
  const error: unknown = await createStorage({ profile: 'lite', path }).then(
    async (storage) => {
      await storage.close();
      return new Error('opened a foreign database');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof LLMTraceError)) throw error;
  return error;
}

function expectHelpfulMessage(error: LLMTraceError, path: string): void {
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toContain(path);
  expect(error.message).toContain('--storage-path');
  expect(error.message).toContain('llmtrace copy');
}

describe('issue 12: a foreign SQLite file is refused untouched', () => {
  it("refuses the original (Rust) LLMTrace's llmtrace.db and leaves its bytes unchanged", async () => {
    // The seed's schema: sqlx bookkeeping and its own traces/spans tables.
    const { path, digest: before } = sqliteFile((db) => {
      db.exec(`CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT);
        CREATE TABLE traces (trace_id TEXT PRIMARY KEY, tenant_id TEXT, created_at TEXT);
        CREATE TABLE spans (span_id TEXT PRIMARY KEY, trace_id TEXT, operation_name TEXT);
        INSERT INTO traces VALUES ('t1', 'acme', '2025-01-01T00:00:00Z');`);
    });
    const error = await openError(path);
    expectHelpfulMessage(error, path);
    expect(error.message).toMatch(/traces/);
    expect(error.details?.tables).toEqual(expect.arrayContaining(['traces', 'spans']));
    expect(digest(path)).toBe(before);
    // No WAL switch, no schema_migrations, the foreign rows intact.
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'schema_migrations'").get(),
    ).toEqual({ n: 0 });
    expect(db.prepare('SELECT trace_id FROM traces').all()).toEqual([{ trace_id: 't1' }]);
    db.close();
  });

  it("refuses another application's database (any table without LLMTrace's bookkeeping)", async () => {
    const { path, digest: before } = sqliteFile((db) => {
      db.exec(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x')",
      );
    });
    expectHelpfulMessage(await openError(path), path);
    expect(digest(path)).toBe(before);
  });

  it('refuses a database from a newer LLMTrace (migrations this version does not know)', async () => {
    const path = join(root, `newer-${++counter}.db`);
    const storage = await createStorage({ profile: 'lite', path });
    await storage.close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
      '0099_from_the_future',
      '2030-01-01T00:00:00.000Z',
    );
    db.close();
    const error = await openError(path);
    expectHelpfulMessage(error, path);
    expect(error.message).toContain('0099_from_the_future');
    expect(error.details).toMatchObject({ unknownMigrations: ['0099_from_the_future'] });
  });

  it('refuses a file that is not a SQLite database and leaves it unchanged', async () => {
    const path = join(root, `text-${++counter}.db`);
    writeFileSync(path, 'just some notes, not a database\n'.repeat(300));
    const before = digest(path);
    const error = await openError(path);
    expectHelpfulMessage(error, path);
    expect(error.message).toContain('not a SQLite database');
    expect(digest(path)).toBe(before);
  });

  it('`llmtrace migrate` (migrate()) refuses it too, instead of reporting results', async () => {
    const { path, digest: before } = sqliteFile((db) => db.exec('CREATE TABLE traces (id TEXT)'));
    await expect(migrate({ profile: 'lite', path })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(digest(path)).toBe(before);
  });

  it('still opens an empty file and an LLMTrace file with only some migrations applied', async () => {
    const empty = join(root, `empty-${++counter}.db`);
    writeFileSync(empty, '');
    const storage = await createStorage({ profile: 'lite', path: empty });
    expect((await storage.traces.health()).ok).toBe(true);
    await storage.close();

    // An older LLMTrace file: bookkeeping present, later migrations pending.
    const older = join(root, `older-${++counter}.db`);
    const first = await createStorage({ profile: 'lite', path: older });
    await first.close();
    const db = new Database(older);
    db.exec("DROP TABLE alerts; DELETE FROM schema_migrations WHERE name = '0005_alerts'");
    db.close();
    const results = await migrate({ profile: 'lite', path: older });
    expect(results.find((r) => r.name === '0005_alerts')).toEqual({
      name: '0005_alerts',
      status: 'applied',
    });
  });
});

// A missing server fails every PostgreSQL test with how to start it; nothing is skipped.
const missing = await checkPostgres();

describe('issue 12: foreign tables in PostgreSQL are refused', () => {
  const schemas: string[] = [];
  let admin: pg.Pool;
  beforeEach(() => {
    if (missing !== null) throw missing;
  });
  beforeAll(() => {
    if (missing !== null) return;
    admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
    admin.on('error', () => undefined);
  });
  afterAll(async () => {
    if (missing !== null) return;
    for (const name of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await admin.end();
  });
  async function schemaWith(sql: string): Promise<string> {
    const name = uniqueName('llmtrace_foreign');
    schemas.push(name);
    await admin.query(`CREATE SCHEMA ${name}`);
    if (sql !== '') await admin.query(`SET search_path = ${name}; ${sql}`);
    return name;
  }
  function schemaUrl(name: string): string {
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${name}`);
    return url.toString();
  }
  async function tables(schema: string): Promise<string[]> {
    const { rows } = await admin.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [schema],
    );
    return rows.map((r) => r.table_name);
  }

  it("refuses a schema holding another application's tenants table, creating nothing", async () => {
    const name = await schemaWith('CREATE TABLE tenants (id int primary key, label text)');
    await expect(PostgresMetadataRepository.open(schemaUrl(name))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/tenants.*no LLMTrace schema_migrations/) as unknown,
    });
    expect(await tables(name)).toEqual(['tenants']);
  });

  it("refuses another application's schema_migrations (e.g. Rails: version)", async () => {
    const name = await schemaWith('CREATE TABLE schema_migrations (version text primary key)');
    await expect(PostgresMetadataRepository.open(schemaUrl(name))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/schema_migrations table is not LLMTrace's/) as unknown,
    });
    expect(await tables(name)).toEqual(['schema_migrations']);
  });

  it('shares a schema with unrelated tables of another application', async () => {
    const name = await schemaWith('CREATE TABLE orders (id int primary key)');
    const repo = await PostgresMetadataRepository.open(schemaUrl(name));
    expect(repo.migrations.every((r) => r.status === 'applied')).toBe(true);
    await repo.close();
  });
});

describe('issue 12: a foreign ClickHouse database is refused', () => {
  it('refuses a ClickHouse database holding tables without LLMTrace bookkeeping', async () => {
    const executor = chdbExecutor();
    const db = uniqueName('llmtrace_foreign');
    try {
      await executor.command(`CREATE DATABASE ${db}`);
      await executor.command(`CREATE TABLE ${db}.spans (id String) ENGINE = Memory`);
      await expect(
        clickhouseMigrator(executor, db, clickhouseMigrations({ database: db })).migrate(),
      ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
      const rows = await executor.query<{ name: string }>(
        'SELECT name FROM system.tables WHERE database = {db:String}',
        { db },
      );
      expect(rows.map((r) => r.name)).toEqual(['spans']);
    } finally {
      await executor.command(`DROP DATABASE IF EXISTS ${db}`);
      await executor.close();
    }
  });
});
