// `llmtrace copy` end to end (issue 11 item 9) and the foreign-database refusal at start (issue 12
// item 6), through the built CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStorage } from '@llmtrace/storage';

const REPO = resolve(import.meta.dirname, '../../../..');
const CLI = join(REPO, 'packages/proxy/dist/cli.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmtrace-cli-copy-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '' },
  });
}

function liteConfig(name: string, path: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `upstream_url: http://127.0.0.1:9\nstorage:\n  profile: lite\n  path: ${JSON.stringify(path)}\n`,
  );
  return file;
}

/** A lite file with tenant acme and 25 one-span traces t0…t24; returns its path. */
async function seededSource(): Promise<string> {
  const fromDb = join(dir, 'from.db');
  const source = await createStorage({ profile: 'lite', path: fromDb });
  await source.metadata.createTenant({ id: 'acme', name: 'Acme' });
  await source.traces.storeBatch(
    Array.from({ length: 25 }, (_, i) => ({
      spanId: `s${i}`,
      traceId: `t${i}`,
      parentSpanId: null,
      tenantId: 'acme',
      agentId: null,
      operationName: 'chat_completion',
      startTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      endTime: null,
      durationMs: 12,
      provider: 'openai' as const,
      model: 'gpt-4o',
      prompt: `hello ${i}`,
      response: 'hi',
      promptTokens: 3,
      completionTokens: 1,
      totalTokens: 4,
      tokensEstimated: false,
      timeToFirstTokenMs: null,
      statusCode: 200,
      errorMessage: null,
      securityScore: 0,
      securityFindings: [],
      estimatedCostUsd: 0.0001,
      tags: {},
      agentActions: [],
      events: [],
    })),
  );
  await source.close();
  return fromDb;
}

describe('llmtrace copy (CLI)', () => {
  it('copies a lite store into another, prints the verified counts and removes its progress file', async () => {
    const fromDb = await seededSource();
    const toDb = join(dir, 'to.db');
    const result = run([
      'copy',
      '--from',
      liteConfig('lite.yaml', fromDb),
      '--to',
      liteConfig('other.yaml', toDb),
      '--batch-size',
      '10',
    ]);
    expect(result.stderr).toContain(`copying lite (${fromDb}) -> lite (${toDb})`);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/traces\s+25\s+25/);
    expect(result.stdout).toMatch(/tenants\s+1\s+1/);
    expect(result.stdout).toContain('copy complete: every count verified');
    expect(readdirSync(dir).filter((f) => f.startsWith('llmtrace-copy-'))).toEqual([]);
    const copied = await createStorage({ profile: 'lite', path: toDb });
    try {
      expect(await copied.traces.countAll()).toEqual({ traces: 25, spans: 25 });
      expect(await copied.metadata.getTenant('acme')).toMatchObject({ name: 'Acme' });
    } finally {
      await copied.close();
    }
  });

  it('resumes from a progress file, fails verification for what it skipped, and --restart fixes it', async () => {
    const fromDb = await seededSource();
    const toDb = join(dir, 'to.db');
    const state = join(dir, 'progress.json');
    const done = { after: null, copied: 0, done: true };
    // As a run stopped after trace t19 would have left it (trace ids page in string order).
    writeFileSync(
      state,
      JSON.stringify({
        version: 1,
        phases: {
          tenants: done,
          api_keys: done,
          audit: done,
          alerts: done,
          traces: { after: { tenantId: 'acme', traceId: 't19' }, copied: 12, done: false },
        },
      }),
    );
    const args = [
      'copy',
      '--from',
      liteConfig('lite.yaml', fromDb),
      '--to',
      liteConfig('other.yaml', toDb),
      '--state',
      state,
    ];
    const resumed = run(args);
    expect(resumed.stderr).toContain(`resuming from ${state}`);
    // t2, t20…t24, t3…t9 are copied; what the fake progress file claims is not there is found out.
    expect(resumed.stdout).toMatch(/traces\s+25\s+13\s+13\s+-\s+MISSING/);
    expect(resumed.stdout).toMatch(/tenants\s+1\s+0\s+0\s+0\s+MISSING/);
    expect(resumed.status).toBe(1);
    expect(existsSync(state)).toBe(true);

    const restarted = run([...args, '--restart']);
    expect(restarted.status).toBe(0);
    expect(restarted.stdout).toMatch(/traces\s+25\s+25/);
    expect(existsSync(state)).toBe(false);
  });

  it('refuses to copy a store onto itself', () => {
    const config = liteConfig('lite.yaml', join(dir, 'same.db'));
    const result = run(['copy', '--from', config, '--to', config]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--from and --to use the same storage');
  });

  it('refuses a foreign destination file, leaving it as it was', async () => {
    const fromDb = join(dir, 'from.db');
    await (await createStorage({ profile: 'lite', path: fromDb })).close();
    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    const result = run([
      'copy',
      '--from',
      liteConfig('lite.yaml', fromDb),
      '--to',
      liteConfig('foreign.yaml', foreign),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(foreign);
    expect(result.stderr).toContain('no LLMTrace schema_migrations table');
    const check = new Database(foreign, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
      { name: 'notes' },
    ]);
    check.close();
  });
});

describe('issue 12: the proxy refuses a foreign database file at start', () => {
  it('exits 1 naming the file and what to do, and creates no table in it', () => {
    const foreign = join(dir, 'llmtrace.db');
    const db = new Database(foreign);
    // The original (Rust) LLMTrace's file of the same default name.
    db.exec('CREATE TABLE traces (trace_id TEXT PRIMARY KEY, tenant_id TEXT)');
    db.close();
    const result = run([
      'proxy',
      '--port',
      '0',
      '--upstream',
      'http://127.0.0.1:9',
      '--storage-path',
      foreign,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(foreign);
    expect(result.stderr).toContain('--storage-path');
    expect(result.stderr).toContain('llmtrace copy');
    expect(existsSync(`${foreign}-wal`)).toBe(false);
    const check = new Database(foreign, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
      { name: 'traces' },
    ]);
    check.close();
  });
});
