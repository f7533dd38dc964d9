import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LLMTraceError, type Storage, type TraceRepository } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import {
  CHAT_REQUEST,
  eventually,
  send,
  startProxy,
  type ProxyUnderTest,
} from '../support/harness.js';

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

/** A storage whose trace writes fail while `down` is true. */
async function flakyStorage(): Promise<{ storage: Storage; setDown(down: boolean): void }> {
  const inner = await createStorage({ profile: 'memory' });
  let down = true;
  const traces: TraceRepository = Object.create(inner.traces) as TraceRepository;
  traces.storeBatch = (spans) =>
    down
      ? Promise.reject(new LLMTraceError('STORAGE_UNAVAILABLE', 'disk on fire'))
      : inner.traces.storeBatch(spans);
  traces.health = () =>
    down
      ? Promise.resolve({ ok: false, latencyMs: 0, error: 'disk on fire' })
      : inner.traces.health();
  return { storage: { ...inner, traces, close: () => inner.close() }, setDown: (d) => (down = d) };
}

describe('capture pipeline', () => {
  it('keeps forwarding while storage fails, opens the breaker and counts every lost trace', async () => {
    const flaky = await flakyStorage();
    proxy = await startProxy(
      upstream.url,
      {
        capture: {
          flush_interval_ms: 5,
          batch_size: 1,
          breaker: { failure_threshold: 2, reset_ms: 60_000 },
        },
      },
      { storage: flaky.storage },
    );
    for (let i = 0; i < 5; i++) {
      const res = await send(proxy.server.url, { body: CHAT_REQUEST });
      expect(res.status).toBe(200);
    }
    await proxy.server.capture.flush();
    const stats = proxy.server.capture.stats();
    expect(stats.breaker).toBe('open');
    expect(stats.droppedStorage).toBe(5);
    expect(stats.stored).toBe(0);

    const health = await send(proxy.server.url, { method: 'GET', path: '/health' });
    expect(health.status).toBe(503);
    const body = JSON.parse(health.body.toString()) as {
      status: string;
      storage: { traces: { ok: boolean } };
      capture: { breaker: string; droppedStorage: number; queueDepth: number };
    };
    expect(body.status).toBe('degraded');
    expect(body.storage.traces.ok).toBe(false);
    expect(body.capture).toMatchObject({ breaker: 'open', droppedStorage: 5, queueDepth: 0 });
  });

  it('reports healthy storage and counters on /health', async () => {
    proxy = await startProxy(upstream.url);
    await send(proxy.server.url, { body: CHAT_REQUEST });
    await proxy.server.capture.flush();
    const health = await send(proxy.server.url, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    const body = JSON.parse(health.body.toString()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ok',
      storage: { traces: { ok: true }, metadata: { ok: true }, cache: { ok: true } },
      capture: { breaker: 'closed', stored: 1, droppedQueueFull: 0, droppedStorage: 0 },
    });
  });

  it('drops and counts jobs beyond the queue bound instead of growing without limit', async () => {
    // Memory storage: capture holds whole batches for it (a lite store gets them handed over at
    // once and batches on its writer thread).
    proxy = await startProxy(upstream.url, {
      storage: { profile: 'memory' },
      capture: { queue_size: 2, batch_size: 100, flush_interval_ms: 10_000 },
    });
    for (let i = 0; i < 5; i++) await send(proxy.server.url, { body: CHAT_REQUEST });
    // A client can have its answer a moment before the proxy enqueues (or refuses) its job.
    const server = proxy.server;
    const stats = await eventually(() => {
      const s = server.capture.stats();
      return s.queueDepth + s.droppedQueueFull === 5 ? s : undefined;
    });
    expect(stats.queueDepth).toBe(2);
    expect(stats.droppedQueueFull).toBe(3);
    await proxy.server.capture.flush();
    expect(proxy.server.capture.stats().stored).toBe(2);
  });

  it('hands lite spans to the writer thread at once, which commits them as a group', async () => {
    // Groups of up to 100 spans, waiting at most 10 s: only flush() commits these five.
    proxy = await startProxy(upstream.url, {
      capture: { batch_size: 100, flush_interval_ms: 10_000 },
    });
    for (let i = 0; i < 5; i++) await send(proxy.server.url, { body: CHAT_REQUEST });
    const server = proxy.server;
    // Capture holds none of them: built and handed over, their writes wait on the writer thread.
    await eventually(() => {
      const s = server.capture.stats();
      return s.enqueued === 5 && s.queueDepth === 0 ? true : undefined;
    });
    expect(server.capture.stats().stored).toBe(0);
    expect((await server.storage.traces.countAll()).spans).toBe(0);
    await server.capture.flush();
    expect(server.capture.stats().stored).toBe(5);
    expect((await server.storage.traces.countAll()).spans).toBe(5);
  });

  it('does not make the response wait for capture', async () => {
    // While storage writes hang, responses still come back at once.
    const inner = await createStorage({ profile: 'memory' });
    const traces: TraceRepository = Object.create(inner.traces) as TraceRepository;
    const waiting: (() => void)[] = [];
    traces.storeBatch = (spans) =>
      new Promise((resolve, reject) => {
        waiting.push(() => {
          inner.traces.storeBatch(spans).then(resolve, reject);
        });
      });
    proxy = await startProxy(
      upstream.url,
      { capture: { flush_interval_ms: 1, batch_size: 1 } },
      { storage: { ...inner, traces } },
    );
    for (let i = 0; i < 3; i++) {
      expect((await send(proxy.server.url, { body: CHAT_REQUEST })).status).toBe(200);
    }
    // Spans are built in a worker thread, so the first write starts a moment later.
    await eventually(() => (waiting.length >= 1 ? true : undefined), 15_000);
    expect(proxy.server.capture.stats().stored).toBe(0);
    traces.storeBatch = (spans) => inner.traces.storeBatch(spans);
    for (const release of waiting) release();
    const server = proxy.server;
    await eventually(() => (server.capture.stats().enqueued === 3 ? true : undefined));
    await proxy.server.capture.flush();
    expect(proxy.server.capture.stats().stored).toBe(3);
  });
});

describe('dead metadata storage', () => {
  it('keeps forwarding with default tenant settings and answers the API with a clean 503', async () => {
    const inner = await createStorage({ profile: 'memory' });
    const down = (): Promise<never> =>
      Promise.reject(new LLMTraceError('STORAGE_UNAVAILABLE', 'postgres at 10.0.0.9:5432 refused'));
    const metadata = Object.create(inner.metadata) as typeof inner.metadata;
    metadata.getTenant = down;
    metadata.createTenant = down;
    metadata.listTenants = down;
    proxy = await startProxy(upstream.url, {}, { storage: { ...inner, metadata } });
    const res = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: CHAT_REQUEST,
    });
    expect(res.status).toBe(200);
    expect(await proxy.spans('acme')).toHaveLength(1);

    const api = await send(proxy.server.url, { method: 'GET', path: '/api/v1/tenants' });
    expect(api.status).toBe(503);
    const body = JSON.parse(api.body.toString()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(body.error.message).not.toContain('10.0.0.9');
    expect(api.headers['content-type']).toContain('application/json');
  });
});
