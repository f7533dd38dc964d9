import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildConfig, TraceSpan, type Storage, type TenantConfig } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import { createPgPool, PostgresMetadataRepository } from '@llmtrace/storage/postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPrune } from '../../src/prune-command.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { send, startProxy, type ProxyUnderTest } from '../support/harness.js';

/**
 * Issue 19, part 4: a global `retention_days` default (auto-created tenants no longer keep traces
 * forever), per-tenant overrides, `llmtrace prune`, and the job's report in /health and /metrics —
 * with tenants in SQLite and in PostgreSQL.
 */

const REPO = resolve(import.meta.dirname, '../../../..');
const CLI = join(REPO, 'packages/proxy/dist/cli.js');
const POSTGRES_URL =
  process.env['LLMTRACE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY = 86_400_000;
const NOW = Date.now();

const daysAgo = (days: number): string => new Date(NOW - days * DAY).toISOString();

function span(tenantId: string, id: string, ageDays: number): TraceSpan {
  return TraceSpan.parse({
    spanId: id,
    traceId: `t-${id}`,
    tenantId,
    operationName: 'chat_completion',
    startTime: daysAgo(ageDays),
    provider: 'openai',
  });
}

/** Tenants and their spans: 10, 40 and 200 days old each. */
async function seed(storage: Storage, tenants: Record<string, Partial<TenantConfig>>) {
  for (const [id, config] of Object.entries(tenants)) {
    await storage.metadata.createTenant({ id, name: id, config });
    for (const age of [10, 40, 200]) await storage.traces.storeSpan(span(id, `${id}-${age}`, age));
  }
}

const left = async (storage: Storage, tenantId: string) =>
  (await storage.traces.querySpans({ tenantId, limit: 100, offset: 0 })).items
    .map((s) => s.spanId)
    .sort();

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmtrace-h19-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Backend = 'sqlite' | 'postgres';

/** SQLite traces with tenants in SQLite or in PostgreSQL (a fresh schema, dropped afterwards). */
async function openStorage(backend: Backend): Promise<Storage> {
  const lite = await createStorage({ profile: 'lite', path: join(dir, 'traces.db') });
  if (backend === 'sqlite') return lite;
  const schema = `llmtrace_h19_${randomUUID().replaceAll('-', '')}`;
  const admin = await createPgPool(POSTGRES_URL, { maxConnections: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const metadata = await PostgresMetadataRepository.open(url.toString());
  return {
    traces: lite.traces,
    metadata,
    cache: lite.cache,
    close: async () => {
      await metadata.close();
      await lite.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

describe.each<Backend>(['sqlite', 'postgres'])('llmtrace prune with tenants in %s', (backend) => {
  let real: Storage;
  /** What runPrune gets: it closes what it opened, and this one is closed by the test. */
  let storage: Storage;
  beforeEach(async () => {
    real = await openStorage(backend);
    storage = { ...real, close: () => Promise.resolve() };
    await seed(storage, {
      auto: {},
      short: { retentionDays: 5 },
      long: { retentionDays: 100 },
      forever: { retentionDays: 0 },
    });
  });
  afterEach(async () => {
    await real.close();
  });
  const config = (retention_days: number) =>
    buildConfig({ retention_days, storage: { profile: 'lite', path: join(dir, 'x.db') } });
  const prune = (days: number, options: Parameters<typeof runPrune>[1]) => {
    const c = capture();
    return runPrune(config(days), options, c.io, () => Promise.resolve(storage)).then((code) => ({
      code,
      ...c,
    }));
  };
  it('counts in a dry run, then deletes by each tenant retention or the global default', async () => {
    const dry = await prune(30, { dryRun: true });
    expect(dry.code).toBe(0);
    // auto (default 30): 40 and 200; short (5): all three; long (100): 200; forever: none.
    expect(dry.out).toEqual(['dry run: would delete 6 spans from 4 tenants']);
    expect(dry.err[0]).toContain('dry run');
    expect(dry.err.filter((l) => /^\[\d\/4\]/.test(l))).toHaveLength(4);
    expect(dry.err.find((l) => l.includes('forever:'))).toContain('keeps traces forever');
    expect(await left(storage, 'short')).toHaveLength(3);

    const real = await prune(30, {});
    expect(real.out).toEqual(['deleted 6 spans from 4 tenants']);
    expect(real.err.find((l) => l.includes(' short:'))).toContain('deleted 3 spans');
    expect(await left(storage, 'auto')).toEqual(['auto-10']);
    expect(await left(storage, 'short')).toEqual([]);
    expect(await left(storage, 'long')).toEqual(['long-10', 'long-40']);
    expect(await left(storage, 'forever')).toHaveLength(3);
    expect((await prune(30, {})).out).toEqual(['deleted 0 spans from 4 tenants']);
  });

  it('prunes one tenant, or everything before a given time, and refuses bad input', async () => {
    const one = await prune(30, { tenant: 'auto' });
    expect(one.out).toEqual(['deleted 2 spans from 1 tenant']);
    expect(await left(storage, 'short')).toHaveLength(3);
    // --before overrides the retention, also that of a tenant that keeps traces forever.
    const before = await prune(30, { tenant: 'forever', before: daysAgo(100).slice(0, 10) });
    expect(before.out).toEqual(['deleted 1 span from 1 tenant']);
    expect(await left(storage, 'forever')).toEqual(['forever-10', 'forever-40']);

    expect((await prune(30, { tenant: 'nobody' })).err.at(-1)).toContain(
      'tenant nobody does not exist',
    );
    for (const bad of [{ tenant: '../x' }, { before: 'last week' }, { before: '2999-01-01' }]) {
      const r = await prune(30, bad);
      expect(r.code).toBe(2);
      expect(r.out).toEqual([]);
    }
    // Nothing else was touched by the refused runs.
    expect(await left(storage, 'short')).toHaveLength(3);
  });
});

describe('the retention job', () => {
  let upstream: MockUpstream;
  let proxy: ProxyUnderTest | undefined;
  beforeEach(async () => {
    upstream = await startMockUpstream();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await upstream.close();
  });

  it('applies the global default to auto-created tenants and reports deletions in /health and /metrics', async () => {
    proxy = await startProxy(upstream.url, { retention_days: 30 });
    const storage = proxy.server.storage;
    // A tenant created by its first request (plan "auto", no retention of its own).
    const first = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'newcomer' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(first.status).toBe(200);
    expect((await storage.metadata.getTenant('newcomer'))?.config.retentionDays).toBeNull();
    await storage.traces.storeSpan(span('newcomer', 'old-1', 31));
    await storage.traces.storeSpan(span('newcomer', 'old-2', 90));
    expect(await proxy.spans('newcomer')).toHaveLength(3);

    expect(await proxy.server.retention.runOnce()).toBe(2);
    expect(await proxy.spans('newcomer')).toHaveLength(1);

    const health = JSON.parse(
      (await send(proxy.server.url, { method: 'GET', path: '/health' })).body.toString('utf8'),
    ) as { retention: { defaultDays: number; deletedSpans: number; lastRun: unknown } };
    expect(health.retention).toMatchObject({
      defaultDays: 30,
      deletedSpans: 2,
      lastRun: { deletedSpans: 2, error: null },
    });
    const metrics = (
      await send(proxy.server.url, { method: 'GET', path: '/metrics' })
    ).body.toString('utf8');
    expect(metrics).toMatch(/^llmtrace_retention_deleted_spans_total 2$/m);
    expect(metrics).toMatch(/^llmtrace_retention_runs_total\{outcome="failed"\} 0$/m);
  });

  it('prunes a lite file from the command line with progress output', async () => {
    const db = join(dir, 'cli.db');
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `storage:\n  profile: lite\n  path: ${db}\nretention_days: 30\n`);
    const lite = await createStorage({ profile: 'lite', path: db });
    await lite.metadata.createTenant({ id: 'acme', name: 'acme' });
    await lite.traces.storeSpan(span('acme', 'a', 10));
    await lite.traces.storeSpan(span('acme', 'b', 40));
    await lite.close();
    const run = (args: string[]) =>
      spawnSync(process.execPath, [CLI, 'prune', '--config', file, ...args], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '' },
      });
    const dry = run(['--dry-run']);
    expect(dry.stdout).toBe('dry run: would delete 1 span from 1 tenant\n');
    expect(dry.stderr).toContain('[1/1] acme: would delete 1 span created before');
    const real = run([]);
    expect(real.status).toBe(0);
    expect(real.stdout).toBe('deleted 1 span from 1 tenant\n');
    const bad = run(['--before', 'yesterday']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--before yesterday is not a date');
  });
});
