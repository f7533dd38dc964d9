import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheLayer, TraceSpan } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import { RedisCacheLayer } from '@llmtrace/storage/redis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AnomalyDetector, type AnomalyOutcome } from '../../src/security/anomaly-detector.js';

const REDIS_URL = process.env['LLMTRACE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function sqliteCache(): Promise<CacheLayer> {
  const dir = mkdtempSync(join(tmpdir(), 'llmtrace-anomaly-'));
  const storage = await createStorage({ profile: 'lite', path: join(dir, 'db.sqlite') });
  cleanups.push(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return storage.cache;
}

async function redisCache(): Promise<CacheLayer> {
  const prefix = `llmtrace-anomaly-test:${process.pid}:${Math.random().toString(16).slice(2)}:`;
  const cache = await RedisCacheLayer.connect(REDIS_URL, { keyPrefix: prefix });
  cleanups.push(() => cache.close());
  return cache;
}

/** A deterministic pseudo-random source, so "noise" is the same on every run. */
function noise(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

let n = 0;
function span(at: number, over: Partial<TraceSpan> = {}): TraceSpan {
  n++;
  const start = new Date(at).toISOString();
  return {
    spanId: `s${n}`,
    traceId: `t${n}`,
    parentSpanId: null,
    tenantId: 'acme',
    agentId: 'bot',
    sessionId: null,
    operationName: 'chat',
    startTime: start,
    endTime: start,
    durationMs: 800,
    provider: 'openai',
    model: 'gpt-4o-mini',
    prompt: null,
    response: null,
    promptTokens: 400,
    completionTokens: 100,
    totalTokens: 500,
    tokensEstimated: false,
    timeToFirstTokenMs: null,
    statusCode: 200,
    errorMessage: null,
    securityScore: 0,
    securityFindings: [],
    estimatedCostUsd: 0.002,
    tags: {},
    agentActions: [],
    events: [],
    ...over,
  } as TraceSpan;
}

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

async function run(
  cache: CacheLayer,
  traffic: (emit: (s: TraceSpan) => void, clock: { now: number }) => void,
): Promise<AnomalyOutcome[]> {
  const found: AnomalyOutcome[] = [];
  const clock = { now: T0 };
  const detector = new AnomalyDetector({
    cache,
    logger: pino({ level: 'silent' }),
    settings: { warmupSamples: 24, threshold: 6, window: 100, newBehaviour: true },
    onAnomaly: (o) => found.push(o),
    now: () => clock.now,
  });
  traffic((s) => {
    clock.now = Date.parse(s.startTime);
    detector.onSpan(s);
  }, clock);
  await detector.flush();
  return found;
}

/** 48 hours of steady traffic: 20 requests an hour, cost, tokens and latency with ±30 % noise. */
function steady(emit: (s: TraceSpan) => void, hours = 48, seed = 7): number {
  const rnd = noise(seed);
  let at = T0;
  for (let h = 0; h < hours; h++) {
    for (let i = 0; i < 20; i++) {
      at = T0 + h * HOUR + i * 170_000;
      const f = 0.7 + 0.6 * rnd();
      emit(
        span(at, {
          estimatedCostUsd: 0.002 * f,
          totalTokens: Math.round(500 * (0.7 + 0.6 * rnd())),
          durationMs: Math.round(800 * (0.7 + 0.6 * rnd())),
          statusCode: rnd() < 0.03 ? 500 : 200,
        }),
      );
    }
  }
  return T0 + hours * HOUR;
}

describe.each([
  ['SQLite', sqliteCache],
  ['Redis', redisCache],
])('AnomalyDetector on %s', (_name, makeCache) => {
  it('stays quiet on steady traffic with noise', async () => {
    const found = await run(await makeCache(), (emit) => steady(emit));
    expect(found.flatMap((o) => o.findings.map((f) => f.metadata['metric']))).toEqual([]);
  });

  it('flags a cost spike once per hour, with metric, baseline, observed value and score', async () => {
    const found = await run(await makeCache(), (emit) => {
      const end = steady(emit);
      // A runaway agent: 30 expensive calls in ten minutes.
      for (let i = 0; i < 30; i++) {
        emit(span(end + i * 20_000, { estimatedCostUsd: 0.5, totalTokens: 520 }));
      }
    });
    const cost = found
      .flatMap((o) => o.findings)
      .filter((f) => f.metadata['metric'] === 'cost_per_hour');
    expect(cost).toHaveLength(1);
    expect(cost[0]).toMatchObject({ type: 'anomaly', owaspId: 'LLM10:2025' });
    const meta = cost[0]?.metadata ?? {};
    expect(meta['baseline']).toBeGreaterThan(0.03);
    expect(meta['baseline']).toBeLessThan(0.05);
    // Flagged as soon as the hour's spend left the baseline: at the first expensive call.
    expect(meta['observed']).toBeGreaterThanOrEqual(0.5);
    expect(Number(meta['score'])).toBeGreaterThanOrEqual(6);
  });

  it('reports a first model and a first tool only after warm-up', async () => {
    const found = await run(await makeCache(), (emit) => {
      emit(span(T0, { model: 'gpt-4o' }));
      const end = steady(emit, 3);
      emit(
        span(end, {
          model: 'o3',
          agentActions: [{ name: 'delete_repo' } as TraceSpan['agentActions'][number]],
        }),
      );
    });
    const firsts = found
      .flatMap((o) => o.findings)
      .map((f) => [f.metadata['metric'], f.metadata['subject']]);
    expect(firsts).toEqual([
      ['new_model', 'o3'],
      ['new_tool', 'delete_repo'],
    ]);
  });

  it('does not call a fast endpoint slow for a hiccup of tens of ms, but does for a stall', async () => {
    // A local model answering in ~40 ms: 10 % of the median would make +25 ms an anomaly.
    const latencies = (emit: (s: TraceSpan) => void): number => {
      const rnd = noise(11);
      for (let i = 0; i < 40; i++) {
        emit(span(T0 + i * 60_000, { durationMs: Math.round(40 * (0.9 + 0.2 * rnd())) }));
      }
      return T0 + 40 * 60_000;
    };
    const metrics = (found: AnomalyOutcome[]): unknown[] =>
      found.flatMap((o) => o.findings.map((f) => f.metadata['metric']));
    const hiccup = await run(await makeCache(), (emit) => {
      emit(span(latencies(emit), { durationMs: 65 }));
    });
    expect(metrics(hiccup)).toEqual([]);
    const stall = await run(await makeCache(), (emit) => {
      emit(span(latencies(emit), { durationMs: 2_000 }));
    });
    expect(metrics(stall)).toEqual(['latency_ms']);
  });

  it('needs warm-up before it flags anything', async () => {
    const found = await run(await makeCache(), (emit) => {
      for (let i = 0; i < 20; i++) emit(span(T0 + i * 60_000));
      emit(span(T0 + 2 * HOUR, { estimatedCostUsd: 50, totalTokens: 90_000, durationMs: 60_000 }));
    });
    expect(found).toEqual([]);
  });
});
