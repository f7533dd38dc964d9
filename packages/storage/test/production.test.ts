import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Storage } from '@llmtrace/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStorage, migrate } from '../src/index.js';
import { createProductionStorage, type ProductionProfile } from '../src/production/index.js';
import { chdbExecutor } from './chdb-executor.js';
import { makeSpan } from './fixtures.js';
import { POSTGRES_URL, REDIS_URL, checkPostgres, checkRedis, uniqueName } from './services.js';

/**
 * The production profile as several proxy replicas use it: each replica opens its own PostgreSQL
 * pool, Redis connection and ClickHouse client on the same servers. ClickHouse is chdb in process
 * (see clickhouse.test.ts); PostgreSQL and Redis are the real servers.
 */
const schema = uniqueName('llmtrace_prod');
const keyPrefix = `${uniqueName('llmtrace_prod')}:`;
const database = uniqueName('llmtrace_prod');
let admin: pg.Pool;
let redis: Redis;

function postgresUrl(): string {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

const profile: ProductionProfile = {
  profile: 'production',
  clickhouse_url: 'http://127.0.0.1:8123',
  clickhouse_database: database,
  postgres_url: postgresUrl(),
  redis_url: REDIS_URL,
};

/** One replica: its own pool, Redis connection and ClickHouse client. */
function replica(): Promise<Storage> {
  return createProductionStorage(profile, {
    redisKeyPrefix: keyPrefix,
    clickhouseRetentionDays: 3650,
    clickhouseExecutor: chdbExecutor(),
  });
}

// A missing server fails every test with a message saying how to start it; nothing is skipped.
const missing = (await checkPostgres()) ?? (await checkRedis());
beforeEach(() => {
  if (missing !== null) throw missing;
});

beforeAll(async () => {
  if (missing !== null) return;
  admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  admin.on('error', () => undefined);
  await admin.query(`CREATE SCHEMA ${schema}`);
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
});

afterAll(async () => {
  if (missing !== null) return;
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  const executor = chdbExecutor();
  await executor.command(`DROP DATABASE IF EXISTS ${database}`);
  await executor.close();
});

describe('production storage: two replicas on one PostgreSQL and one Redis', () => {
  let a: Storage;
  let b: Storage;

  beforeAll(async () => {
    if (missing !== null) return;
    // Started together: the migrations race (PostgreSQL advisory lock, idempotent ClickHouse DDL).
    [a, b] = await Promise.all([replica(), replica()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('a tenant, its config and its keys created through one replica are seen by the other', async () => {
    await a.metadata.createTenant({ id: 'acme', name: 'Acme', config: { rateLimitRpm: 60 } });
    expect(await b.metadata.getTenant('acme')).toMatchObject({ name: 'Acme', plan: 'free' });
    expect((await b.metadata.getTenantConfig('acme'))?.rateLimitRpm).toBe(60);
    await expect(b.metadata.createTenant({ id: 'acme', name: 'Twin' })).rejects.toMatchObject({
      code: 'STORAGE_CONFLICT',
    });
    const keyHash = createHash('sha256').update('llmt_secret').digest('hex');
    await b.metadata.createApiKey({
      id: 'k1',
      tenantId: 'acme',
      name: 'ci',
      role: 'viewer',
      prefix: 'llmt_abcd1234',
      keyHash,
    });
    expect((await a.metadata.findApiKeyByHash(keyHash))?.id).toBe('k1');
    await a.metadata.recordAlert({
      tenantId: 'acme',
      channel: 'webhook:0',
      kind: 'budget',
      status: 'sent',
      severity: 'medium',
      title: '80 % of the daily budget',
      details: {},
      traceId: null,
    });
    expect((await b.metadata.queryAlerts({ tenantId: 'acme', limit: 5, offset: 0 })).total).toBe(1);
  });

  it('a counter incremented through both replicas at once is exact', async () => {
    const bumps = Array.from({ length: 400 }, (_, i) =>
      (i % 2 === 0 ? a : b).cache.increment('budget:acme:day', 0.25, 86_400),
    );
    const values = await Promise.all(bumps);
    expect(await a.cache.get('budget:acme:day')).toBe('100');
    expect(await b.cache.get('budget:acme:day')).toBe('100');
    expect(new Set(values).size).toBe(400);
    expect(await redis.pttl(`${keyPrefix}budget:acme:day`)).toBeGreaterThan(86_000_000);
  });

  it('reservations through both replicas never exceed the limit', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? a : b).cache.reserve('rpm:acme', 1, 25, 60),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(25);
    expect(await b.cache.get('rpm:acme')).toBe('25');
  });

  it('spans written through one replica are read through the other', async () => {
    const spans = Array.from({ length: 50 }, (_, i) =>
      makeSpan({ spanId: `s${i}`, traceId: `t${i % 10}`, tenantId: 'acme' }),
    );
    expect(await a.traces.storeBatch(spans)).toEqual({ written: 50, failed: [] });
    const page = await b.traces.queryTraces({ tenantId: 'acme', limit: 100, offset: 0 });
    expect(page.total).toBe(10);
    expect(page.items.flatMap((t) => t.spans)).toHaveLength(50);
    expect((await b.traces.getStats('acme', {})).spanCount).toBe(50);
  });

  it('reports every component healthy', async () => {
    for (const storage of [a, b]) {
      expect((await storage.traces.health()).ok).toBe(true);
      expect((await storage.metadata.health()).ok).toBe(true);
      expect((await storage.cache.health()).ok).toBe(true);
    }
  });
});

describe('createStorage({ profile: "production" })', () => {
  it('fails with STORAGE_UNAVAILABLE naming the service that does not answer', async () => {
    // No ClickHouse server listens on this machine (its tests use chdb in process).
    const error: unknown = await createStorage({
      ...profile,
      clickhouse_url: 'http://llmtrace:hunter2@127.0.0.1:1',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /cannot reach ClickHouse at http:\/\/llmtrace:\*\*\*@127\.0\.0\.1:1/,
    );
    expect((error as Error).message).not.toMatch(/PostgreSQL|Redis|hunter2/);
  });

  it('names every service that does not answer', async () => {
    const error: unknown = await createStorage({
      profile: 'production',
      clickhouse_url: 'http://127.0.0.1:1',
      clickhouse_database: 'llmtrace',
      postgres_url: 'postgres://postgres@127.0.0.1:1/test',
      redis_url: 'redis://127.0.0.1:1',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    for (const service of ['ClickHouse', 'PostgreSQL', 'Redis']) {
      expect((error as Error).message).toContain(`cannot reach ${service}`);
    }
  });

  it('migrate() fails with STORAGE_UNAVAILABLE when a production server does not answer', async () => {
    await expect(
      migrate({ ...profile, clickhouse_url: 'http://127.0.0.1:1' }),
    ).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: /ClickHouse/ });
  });

  it('the lite profile never loads the pg, ioredis or @clickhouse/client drivers', () => {
    // A fresh process, so that nothing loaded by this test file counts.
    const script = `
      import { createRequire } from 'node:module';
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const { createStorage } = await import('@llmtrace/storage');
      const storage = await createStorage({ profile: 'lite', path: join(mkdtempSync(join(tmpdir(), 'lt-')), 'x.db') });
      await storage.metadata.createTenant({ id: 'acme', name: 'Acme' });
      await storage.close();
      const cache = createRequire(import.meta.url).cache;
      const drivers = () =>
        Object.keys(cache).filter((p) => /node_modules[\\\\/](pg|ioredis|@clickhouse)[\\\\/]/.test(p)).length;
      const lite = drivers();
      // The production adapters load their drivers only when they connect.
      await import('@llmtrace/storage/production');
      const productionModule = drivers();
      // Control: the detector does see a loaded driver.
      await import('pg');
      console.log(JSON.stringify({ lite, productionModule, control: drivers() > 0 }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ lite: 0, productionModule: 0, control: true });
  });
});
