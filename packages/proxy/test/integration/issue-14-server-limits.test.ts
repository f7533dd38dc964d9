import { connect, type Socket } from 'node:net';
import { createStorage } from '@llmtrace/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chatStreamFrames,
  sendFrames,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import {
  CHAT_REQUEST,
  eventually,
  send,
  startProxy,
  type ProxyUnderTest,
} from '../support/harness.js';

// Issue 14, items 7, 9 and 11: slow headers were held ~75 s and answered 400; there was no
// connection cap; shutdown cut long streams at a hard-coded 30 s and recorded them as
// `client_abort`; unauthenticated bodies were read whole before authentication.

let upstream: MockUpstream;
let proxy: ProxyUnderTest | undefined;
const sockets: Socket[] = [];

beforeEach(async () => {
  upstream = await startMockUpstream();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await proxy?.close();
  proxy = undefined;
  await upstream.close();
});

/** A raw TCP connection to the proxy, with everything it receives. */
function rawSocket(
  port: number,
): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let data = '';
    let closed = false;
    const socket = connect(port, '127.0.0.1', () =>
      resolve({ socket, received: () => data, closed: () => closed }),
    );
    sockets.push(socket);
    socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => (closed = true));
    socket.once('error', reject);
  });
}

describe('server limits (issue 14)', () => {
  it('item 11: answers 408 to a client that never finishes its headers, and closes it', async () => {
    proxy = await startProxy(upstream.url, {
      timeouts: { client_headers_ms: 300, client_request_ms: 1000 },
    });
    const slow = await rawSocket(proxy.server.port);
    slow.socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: applic');
    await eventually(() => (slow.closed() ? true : undefined), 10_000);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('item 11: closes connections beyond limits.max_connections at once', async () => {
    proxy = await startProxy(upstream.url, { limits: { max_connections: 2 } });
    await rawSocket(proxy.server.port);
    await rawSocket(proxy.server.port);
    const third = await rawSocket(proxy.server.port);
    await eventually(() => (third.closed() ? true : undefined));
    expect(third.received()).toBe('');
    for (const s of sockets.splice(0)) s.destroy();
    // Room again once the others have gone.
    const res = await eventually(async () => {
      const r = await send(proxy!.server.url, { body: CHAT_REQUEST }).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    });
    expect(res.status).toBe(200);
  });

  it('item 9: a stream cut at the end of the shutdown grace period is recorded as shutdown', async () => {
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendFrames(res, chatStreamFrames(Array.from({ length: 1000 }, () => 'tick')), 50, false),
    );
    proxy = await startProxy(upstream.url, { timeouts: { shutdown_grace_ms: 300 } });
    const body = JSON.stringify({ ...JSON.parse(CHAT_REQUEST), stream: true });
    let firstChunk: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (firstChunk = resolve));
    const streaming = send(proxy.server.url, { body, onChunk: () => firstChunk() });
    await started;
    await proxy.server.close();
    expect((await streaming).aborted).toBe(true);
    // The server closed its storage: read the SQLite file it left behind.
    const storage = await createStorage({ profile: 'lite', path: proxy.dbPath });
    try {
      const page = await storage.traces.querySpans({ tenantId: 'default', limit: 10, offset: 0 });
      expect(page.items[0]?.events.map((e) => e.name)).toContain('shutdown');
    } finally {
      await storage.close();
    }
  });

  it('item 7: refuses a request without a key before reading its body', async () => {
    proxy = await startProxy(upstream.url, {
      auth: { enabled: true, admin_key: 'admin-key-for-tests-0123456789' },
    });
    const client = await rawSocket(proxy.server.port);
    // Headers announce 30 MB; the body is never sent. The answer must not wait for it.
    client.socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 31457280\r\n\r\n',
    );
    await eventually(() => (client.received().includes('\r\n\r\n') ? true : undefined));
    expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(upstream.requests).toHaveLength(0);
  });
});
