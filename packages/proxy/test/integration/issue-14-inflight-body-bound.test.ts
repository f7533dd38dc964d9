import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { eventually, send, startProxy, type ProxyUnderTest } from '../support/harness.js';

// Issue 14, item 7: bodies were read whole before authentication, with no global bound — 64
// concurrent unauthenticated 31 MB posts took +1.1 GB of RSS. Now a key is checked from the headers
// before a body byte is buffered, and `limits.max_inflight_body_bytes` bounds the bodies held at
// once: past it, 503 with Retry-After in the client's provider format. Asserted on the proxy's own
// counter (`bodies.stats()`), not on RSS.

const ADMIN_KEY = 'admin-key-for-tests-0123456789';
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

/** A raw TCP connection that sends `head` and keeps everything it receives. */
function rawRequest(
  port: number,
  head: string,
): Promise<{ socket: Socket; received: () => string }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      resolve({ socket, received: () => data });
    });
    sockets.push(socket);
    socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

const head = (path: string, length: number, extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

const answered = (r: { received: () => string }): Promise<string> =>
  eventually(() => (r.received().includes('\r\n\r\n') ? r.received() : undefined));

describe('request bodies before authentication (issue 14, item 7)', () => {
  it('refuses a wrong key from the headers, without waiting for (or buffering) the body', async () => {
    proxy = await startProxy(upstream.url, { auth: { enabled: true, admin_key: ADMIN_KEY } });
    // 30 MB announced, never sent: the 401 cannot have waited for it.
    const clients = await Promise.all(
      Array.from({ length: 16 }, () =>
        rawRequest(
          proxy!.server.port,
          head('/v1/chat/completions', 31_457_280, 'X-LLMTrace-Key: llmt_not-a-real-key-0000\r\n'),
        ),
      ),
    );
    for (const c of clients) expect(await answered(c)).toMatch(/^HTTP\/1\.1 401 /);
    expect(proxy.server.bodies.stats()).toMatchObject({ inflightBytes: 0, refused: 0 });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('limits.max_inflight_body_bytes (issue 14, item 7)', () => {
  it('the reported attack: of 64 concurrent 31 MB posts, only what fits 256 MiB is taken', async () => {
    proxy = await startProxy(upstream.url);
    const size = 31 * 1024 * 1024;
    const clients = await Promise.all(
      Array.from({ length: 64 }, () =>
        rawRequest(proxy!.server.port, head('/v1/chat/completions', size)),
      ),
    );
    // 8 × 31 MiB fit in 256 MiB; the other 56 are answered at once, their bodies never read.
    const refused = await eventually(() => {
      const n = clients.filter((c) => /^HTTP\/1\.1 503 /.test(c.received())).length;
      return n === 56 ? n : undefined;
    });
    expect(refused).toBe(56);
    expect(proxy.server.bodies.stats()).toMatchObject({ inflightBytes: 8 * size, refused: 56 });
    for (const c of clients) c.socket.destroy();
    await eventually(() => (proxy!.server.bodies.stats().inflightBytes === 0 ? true : undefined));
  });

  const limits = { max_body_bytes: 1_000_000, max_inflight_body_bytes: 1_500_000 };

  it('answers 503 with Retry-After, in the OpenAI format, once the bound would be passed', async () => {
    proxy = await startProxy(upstream.url, { limits });
    // Two 700 KB bodies being sent slowly hold 1.4 MB of the 1.5 MB bound.
    const slow = await Promise.all([
      rawRequest(proxy.server.port, head('/v1/chat/completions', 700_000)),
      rawRequest(proxy.server.port, head('/v1/chat/completions', 700_000)),
    ]);
    await eventually(() =>
      proxy!.server.bodies.stats().inflightBytes === 1_400_000 ? true : undefined,
    );
    const refused = await send(proxy.server.url, { body: 'x'.repeat(200_000) });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    const body = JSON.parse(refused.body.toString()) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: 'OVERLOADED', type: 'server_error' });
    // A small body still fits.
    const small = await send(proxy.server.url, {
      body: JSON.stringify({ model: 'gpt-4o', messages: [] }),
    });
    expect(small.status).toBe(200);
    expect(proxy.server.bodies.stats()).toMatchObject({ inflightBytes: 1_400_000, refused: 1 });
    for (const s of slow) s.socket.destroy();
    // Given back when those requests end.
    await eventually(() => (proxy!.server.bodies.stats().inflightBytes === 0 ? true : undefined));
    expect((await send(proxy.server.url, { body: 'x'.repeat(200_000) })).status).not.toBe(503);
  });

  it('answers an Anthropic client in its format', async () => {
    proxy = await startProxy(upstream.url, { limits });
    await rawRequest(proxy.server.port, head('/v1/messages', 1_000_000));
    await rawRequest(proxy.server.port, head('/v1/messages', 1_000_000));
    const refused = await send(proxy.server.url, {
      path: '/v1/messages',
      headers: { 'anthropic-version': '2023-06-01' },
      body: 'x'.repeat(600_000),
    });
    expect(refused.status).toBe(503);
    const body = JSON.parse(refused.body.toString()) as { type: string; error: { code: string } };
    expect(body.type).toBe('error');
    expect(body.error.code).toBe('OVERLOADED');
  });

  it('counts a chunked body as it arrives and stops reading it past the bound', async () => {
    proxy = await startProxy(upstream.url, { limits });
    await rawRequest(proxy.server.port, head('/v1/chat/completions', 1_000_000));
    const chunked = await rawRequest(
      proxy.server.port,
      'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const piece = 'y'.repeat(100_000);
    for (let i = 0; i < 8; i++) {
      chunked.socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
    }
    expect(await answered(chunked)).toMatch(/^HTTP\/1\.1 503 /);
    expect(proxy.server.bodies.stats().inflightBytes).toBe(1_000_000);
  });

  it('must be at least max_body_bytes', async () => {
    await expect(
      startProxy(upstream.url, {
        limits: { max_body_bytes: 2_000_000, max_inflight_body_bytes: 1_000_000 },
      }),
    ).rejects.toThrow(/max_inflight_body_bytes/);
  });
});
