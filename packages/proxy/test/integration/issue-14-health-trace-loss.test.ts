// Issue 14 item 10: deleting the SQLite file while the proxy runs made /health say "ok" while every
// trace went into an unlinked file (0 traces after a restart). /health must say so at once, and the
// lost spans must be counted, while forwarding goes on.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { CHAT_REQUEST, send, startProxy, type ProxyUnderTest } from '../support/harness.js';

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

describe('issue 14: a deleted SQLite file is visible on /health', () => {
  it('turns /health degraded naming the file, counts dropped spans, keeps forwarding', async () => {
    proxy = await startProxy(upstream.url);
    expect((await send(proxy.server.url, { body: CHAT_REQUEST })).status).toBe(200);
    expect(await proxy.spans()).toHaveLength(1);
    const ok = await send(proxy.server.url, { method: 'GET', path: '/health' });
    expect(ok.status).toBe(200);

    for (const suffix of ['', '-wal', '-shm']) rmSync(`${proxy.dbPath}${suffix}`, { force: true });

    const degraded = await send(proxy.server.url, { method: 'GET', path: '/health' });
    expect(degraded.status).toBe(503);
    const body = JSON.parse(degraded.body.toString()) as {
      status: string;
      storage: { traces: { ok: boolean; error?: string } };
    };
    expect(body.status).toBe('degraded');
    expect(body.storage.traces.ok).toBe(false);
    expect(body.storage.traces.error).toContain(proxy.dbPath);

    // Forwarding goes on; the span that can no longer be stored is counted, not silently "stored".
    expect((await send(proxy.server.url, { body: CHAT_REQUEST })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    await proxy.server.capture.flush();
    const stats = proxy.server.capture.stats();
    expect(stats.droppedStorage).toBe(1);
    expect(stats.stored).toBe(1);
  });
});
