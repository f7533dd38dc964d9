import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { MetadataRepository, Storage } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import { RedisCacheLayer } from '@llmtrace/storage/redis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { CHAT_REQUEST, send, startProxy, type ProxyUnderTest } from '../support/harness.js';

// Issue 14, item 8: losing Redis while any cap was configured refused 100 % of traffic (503/504),
// with the driver's text in the body, nothing logged and nothing traced. The policy is now
// budgets.on_cache_failure: `open` (default) forwards uncounted and shows the outage; `closed`
// refuses with a clean 503. The outage is real: Redis is reached through a relay that is shut, so
// the driver meets ECONNREFUSED.

const REDIS = { host: '127.0.0.1', port: 6379 };

/** A TCP relay to Redis that can be cut (and refuses connections once cut). */
async function startRelay(): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(REDIS.port, REDIS.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Log lines at level error, from a pino logger that writes into memory. */
function memoryLogger() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as { level: number; msg: string });
      }
      done();
    },
  });
  return {
    logger: pino({ level: 'info' }, stream),
    errors: () => lines.filter((l) => l.level >= 50),
  };
}

let upstream: MockUpstream;
let proxy: ProxyUnderTest | undefined;
let relay: Awaited<ReturnType<typeof startRelay>>;
let storage: Storage;
let metadata: MetadataRepository;

beforeEach(async () => {
  upstream = await startMockUpstream();
  relay = await startRelay();
  const cache = await RedisCacheLayer.connect(`redis://127.0.0.1:${relay.port}`, {
    keyPrefix: `llmtrace-test-h14-${randomUUID()}:`,
    commandTimeoutMs: 500,
  });
  // Memory traces and metadata, the real Redis cache behind the relay.
  const memory = await createStorage({ profile: 'memory' });
  metadata = memory.metadata;
  storage = {
    traces: memory.traces,
    metadata,
    cache,
    close: async () => {
      await Promise.all([memory.close(), cache.close()]);
    },
  };
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await relay.cut();
  await upstream.close();
});

const TENANT = { 'x-llmtrace-tenant-id': 'acme' };
const CAPS = { tenants: { acme: { caps: [{ window: 'daily', hard_limit_usd: 10 }] } } };

interface Health {
  status: string;
  counters: { mode: string; degraded: boolean; admittedUncounted: number };
}

describe('losing the counters cache (issue 14, item 8)', () => {
  it('forwards requests uncounted by default, logs the outage once and reports it in /health', async () => {
    const { logger, errors } = memoryLogger();
    proxy = await startProxy(upstream.url, { budgets: CAPS }, { storage, logger });
    expect((await send(proxy.server.url, { headers: TENANT, body: CHAT_REQUEST })).status).toBe(
      200,
    );
    await relay.cut();
    for (let i = 0; i < 3; i++) {
      const res = await send(proxy.server.url, { headers: TENANT, body: CHAT_REQUEST });
      expect(res.status).toBe(200);
    }
    expect(upstream.requests).toHaveLength(4);
    // Every request is traced, and the outage was logged at error once, not per request.
    expect(await proxy.spans('acme')).toHaveLength(4);
    expect(errors().filter((l) => l.msg.includes('counters are unreachable'))).toHaveLength(1);
    const health = await send(proxy.server.url, { method: 'GET', path: '/health' });
    expect(health.status).toBe(503);
    const body = JSON.parse(health.body.toString('utf8')) as Health;
    expect(body.status).toBe('degraded');
    expect(body.counters).toMatchObject({
      mode: 'open',
      degraded: true,
      admittedUncounted: 3,
    });
  });

  it('refuses with a clean 503 (never 504, never the driver text) when configured closed', async () => {
    proxy = await startProxy(
      upstream.url,
      { budgets: { ...CAPS, on_cache_failure: 'closed' } },
      { storage },
    );
    await relay.cut();
    const res = await send(proxy.server.url, { headers: TENANT, body: CHAT_REQUEST });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    const text = res.body.toString('utf8');
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    for (const leak of ['ECONNREFUSED', '127.0.0.1', String(relay.port), 'redis', 'Redis']) {
      expect(text).not.toContain(leak);
    }
    expect(upstream.requests).toHaveLength(0);
    // The refusal is traced: an outage that refuses traffic leaves a record of what it refused.
    const [span] = await proxy.spans('acme');
    expect(span?.statusCode).toBe(503);
    expect(span?.events.map((e) => e.name)).toContain('rejected');
  });

  it('applies the same policy to tenant rate limits', async () => {
    await metadata.createTenant({ id: 'limited', name: 'L', config: { rateLimitRpm: 100 } });
    proxy = await startProxy(upstream.url, {}, { storage });
    const headers = { 'x-llmtrace-tenant-id': 'limited' };
    expect((await send(proxy.server.url, { headers, body: CHAT_REQUEST })).status).toBe(200);
    await relay.cut();
    expect((await send(proxy.server.url, { headers, body: CHAT_REQUEST })).status).toBe(200);
    expect(upstream.requests).toHaveLength(2);
  });
});
