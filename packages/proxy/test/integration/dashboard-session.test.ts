import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { CHAT_REQUEST, send, startProxy, type ProxyUnderTest } from '../support/harness.js';

const ADMIN_KEY = 'admin-key-for-session-tests-0123';

let upstream: MockUpstream;
let proxy: ProxyUnderTest;
let uiDir: string;

beforeEach(async () => {
  upstream = await startMockUpstream();
  // A stand-in build: the handler serves whatever `vite build` wrote, so plain files do.
  uiDir = mkdtempSync(join(tmpdir(), 'llmtrace-ui-'));
  mkdirSync(join(uiDir, 'assets'));
  writeFileSync(
    join(uiDir, 'index.html'),
    '<!doctype html><script type="module" src="/ui/assets/app-abc123.js"></script>',
  );
  writeFileSync(join(uiDir, 'assets', 'app-abc123.js'), `console.log(${'"x"+'.repeat(600)}"");`);
  // A build's precompressed copy is served as it is (a marker body shows which copy was sent).
  writeFileSync(join(uiDir, 'assets', 'pre-1.js'), `console.log(${'"y"+'.repeat(600)}"");`);
  writeFileSync(join(uiDir, 'assets', 'pre-1.js.br'), brotliCompressSync('from the build'));
  proxy = await startProxy(
    upstream.url,
    { auth: { enabled: true, admin_key: ADMIN_KEY } },
    { uiDir },
  );
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
  rmSync(uiDir, { recursive: true, force: true });
});

type Json = Record<string, unknown> & { items?: Record<string, unknown>[]; total?: number };

async function call(
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await send(proxy.server.url, {
    method: options.method ?? 'GET',
    path,
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = res.body.toString();
  return {
    status: res.status,
    headers: res.headers,
    json: (text === '' || !text.startsWith('{') ? {} : JSON.parse(text)) as Json,
  };
}

const admin = { authorization: `Bearer ${ADMIN_KEY}` };

async function tenantKey(id: string): Promise<{ key: string; keyId: string }> {
  await call('/api/v1/tenants', { method: 'POST', headers: admin, body: { id, name: id } });
  const created = await call(`/api/v1/tenants/${id}/keys`, {
    method: 'POST',
    headers: admin,
    body: { name: 'dash', role: 'admin' },
  });
  expect(created.status).toBe(201);
  return { key: String(created.json['key']), keyId: String(created.json['id']) };
}

async function signIn(key: string, headers: Record<string, string> = {}) {
  const res = await call('/api/v1/session', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, ...headers },
  });
  const setCookie = res.headers['set-cookie']?.[0] ?? '';
  return { ...res, setCookie, cookie: setCookie.split(';')[0] ?? '' };
}

describe('dashboard sessions', () => {
  it('exchanges a key for an HttpOnly SameSite=Strict cookie that reads the API without the key', async () => {
    const { key } = await tenantKey('acme');
    const session = await signIn(key);
    expect(session.status).toBe(200);
    expect(session.json).toMatchObject({ kind: 'tenant_key', tenant_id: 'acme', role: 'admin' });
    expect(session.setCookie).toMatch(/^llmtrace_session=[\w-]{40,}; /);
    expect(session.setCookie).toContain('HttpOnly');
    expect(session.setCookie).toContain('SameSite=Strict');
    // Never sent with proxied calls, which go to the provider with their headers.
    expect(session.setCookie).toContain('Path=/api/v1;');
    expect(session.setCookie).toMatch(/Max-Age=\d+/);
    expect(session.setCookie).not.toContain('Secure');
    // The cookie is not the key, and the key is nowhere in the answer.
    expect(session.cookie).not.toContain(key);
    expect(JSON.stringify(session.json)).not.toContain(key);

    expect((await call('/api/v1/traces', { headers: { cookie: session.cookie } })).status).toBe(
      200,
    );
    const who = await call('/api/v1/session', { headers: { cookie: session.cookie } });
    expect(who.json['csrf_token']).toBe(session.json['csrf_token']);
  });

  it('marks the cookie Secure behind TLS', async () => {
    const { key } = await tenantKey('acme');
    const session = await signIn(key, { 'x-forwarded-proto': 'https' });
    expect(session.setCookie).toContain('Secure');
  });

  it('answers 401 to a request without the session cookie, and to an unknown cookie', async () => {
    expect((await call('/api/v1/traces')).status).toBe(401);
    const forged = await call('/api/v1/traces', { headers: { cookie: 'llmtrace_session=forged' } });
    expect(forged.status).toBe(401);
    expect(String((forged.json['error'] as Json)['message'])).toContain('sign in again');
  });

  it('says clearly that a wrong key is wrong, and rate-limits repeated failures', async () => {
    const wrong = await signIn('llmt_not-a-real-key');
    expect(wrong.status).toBe(401);
    expect(String((wrong.json['error'] as Json)['message'])).toContain('that key is not valid');
    let last = wrong.status;
    for (let i = 0; i < 12; i++) last = (await signIn(`llmt_wrong-${i}`)).status;
    expect(last).toBe(429);
    // Even the right key waits out the window: the limit is per address, not per key.
    const { key } = await tenantKey('acme');
    expect((await signIn(key)).status).toBe(429);
  });

  it('needs the CSRF token for state-changing calls made with the cookie', async () => {
    const { key } = await tenantKey('acme');
    const session = await signIn(key);
    const body = { name: 'new-key', role: 'viewer' };
    const without = await call('/api/v1/tenants/acme/keys', {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/json' },
      body,
    });
    expect(without.status).toBe(403);
    expect((await call('/api/v1/tenants/acme/keys', { headers: admin })).json.items).toHaveLength(
      1,
    );
    const withToken = await call('/api/v1/tenants/acme/keys', {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'content-type': 'application/json',
        'x-llmtrace-csrf': String(session.json['csrf_token']),
      },
      body,
    });
    expect(withToken.status).toBe(201);
  });

  it('ends the session on sign-out', async () => {
    const { key } = await tenantKey('acme');
    const session = await signIn(key);
    const out = await call('/api/v1/session', {
      method: 'DELETE',
      headers: { cookie: session.cookie, 'x-llmtrace-csrf': String(session.json['csrf_token']) },
    });
    expect(out.status).toBe(200);
    expect(out.headers['set-cookie']?.[0]).toContain('Max-Age=0');
    expect((await call('/api/v1/traces', { headers: { cookie: session.cookie } })).status).toBe(
      401,
    );
  });

  it('stops the session of a revoked key and of a deleted tenant at once', async () => {
    const { key, keyId } = await tenantKey('acme');
    const session = await signIn(key);
    await call(`/api/v1/tenants/acme/keys/${keyId}`, { method: 'DELETE', headers: admin });
    const after = await call('/api/v1/traces', { headers: { cookie: session.cookie } });
    expect(after.status).toBe(401);
    expect(String((after.json['error'] as Json)['message'])).toContain('revoked');

    const doomed = await tenantKey('doomed');
    const doomedSession = await signIn(doomed.key);
    await call('/api/v1/tenants/doomed', { method: 'DELETE', headers: admin });
    expect(
      (await call('/api/v1/traces', { headers: { cookie: doomedSession.cookie } })).status,
    ).toBe(401);
  });

  it('opens admin sessions that manage tenants', async () => {
    const session = await signIn(ADMIN_KEY);
    expect(session.json).toMatchObject({ kind: 'admin_key', tenant_id: null });
    expect((await call('/api/v1/tenants', { headers: { cookie: session.cookie } })).status).toBe(
      200,
    );
  });
});

describe('dashboard static files at /ui', () => {
  it('serves index.html with a CSP for client routes and redirects /ui to /ui/', async () => {
    expect((await call('/ui')).status).toBe(308);
    for (const path of ['/ui/', '/ui/traces?model=gpt-4o', '/ui/traces/abc']) {
      const res = await send(proxy.server.url, { method: 'GET', path });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body.toString()).toContain('/ui/assets/app-abc123.js');
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it('serves hashed assets compressed and immutable, 404s a missing one, and honours ETags', async () => {
    const res = await send(proxy.server.url, {
      method: 'GET',
      path: '/ui/assets/app-abc123.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(brotliDecompressSync(res.body).toString()).toMatch(/^console\.log/);
    const again = await send(proxy.server.url, {
      method: 'GET',
      path: '/ui/assets/app-abc123.js',
      headers: { 'if-none-match': String(res.headers['etag']) },
    });
    expect(again.status).toBe(304);
    const missing = await send(proxy.server.url, { method: 'GET', path: '/ui/assets/old-1.js' });
    expect(missing.status).toBe(404);
    const pre = await send(proxy.server.url, {
      method: 'GET',
      path: '/ui/assets/pre-1.js',
      headers: { 'accept-encoding': 'br' },
    });
    expect(brotliDecompressSync(pre.body).toString()).toBe('from the build');
    // The copies are not files of their own.
    const copy = await send(proxy.server.url, { method: 'GET', path: '/ui/assets/pre-1.js.br' });
    expect(copy.status).toBe(404);
    const plain = await send(proxy.server.url, { method: 'GET', path: '/ui/assets/pre-1.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toMatch(/^console\.log/);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('dashboard not built', () => {
  it('says how to build it instead of forwarding /ui, and refuses writes', async () => {
    const bare = await startProxy(upstream.url, {}, { uiDir: join(uiDir, 'missing') });
    try {
      const res = await send(bare.server.url, { method: 'GET', path: '/ui/' });
      expect(res.status).toBe(503);
      expect(res.body.toString()).toContain('npm run build');
      const post = await send(proxy.server.url, { method: 'POST', path: '/ui/', body: '{}' });
      expect(post.status).toBe(405);
      expect(upstream.requests).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });
});

describe('GET /api/v1/stats/timeseries', () => {
  it('buckets the traffic of the range and refuses too many buckets', async () => {
    const { key } = await tenantKey('acme');
    for (let i = 0; i < 3; i++) {
      const res = await send(proxy.server.url, {
        headers: { authorization: 'Bearer sk-provider', 'x-llmtrace-key': key },
        body: CHAT_REQUEST,
      });
      expect(res.status).toBe(200);
    }
    await proxy.server.capture.flush();
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const series = await call(
      `/api/v1/stats/timeseries?from=${from}&to=${to}&interval_seconds=300`,
      { headers: { authorization: `Bearer ${key}` } },
    );
    expect(series.status).toBe(200);
    const buckets = series.json['buckets'] as Json[];
    expect(buckets.length).toBeGreaterThanOrEqual(13);
    expect(buckets.reduce((n, b) => n + Number(b['trace_count']), 0)).toBe(3);
    expect(buckets.reduce((n, b) => n + Number(b['total_tokens']), 0)).toBeGreaterThan(0);
    expect(series.json['scan_complete']).toBe(true);
    expect(series.json['by_agent']).toEqual([
      expect.objectContaining({ agent_id: null, span_count: 3 }),
    ]);
    const tooMany = await call(
      `/api/v1/stats/timeseries?from=2020-01-01T00:00:00Z&to=${to}&interval_seconds=60`,
      { headers: { authorization: `Bearer ${key}` } },
    );
    expect(tooMany.status).toBe(400);
    // Another tenant's key sees none of it.
    const other = await tenantKey('other');
    const otherSeries = await call(
      `/api/v1/stats/timeseries?from=${from}&to=${to}&interval_seconds=300`,
      { headers: { authorization: `Bearer ${other.key}` } },
    );
    expect(
      (otherSeries.json['buckets'] as Json[]).reduce((n, b) => n + Number(b['trace_count']), 0),
    ).toBe(0);
  });
});
