import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import { pino } from 'pino';
import { Exchange } from '../exchange/exchange.js';
import { splitRequestHeaders } from '../http/headers.js';
import { traceContextFor } from '../http/trace-context.js';
import { ProxyMetrics } from '../telemetry/proxy-metrics.js';
import { CapturePipeline } from './capture-pipeline.js';
import { packJob, type CapturedSpan } from './span-job.js';
import { spanSettingsOf } from './span-settings.js';
import { SpanWorkerPool, spanWorkerCount } from './span-worker-pool.js';

const logger = pino({ level: 'silent' });
const settings = spanSettingsOf(buildConfig({ upstream_url: 'http://127.0.0.1:9' }), 'openai');
const REQUEST = JSON.stringify({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'My email is jane@example.com, say hi' }],
});
const ANSWER = JSON.stringify({
  id: 'chatcmpl-1',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
});

/** A finished exchange as relay leaves it: request body, status, the answer in two chunks. */
function finished(answer = ANSWER): Exchange {
  const ex = new Exchange({
    trace: traceContextFor(undefined),
    method: 'POST',
    url: '/v1/chat/completions',
    path: '/v1/chat/completions',
    provider: 'openai',
    upstreamHeaders: [],
    own: splitRequestHeaders(['authorization', 'Bearer sk-secret-upstream-key']).own,
  });
  ex.tenantId = 'default';
  ex.analyse = true;
  ex.requestBody = Buffer.from(REQUEST);
  ex.statusCode = 200;
  ex.responseContentType = 'application/json';
  const bytes = Buffer.from(answer);
  ex.keepChunk(bytes.subarray(0, 40), 1 << 20);
  ex.keepChunk(bytes.subarray(40), 1 << 20);
  ex.end('complete', null);
  return ex;
}

let pool: SpanWorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('span worker pool (issue 13: capture off the event loop)', () => {
  it('builds the span in a worker from transferred bytes and sends the request back', async () => {
    pool = new SpanWorkerPool({ size: 1, settings, logger });
    const ex = finished();
    const { message, transfer } = packJob(ex);
    expect(message.bytes.byteLength).toBe(REQUEST.length + ANSWER.length);
    // The credential never crosses to the worker.
    expect(JSON.stringify(message)).not.toContain('sk-secret-upstream-key');
    const building = pool.build(message, transfer);
    // Moved, not copied: this thread's buffer is detached, the exchange holds no bytes.
    expect(message.bytes.byteLength).toBe(0);
    expect(ex.requestBody).toBeNull();
    expect(ex.chunks).toHaveLength(0);
    const { span, request } = await building;
    expect(span).toMatchObject({
      traceId: ex.traceId,
      model: 'gpt-4o-2024-08-06',
      response: 'Hi!',
      promptTokens: 12,
      completionTokens: 2,
      statusCode: 200,
    });
    expect(span.prompt).toContain('jane@example.com');
    expect(span.estimatedCostUsd).toBeGreaterThan(0);
    // Analysed in the worker (PII in the prompt).
    expect(span.securityFindings.length).toBeGreaterThan(0);
    expect(request?.model).toBe('gpt-4o');
  });

  it('restarts a worker that dies, counts its jobs in flight as dropped, and goes on', async () => {
    const storage = await createStorage({ profile: 'memory' });
    pool = new SpanWorkerPool({ size: 1, settings, logger });
    const seen: CapturedSpan[] = [];
    const capture = new CapturePipeline({
      traces: storage.traces,
      builder: pool,
      queueSize: 100,
      maxQueueBytes: 1 << 20,
      batchSize: 10,
      flushIntervalMs: 10_000,
      breaker: { failureThreshold: 5, resetMs: 30_000 },
      logger,
      onSpan: (_span, _ex, captured) => seen.push(captured),
    });
    const metrics = new ProxyMetrics({ version: 'test', tenantLabel: false, maxLabelSets: 100 });
    metrics.observe({ capture: () => capture.stats() });

    const dying = pool.workers[0];
    expect(capture.enqueue(finished())).toBe(true);
    expect(capture.enqueue(finished())).toBe(true);
    const flushing = capture.flush();
    // Both jobs are posted to the worker synchronously by flush; kill it before it answers.
    await dying?.terminate();
    await flushing;
    expect(capture.stats()).toMatchObject({ droppedWorker: 2, stored: 0, queueBytes: 0 });
    expect(await metrics.registry.metrics()).toMatch(
      /llmtrace_traces_dropped_total\{reason="worker"\} 2/,
    );

    // A new worker takes over.
    const start = Date.now();
    while (pool.workers.length === 0 && Date.now() - start < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pool.workers[0]).not.toBe(dying);
    expect(pool.restarts).toBe(1);
    expect(capture.enqueue(finished())).toBe(true);
    await capture.flush();
    expect(capture.stats()).toMatchObject({ droppedWorker: 2, stored: 1 });
    expect(seen).toHaveLength(1);
    await capture.close();
    expect(pool.workers).toHaveLength(0);
    pool = undefined;
    await storage.close();
  });

  it('bounds the queue in bytes: a job that would pass max_queue_bytes is dropped and counted', async () => {
    const storage = await createStorage({ profile: 'memory' });
    const built: string[] = [];
    const capture = new CapturePipeline({
      traces: storage.traces,
      builder: (ex) => {
        built.push(ex.traceId);
        return Promise.reject(new Error('not needed here'));
      },
      queueSize: 100,
      // Room for one job (request + answer), not two.
      maxQueueBytes: REQUEST.length + ANSWER.length + 10,
      batchSize: 10,
      flushIntervalMs: 10_000,
      breaker: { failureThreshold: 5, resetMs: 30_000 },
      logger,
    });
    expect(capture.enqueue(finished())).toBe(true);
    expect(capture.stats().queueBytes).toBe(REQUEST.length + ANSWER.length);
    expect(capture.enqueue(finished())).toBe(false);
    expect(capture.stats()).toMatchObject({ droppedQueueFull: 1, queueDepth: 1 });
    await capture.flush();
    expect(capture.stats().queueBytes).toBe(0);
    // Once the queue is empty, even a job larger than the bound is taken (never lost to it alone).
    expect(capture.enqueue(finished('x'.repeat(4096)))).toBe(true);
    await capture.close();
    expect(built).toHaveLength(2);
    await storage.close();
  });
});

describe('capture pipeline and the SQLite writer thread', () => {
  it('holds no span while the writer thread has yet to commit it', async () => {
    // A full collection on demand (the test's process was not started with --expose-gc).
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const dir = mkdtempSync(join(tmpdir(), 'llmtrace-capture-'));
    // The writer waits up to 5 s for a group to fill before it commits and answers.
    const storage = await createStorage(
      { profile: 'lite', path: join(dir, 'traces.db') },
      { writerThread: { group: { spans: 500, ms: 5_000 } } },
    );
    pool = new SpanWorkerPool({ size: 1, settings, logger });
    const spans: WeakRef<object>[] = [];
    const capture = new CapturePipeline({
      traces: storage.traces,
      builder: pool,
      queueSize: 100,
      maxQueueBytes: 1 << 20,
      batchSize: 3,
      flushIntervalMs: 10_000,
      writesInFlight: 4,
      breaker: { failureThreshold: 5, resetMs: 30_000 },
      logger,
      onSpan: (span) => spans.push(new WeakRef(span)),
    });
    for (let n = 0; n < 3; n++) expect(capture.enqueue(finished())).toBe(true);
    const start = Date.now();
    while (spans.length < 3 && Date.now() - start < 10_000) await sleep(10);
    await sleep(50);
    collect();
    await sleep(0);
    collect();
    // Sent to the writer thread and not yet committed, yet no longer on this thread's heap: held
    // until the commit, a saturated proxy's young generation promoted them all (issue 13).
    expect(spans).toHaveLength(3);
    expect(spans.filter((span) => span.deref() !== undefined)).toHaveLength(0);
    expect(capture.stats().stored).toBe(0);
    await capture.flush();
    expect(capture.stats().stored).toBe(3);
    await capture.close();
    pool = undefined;
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('capture pipeline: a store that throws', () => {
  it('counts the spans as dropped and opens the breaker when storeBatch throws instead of rejecting', async () => {
    const storage = await createStorage({ profile: 'memory' });
    let calls = 0;
    const traces = new Proxy(storage.traces, {
      get(target, property) {
        if (property === 'storeBatch') {
          return () => {
            calls++;
            throw new Error('store broke before answering');
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    const capture = new CapturePipeline({
      traces,
      builder: (pool = new SpanWorkerPool({ size: 1, settings, logger })),
      queueSize: 100,
      maxQueueBytes: 1 << 20,
      batchSize: 2,
      flushIntervalMs: 10_000,
      breaker: { failureThreshold: 1, resetMs: 30_000 },
      logger,
    });
    for (let n = 0; n < 2; n++) expect(capture.enqueue(finished())).toBe(true);
    await capture.flush();
    expect(calls).toBe(1);
    expect(capture.stats()).toMatchObject({ stored: 0, droppedStorage: 2, breaker: 'open' });
    // The breaker is open: the next batch is dropped without calling the store.
    for (let n = 0; n < 2; n++) expect(capture.enqueue(finished())).toBe(true);
    await capture.flush();
    expect(calls).toBe(1);
    expect(capture.stats().droppedStorage).toBe(4);
    await capture.close();
    pool = undefined;
    await storage.close();
  });
});

describe('spanWorkerCount', () => {
  it('takes a number as it is', () => {
    expect(spanWorkerCount(0, 8)).toBe(0);
    expect(spanWorkerCount(3, 1)).toBe(3);
  });

  it('auto: one worker from two usable CPUs, none on one', () => {
    expect(spanWorkerCount('auto', 1)).toBe(0);
    expect(spanWorkerCount('auto', 2)).toBe(1);
    expect(spanWorkerCount('auto', 16)).toBe(1);
  });
});
