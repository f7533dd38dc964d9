import { createHash } from 'node:crypto';
import type { LLMTraceError } from '@llmtrace/core';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  POSTGRES_MIGRATIONS,
  PostgresMetadataRepository,
  PostgresMigrator,
  translatePgError,
} from '../src/postgres/index.js';
import type { Migration } from '../src/migrator.js';
import { metadataRepositoryContract } from './metadata-repository.contract.js';
import { POSTGRES_URL, checkPostgres, uniqueName } from './services.js';

/** One schema for the contract suite, dropped at the end; each test starts from empty tables. */
const schema = uniqueName('llmtrace_test');
/** Schemas made by single tests (fresh databases for migration tests), dropped at the end. */
const extraSchemas: string[] = [];
let admin: pg.Pool;
let pool: pg.Pool;

function schemaUrl(name: string): string {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
}

function schemaPool(name: string, max = 4): pg.Pool {
  const p = new pg.Pool({ connectionString: schemaUrl(name), max });
  p.on('error', () => undefined);
  return p;
}

async function freshSchema(): Promise<string> {
  const name = uniqueName('llmtrace_test');
  extraSchemas.push(name);
  await admin.query(`CREATE SCHEMA ${name}`);
  return name;
}

// A missing server fails every test with a message saying how to start it; nothing is skipped.
const missing = await checkPostgres();
beforeEach(() => {
  if (missing !== null) throw missing;
});

beforeAll(async () => {
  if (missing !== null) return;
  admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
  admin.on('error', () => undefined);
  await admin.query(`CREATE SCHEMA ${schema}`);
  pool = schemaPool(schema);
  const results = await new PostgresMigrator(pool, POSTGRES_MIGRATIONS).migrate();
  expect(results.every((r) => r.status === 'applied')).toBe(true);
});

afterAll(async () => {
  if (missing !== null) return;
  await pool.end();
  for (const name of [schema, ...extraSchemas]) {
    await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  }
  await admin.end();
});

metadataRepositoryContract('postgres', async (now) => {
  await pool.query('TRUNCATE tenants, audit_events, api_keys, alerts, canaries');
  const repo = new PostgresMetadataRepository(pool, { now, ownsPool: false });
  return { repo, cleanup: () => repo.close() };
});

describe('PostgreSQL metadata', () => {
  it('applies every migration once, skips them on reopen, and records them', async () => {
    const name = await freshSchema();
    const first = await PostgresMetadataRepository.open(schemaUrl(name));
    expect(first.migrations).toEqual(
      POSTGRES_MIGRATIONS.map((m) => ({ name: m.name, status: 'applied' })),
    );
    await first.close();
    const second = await PostgresMetadataRepository.open(schemaUrl(name));
    expect(second.migrations.map((r) => r.status)).toEqual(
      POSTGRES_MIGRATIONS.map(() => 'skipped'),
    );
    await second.close();
    const rows = await admin.query<{ name: string }>(
      `SELECT name FROM ${name}.schema_migrations ORDER BY name`,
    );
    expect(rows.rows.map((r) => r.name)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.name));
  });

  it('lets replicas that start together migrate one at a time (advisory lock)', async () => {
    const name = await freshSchema();
    const opened = await Promise.all(
      Array.from({ length: 3 }, () => PostgresMetadataRepository.open(schemaUrl(name))),
    );
    const statuses = opened.map((r) => r.migrations.map((m) => m.status).join(','));
    const all = (status: string) => POSTGRES_MIGRATIONS.map(() => status).join(',');
    expect(statuses.filter((s) => s === all('applied'))).toHaveLength(1);
    expect(statuses.filter((s) => s === all('skipped'))).toHaveLength(2);
    await Promise.all(opened.map((r) => r.close()));
  });

  it('uses native uuid, jsonb and timestamptz columns', async () => {
    const { rows } = await admin.query<{
      table_name: string;
      column_name: string;
      data_type: string;
    }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = $1 AND column_name IN ('id', 'config', 'details', 'created_at')`,
      [schema],
    );
    const type = (table: string, column: string) =>
      rows.find((r) => r.table_name === table && r.column_name === column)?.data_type;
    expect(type('audit_events', 'id')).toBe('uuid');
    expect(type('alerts', 'id')).toBe('uuid');
    expect(type('tenants', 'config')).toBe('jsonb');
    expect(type('alerts', 'details')).toBe('jsonb');
    expect(type('audit_events', 'created_at')).toBe('timestamp with time zone');
    expect(type('api_keys', 'id')).toBe('text');
  });

  it('serves "a tenant\'s audit events / alerts, newest first" from the tenant+time indexes', async () => {
    const repo = new PostgresMetadataRepository(pool, { ownsPool: false });
    // Enough rows that a sequential scan is not the obvious plan.
    for (let i = 0; i < 20; i++) {
      await repo.recordAudit({
        tenantId: `t${i}`,
        actor: 'admin',
        action: 'tenant.create',
        resourceType: 'tenant',
        resourceId: null,
        details: {},
      });
    }
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      for (const [table, index] of [
        ['audit_events', 'audit_tenant_time'],
        ['alerts', 'alerts_tenant_time'],
      ] as const) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM ${table} WHERE tenant_id = 'acme'
           AND created_at >= now() - interval '1 day' ORDER BY created_at DESC, seq DESC LIMIT 50`,
        );
        const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(text).toContain(index);
        expect(text).not.toMatch(/Sort/);
      }
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
    await repo.close();
  });

  it('translates driver errors at the boundary, keeping the original as cause', async () => {
    const repo = new PostgresMetadataRepository(pool, { ownsPool: false });
    await pool.query('TRUNCATE tenants');
    await repo.createTenant({ id: 'dup', name: 'Dup' });
    const error: unknown = await repo
      .createTenant({ id: 'dup', name: 'Again' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORAGE_CONFLICT', message: 'tenant dup already exists' });
    expect((error as LLMTraceError).cause).toMatchObject({
      code: 'STORAGE_CONFLICT',
      cause: { code: '23505' },
    });
    const sha = createHash('sha256').update('x').digest('hex');
    await repo.createApiKey({
      id: 'k',
      tenantId: 'dup',
      name: 'k',
      role: 'viewer',
      prefix: 'llmt_k',
      keyHash: sha,
    });
    await expect(
      repo.createApiKey({
        id: 'k2',
        tenantId: 'dup',
        name: 'k',
        role: 'viewer',
        prefix: 'p',
        keyHash: sha,
      }),
    ).rejects.toMatchObject({ code: 'STORAGE_CONFLICT' });
    await repo.close();
    expect(translatePgError({ code: '57014', message: 'canceling statement' }, 'x').code).toBe(
      'STORAGE_TIMEOUT',
    );
    expect(translatePgError({ code: '23502' }, 'x').code).toBe('VALIDATION_FAILED');
    expect(translatePgError({ code: 'ECONNREFUSED' }, 'x').code).toBe('STORAGE_UNAVAILABLE');
    expect(translatePgError(new Error('timeout exceeded when trying to connect'), 'x').code).toBe(
      'STORAGE_TIMEOUT',
    );
  });

  it('turns a statement that runs past statement_timeout into STORAGE_TIMEOUT', async () => {
    const repo = await PostgresMetadataRepository.open(schemaUrl(schema), {
      statementTimeoutMs: 50,
      maxConnections: 1,
    });
    // A lock held by another session makes the update wait until the statement times out.
    const holder = await pool.connect();
    try {
      await holder.query('TRUNCATE tenants');
      await repo.createTenant({ id: 'locked', name: 'L' });
      await holder.query('BEGIN');
      await holder.query("UPDATE tenants SET name = 'held' WHERE id = 'locked'");
      await expect(repo.updateTenant('locked', { name: 'waits' })).rejects.toMatchObject({
        code: 'STORAGE_TIMEOUT',
      });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await repo.close();
    }
  });

  it('fails to open with STORAGE_UNAVAILABLE naming the server, password redacted', async () => {
    const error: unknown = await PostgresMetadataRepository.open(
      'postgres://llmtrace:hunter2@127.0.0.1:1/nowhere',
      { connectTimeoutMs: 2000 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    const message = (error as LLMTraceError).message;
    expect(message).toMatch(
      /cannot reach PostgreSQL at postgres:\/\/llmtrace:\*\*\*@127\.0\.0\.1:1/,
    );
    expect(message).not.toContain('hunter2');
  });

  it('reports a failed migration, rolls it back, stops there and fails the open', async () => {
    const name = await freshSchema();
    const migrations: Migration[] = [
      { name: '0001_ok', statements: ['CREATE TABLE ok_table (a INTEGER)'] },
      {
        name: '0002_broken',
        statements: ['CREATE TABLE half_done (a INTEGER)', 'INSERT INTO missing_table VALUES (1)'],
      },
      { name: '0003_never', statements: ['CREATE TABLE never_table (a INTEGER)'] },
    ];
    const error: unknown = await PostgresMetadataRepository.open(schemaUrl(name), {
      migrations,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: /0002_broken/ });
    expect((error as LLMTraceError).details?.migrations).toEqual([
      { name: '0001_ok', status: 'applied' },
      {
        name: '0002_broken',
        status: 'failed',
        error: expect.stringMatching(/missing_table/) as unknown,
      },
    ]);
    const tables = await admin.query<{ tablename: string }>(
      'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
      [name],
    );
    expect(tables.rows.map((r) => r.tablename)).toEqual(['ok_table', 'schema_migrations']);
  });

  it('refuses to open a database with pending migrations when migrate is false', async () => {
    const name = await freshSchema();
    await expect(
      PostgresMetadataRepository.open(schemaUrl(name), { migrate: false }),
    ).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: /llmtrace migrate/ });
    await (await PostgresMetadataRepository.open(schemaUrl(name))).close();
    const repo = await PostgresMetadataRepository.open(schemaUrl(name), { migrate: false });
    expect(repo.migrations).toEqual([]);
    await repo.close();
  });
});
