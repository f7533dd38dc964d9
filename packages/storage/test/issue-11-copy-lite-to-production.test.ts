// Issue 11 item 9: moving from lite to production keeps the history. `copyStorage` (the body of
// `llmtrace copy`) from a SQLite file to PostgreSQL + ClickHouse (chdb) + Redis: everything
// arrives, a stopped copy resumes without duplicates, a second run changes nothing, and the
// counts are verified.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage, TraceEvent, TraceRepository } from '@llmtrace/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyStorage, createStorage, type CopyCheckpoint } from '../src/index.js';
import { createProductionStorage, type ProductionProfile } from '../src/production/index.js';
import { chdbExecutor } from './chdb-executor.js';
import { finding, makeSpan } from './fixtures.js';
import { POSTGRES_URL, REDIS_URL, checkPostgres, checkRedis, uniqueName } from './services.js';

const root = mkdtempSync(join(tmpdir(), 'llmtrace-copy-'));
const schemas: string[] = [];
const databases: string[] = [];
const keyPrefix = `${uniqueName('llmtrace_copy')}:`;
let admin: pg.Pool;

const missing = (await checkPostgres()) ?? (await checkRedis());
beforeEach(() => {
  if (missing !== null) throw missing;
});
beforeAll(() => {
  if (missing !== null) return;
  admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  admin.on('error', () => undefined);
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (missing !== null) return;
  for (const name of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await admin.end();
  const executor = chdbExecutor();
  for (const db of databases) await executor.command(`DROP DATABASE IF EXISTS ${db}`);
  await executor.close();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** A fresh, empty production store (its own PostgreSQL schema and ClickHouse database). */
async function production(): Promise<Storage> {
  const schema = uniqueName('llmtrace_copy');
  const database = uniqueName('llmtrace_copy');
  schemas.push(schema);
  databases.push(database);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const profile: ProductionProfile = {
    profile: 'production',
    clickhouse_url: 'http://127.0.0.1:8123',
    clickhouse_database: database,
    postgres_url: url.toString(),
    redis_url: REDIS_URL,
  };
  return createProductionStorage(profile, {
    redisKeyPrefix: keyPrefix,
    clickhouseRetentionDays: 3650,
    clickhouseExecutor: chdbExecutor(),
  });
}

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

/** A lite file with 3 tenants, keys, audit, alerts and 301 traces (602 spans, one empty trace). */
async function seededLite(): Promise<Storage> {
  const lite = await createStorage({
    profile: 'lite',
    path: join(root, `${uniqueName('lite')}.db`),
  });
  for (const id of ['acme', 'globex', 'initech']) {
    await lite.metadata.createTenant({ id, name: id.toUpperCase(), config: { rateLimitRpm: 60 } });
    await lite.metadata.createApiKey({
      id: `key-${id}`,
      tenantId: id,
      name: 'ci',
      role: 'operator',
      prefix: `lt_${id}`,
      keyHash: hash(`secret-${id}`),
    });
    await lite.metadata.recordAudit({
      tenantId: id,
      actor: 'admin',
      action: 'tenant.create',
      resourceType: 'tenant',
      resourceId: id,
      details: {},
    });
    await lite.metadata.recordAlert({
      tenantId: id,
      channel: 'webhook',
      kind: 'security',
      status: 'sent',
      severity: 'critical',
      title: `injection at ${id}`,
      details: { score: 95 },
      traceId: `${id}-t0`,
    });
  }
  await lite.metadata.deleteTenant('initech');
  await lite.metadata.revokeApiKey('globex', 'key-globex');
  const spans = [];
  for (let i = 0; i < 300; i++) {
    const tenantId = ['acme', 'globex', 'initech'][i % 3]!;
    for (const n of [0, 1]) {
      spans.push(
        makeSpan({
          tenantId,
          traceId: `${tenantId}-t${i}`,
          spanId: `${tenantId}-s${i}-${n}`,
          startTime: new Date(Date.UTC(2026, 0, 1, 10, 0, i, n * 100)).toISOString(),
          model: 'gpt-4o',
          prompt: `prompt ${i}/${n} ${'é'.repeat(n)}`,
          securityScore: i % 100,
          securityFindings: i % 10 === 0 ? [finding(`f${i}`, 'high')] : [],
          tags: { n: String(n) },
        }),
      );
    }
  }
  expect(await lite.traces.storeBatch(spans)).toEqual({ written: 600, failed: [] });
  await lite.traces.storeTrace({
    traceId: 'explicit',
    tenantId: 'acme',
    createdAt: '2025-12-31T23:59:00.000Z',
    spans: [],
  });
  return lite;
}

/** Every trace of a repository, through its own export pages. */
async function allTraces(repo: TraceRepository): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for (;;) {
    const last = out.at(-1);
    const page = await repo.exportTraces(
      last === undefined ? null : { tenantId: last.tenantId, traceId: last.traceId },
      97,
    );
    out.push(...page);
    if (page.length < 97) return out;
  }
}

describe('issue 11: llmtrace copy from lite to production', () => {
  it('copies everything, verified by counts; a second run writes nothing new', async () => {
    const lite = await seededLite();
    const prod = await production();
    try {
      const progress: string[] = [];
      const report = await copyStorage(lite, prod, {
        batchSize: 50,
        onProgress: (phase, done, total) => progress.push(`${phase} ${done}/${total}`),
      });
      expect(report.ok).toBe(true);
      expect(report.counts).toEqual([
        { what: 'tenants', source: 3, destination: 3, ok: true },
        { what: 'api_keys', source: 3, destination: 3, ok: true },
        { what: 'audit', source: 3, destination: 3, ok: true },
        { what: 'alerts', source: 3, destination: 3, ok: true },
        { what: 'traces', source: 301, destination: 301, ok: true },
        { what: 'spans', source: 600, destination: 600, ok: true },
      ]);
      // Streamed in batches: seven pages of traces (50 each), and the final count reported.
      expect(progress.filter((p) => p.startsWith('traces'))).toEqual([
        'traces 0/301',
        ...[50, 100, 150, 200, 250, 300, 301].map((n) => `traces ${n}/301`),
      ]);

      // Traces and spans arrive equal, createdAt included (the explicit one too).
      const [source, copied] = await Promise.all([allTraces(lite.traces), allTraces(prod.traces)]);
      expect(copied).toEqual(source);
      expect(await prod.traces.getTrace('acme', 'explicit')).toMatchObject({
        createdAt: '2025-12-31T23:59:00.000Z',
      });
      // Metadata as it was: soft delete, revocation, and a key that authenticates by its hash.
      expect(await prod.metadata.getTenant('initech')).toEqual(
        await lite.metadata.getTenant('initech'),
      );
      expect(await prod.metadata.findApiKeyByHash(hash('secret-globex'))).toEqual(
        await lite.metadata.findApiKeyByHash(hash('secret-globex')),
      );
      expect(
        (await prod.metadata.queryAlerts({ tenantId: 'acme', limit: 10, offset: 0 })).items,
      ).toEqual(
        (await lite.metadata.queryAlerts({ tenantId: 'acme', limit: 10, offset: 0 })).items,
      );
      expect(
        (await prod.metadata.queryAudit({ tenantId: 'globex', limit: 10, offset: 0 })).items,
      ).toEqual(
        (await lite.metadata.queryAudit({ tenantId: 'globex', limit: 10, offset: 0 })).items,
      );

      // Idempotent: everything is found present, counts unchanged.
      const again = await copyStorage(lite, prod, { batchSize: 200 });
      expect(again.ok).toBe(true);
      expect(again.phases.tenants).toEqual({ read: 3, written: 0, skipped: 3 });
      expect(again.counts.find((c) => c.what === 'spans')).toMatchObject({ destination: 600 });
      expect(await allTraces(prod.traces)).toEqual(source);

      // And back: production is a source like any other (ClickHouse and PostgreSQL export pages).
      const back = await createStorage({ profile: 'memory' });
      expect((await copyStorage(prod, back, { batchSize: 64 })).ok).toBe(true);
      expect(await allTraces(back.traces)).toEqual(source);
      expect(await back.metadata.exportRecords('api_keys', null, 10)).toEqual(
        await lite.metadata.exportRecords('api_keys', null, 10),
      );
      await back.close();
    } finally {
      await Promise.all([lite.close(), prod.close()]);
    }
  });

  it('resumes a stopped copy from its checkpoint without duplicates', async () => {
    const lite = await seededLite();
    const prod = await production();
    try {
      let saved: CopyCheckpoint | undefined;
      let batches = 0;
      const stopped = await copyStorage(lite, prod, {
        batchSize: 40,
        onCheckpoint: (checkpoint) => {
          saved = checkpoint;
          // Stop in the middle of the traces, as a Ctrl-C or a lost connection would.
          if (checkpoint.phases.traces !== undefined && ++batches === 3) {
            throw new Error('interrupted');
          }
        },
      }).catch((error: unknown) => error);
      expect(stopped).toMatchObject({ message: 'interrupted' });
      expect(saved?.phases.traces).toMatchObject({ copied: 120, done: false });
      // acme's 101 traces (one of them empty) then 19 of globex.
      expect(await prod.traces.countAll()).toEqual({ traces: 120, spans: 238 });

      const progress: number[] = [];
      const report = await copyStorage(lite, prod, {
        batchSize: 40,
        checkpoint: saved,
        onProgress: (phase, done) => {
          if (phase === 'traces') progress.push(done);
        },
      });
      expect(report.ok).toBe(true);
      // Only what was left was read again.
      expect(report.phases.traces.read).toBe(181);
      expect(report.phases.tenants.read).toBe(0);
      expect(progress[0]).toBe(120);
      expect(await prod.traces.countAll()).toEqual({ traces: 301, spans: 600 });
      expect(await allTraces(prod.traces)).toEqual(await allTraces(lite.traces));
    } finally {
      await Promise.all([lite.close(), prod.close()]);
    }
  });

  it('reports a destination that lost records as not verified', async () => {
    const lite = await seededLite();
    const target = await createStorage({ profile: 'memory' });
    try {
      expect((await copyStorage(lite, target)).ok).toBe(true);
      await target.traces.deleteOlderThan('acme', '2027-01-01T00:00:00.000Z');
      const report = await copyStorage(lite, target, {
        checkpoint: {
          version: 1,
          phases: Object.fromEntries(
            (['tenants', 'api_keys', 'audit', 'alerts', 'traces'] as const).map((p) => [
              p,
              { after: null, copied: 0, done: true },
            ]),
          ),
        },
      });
      expect(report.ok).toBe(false);
      expect(report.counts.find((c) => c.what === 'traces')).toEqual({
        what: 'traces',
        source: 301,
        destination: 200,
        ok: false,
      });
    } finally {
      await Promise.all([lite.close(), target.close()]);
    }
  });
});
