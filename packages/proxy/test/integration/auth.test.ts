import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { CHAT_REQUEST, send, startProxy, type ProxyUnderTest } from '../support/harness.js';

const ADMIN_KEY = 'admin-key-for-tests-0123456789';

let upstream: MockUpstream;
let proxy: ProxyUnderTest;
let logs: string;

beforeEach(async () => {
  upstream = await startMockUpstream();
  logs = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  proxy = await startProxy(
    upstream.url,
    { auth: { enabled: true, admin_key: ADMIN_KEY } },
    { logger: pino({ level: 'debug' }, sink) },
  );
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

type Json = Record<string, unknown> & { items?: Record<string, unknown>[]; total?: number };

async function api(
  path: string,
  key: string | undefined,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await send(proxy.server.url, {
    method: options.method ?? 'GET',
    path,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = res.body.toString();
  return { status: res.status, json: (text === '' ? {} : JSON.parse(text)) as Json };
}

async function tenantWithKey(id: string, role = 'admin'): Promise<string> {
  expect(
    (await api('/api/v1/tenants', ADMIN_KEY, { method: 'POST', body: { id, name: id } })).status,
  ).toBe(201);
  const created = await api(`/api/v1/tenants/${id}/keys`, ADMIN_KEY, {
    method: 'POST',
    body: { name: 'test', role },
  });
  expect(created.status).toBe(201);
  return String(created.json['key']);
}

async function proxied(key: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await send(proxy.server.url, {
    headers: { authorization: 'Bearer sk-provider-key', 'x-llmtrace-key': key, ...headers },
    body: CHAT_REQUEST,
  });
  expect(res.status).toBe(200);
  await proxy.server.capture.flush();
  return String(res.headers['x-llmtrace-trace-id']);
}

describe('authentication', () => {
  it('refuses API calls without a key or with a wrong one', async () => {
    expect((await api('/api/v1/traces', undefined)).status).toBe(401);
    expect((await api('/api/v1/traces', 'llmt_wrong')).status).toBe(401);
    expect((await api('/api/v1/tenants', 'admin-key-for-tests-012345678X')).status).toBe(401);
    expect((await api('/health', undefined)).status).toBe(200);
  });

  it('lets the admin key manage tenants and keys, and shows a key only once', async () => {
    const key = await tenantWithKey('acme');
    expect(key).toMatch(/^llmt_/);
    const list = await api('/api/v1/tenants/acme/keys', ADMIN_KEY);
    expect(list.json).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(list.json.items).toHaveLength(1);
    expect(list.json.items?.[0]).toMatchObject({
      prefix: key.slice(0, 13),
      role: 'admin',
      revoked_at: null,
    });
    expect(JSON.stringify(list.json)).not.toContain(key);
    const audit = await api('/api/v1/audit?tenant_id=acme', ADMIN_KEY);
    expect(audit.json.items?.map((e) => e['action'])).toEqual(['key.create', 'tenant.create']);
  });

  it('requires an LLMTrace key on proxy traffic, takes the tenant from it and never forwards it', async () => {
    const key = await tenantWithKey('acme');
    const missing = await send(proxy.server.url, {
      headers: { authorization: 'Bearer sk-provider-key' },
      body: CHAT_REQUEST,
    });
    expect(missing.status).toBe(401);
    const traceId = await proxied(key);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.headers['x-llmtrace-key']).toBeUndefined();
    expect(upstream.requests[0]?.headers['authorization']).toBe('Bearer sk-provider-key');
    const trace = await api(`/api/v1/traces/${traceId}`, key);
    expect(trace.status).toBe(200);
    expect(trace.json['tenant_id']).toBe('acme');
    // A tenant header naming another tenant next to the key is refused.
    const spoof = await send(proxy.server.url, {
      headers: { 'x-llmtrace-key': key, 'x-llmtrace-tenant-id': 'other' },
      body: CHAT_REQUEST,
    });
    expect(spoof.status).toBe(403);
  });
});

describe('tenant isolation (abuse)', () => {
  it("never shows one tenant another tenant's traces, spans, stats, findings or audit", async () => {
    const keyA = await tenantWithKey('tenant-a');
    const keyB = await tenantWithKey('tenant-b');
    const traceA = await proxied(keyA);
    const before = await proxy.server.storage.traces.getTrace('tenant-a', traceA);

    // By id: 404, as if it did not exist.
    expect((await api(`/api/v1/traces/${traceA}`, keyB)).status).toBe(404);
    const spanA = before?.spans[0]?.spanId ?? '';
    expect(spanA).not.toBe('');
    expect((await api(`/api/v1/spans/${spanA}`, keyB)).status).toBe(404);
    // By query parameter: refused.
    expect((await api('/api/v1/traces?tenant_id=tenant-a', keyB)).status).toBe(403);
    expect((await api(`/api/v1/traces/${traceA}?tenant_id=tenant-a`, keyB)).status).toBe(403);
    expect((await api('/api/v1/stats?tenant_id=tenant-a', keyB)).status).toBe(403);
    expect((await api('/api/v1/audit?tenant_id=tenant-a', keyB)).status).toBe(403);
    // By header: ignored — the tenant comes from the key.
    const viaHeader = await api('/api/v1/traces', keyB, {
      headers: { 'x-llmtrace-tenant-id': 'tenant-a' },
    });
    expect(viaHeader.json.total).toBe(0);
    expect((await api('/api/v1/stats', keyB)).json['trace_count']).toBe(0);
    expect((await api('/api/v1/security/findings', keyB)).json.total).toBe(0);
    // Tenant management of another tenant: 404 / 403, and nothing changes.
    expect((await api('/api/v1/tenants/tenant-a', keyB)).status).toBe(404);
    expect(
      (await api('/api/v1/tenants/tenant-a', keyB, { method: 'PUT', body: { name: 'pwned' } }))
        .status,
    ).toBe(404);
    expect((await api('/api/v1/tenants/tenant-a/keys', keyB)).status).toBe(404);
    expect(
      (await api('/api/v1/tenants/tenant-a/keys', keyB, { method: 'POST', body: { name: 'x' } }))
        .status,
    ).toBe(404);
    expect((await api('/api/v1/tenants/tenant-a', keyB, { method: 'DELETE' })).status).toBe(403);
    expect((await api('/api/v1/tenants', keyB)).status).toBe(403);
    expect((await api('/api/v1/tenants/tenant-a', ADMIN_KEY)).json['name']).toBe('tenant-a');
    expect(await proxy.server.storage.traces.getTrace('tenant-a', traceA)).toEqual(before);
    // Its own data is there.
    expect((await api(`/api/v1/traces/${traceA}`, keyA)).status).toBe(200);
  });

  it("issue 19: a tenant's own admin key cannot lift the rate limits the operator set", async () => {
    const key = await tenantWithKey('capped');
    const limits = { rate_limit_rpm: 10, rate_limit_tpm: 1000 };
    expect(
      (await api('/api/v1/tenants/capped', ADMIN_KEY, { method: 'PUT', body: { config: limits } }))
        .status,
    ).toBe(200);
    for (const config of [
      { rate_limit_rpm: 10_000 },
      { rate_limit_tpm: null },
      { agent_rate_limit_rpm: 5 },
    ]) {
      const refused = await api('/api/v1/tenants/capped', key, { method: 'PUT', body: { config } });
      expect(refused.status).toBe(403);
    }
    // The limits are unchanged; other settings (and restating a limit as it is) still work.
    const ok = await api('/api/v1/tenants/capped', key, {
      method: 'PUT',
      body: { config: { retention_days: 7, rate_limit_rpm: 10 } },
    });
    expect(ok.status).toBe(200);
    expect(ok.json['config']).toMatchObject({ ...limits, retention_days: 7 });
  });

  it('lets the admin key read across tenants, or one named with tenant_id', async () => {
    const keyA = await tenantWithKey('tenant-a');
    const keyB = await tenantWithKey('tenant-b');
    const traceA = await proxied(keyA);
    const traceB = await proxied(keyB);
    const all = await api('/api/v1/traces', ADMIN_KEY);
    expect(all.status).toBe(200);
    expect(
      all.json.items?.map((t) => `${String(t['tenant_id'])}/${String(t['trace_id'])}`).sort(),
    ).toEqual([`tenant-a/${traceA}`, `tenant-b/${traceB}`].sort());
    expect((await api('/api/v1/stats', ADMIN_KEY)).json['trace_count']).toBe(2);
    expect((await api('/api/v1/spans?tenant_id=tenant-a', ADMIN_KEY)).json.total).toBe(1);
    // A trace id from X-LLMTrace-Trace-ID opens without naming its tenant.
    const byId = await api(`/api/v1/traces/${traceA}`, ADMIN_KEY);
    expect(byId.status).toBe(200);
    expect(byId.json['tenant_id']).toBe('tenant-a');
    const spanB = (await proxy.server.storage.traces.getTrace('tenant-b', traceB))?.spans[0]
      ?.spanId;
    expect((await api(`/api/v1/spans/${spanB}`, ADMIN_KEY)).json['tenant_id']).toBe('tenant-b');
    // A tenant key still sees only its own tenant, whatever it asks for.
    expect((await api('/api/v1/traces', keyA)).json.total).toBe(1);
    expect((await api(`/api/v1/traces/${traceB}`, keyA)).status).toBe(404);
  });

  it('enforces roles: a viewer reads but cannot manage keys or settings', async () => {
    await tenantWithKey('acme');
    const viewer = String(
      (
        await api('/api/v1/tenants/acme/keys', ADMIN_KEY, {
          method: 'POST',
          body: { name: 'ro', role: 'viewer' },
        })
      ).json['key'],
    );
    expect((await api('/api/v1/traces', viewer)).status).toBe(200);
    expect((await api('/api/v1/tenants/acme', viewer)).status).toBe(200);
    expect(
      (await api('/api/v1/tenants/acme', viewer, { method: 'PUT', body: { name: 'x' } })).status,
    ).toBe(403);
    expect(
      (await api('/api/v1/tenants/acme/keys', viewer, { method: 'POST', body: { name: 'x' } }))
        .status,
    ).toBe(403);
  });

  it('stops a revoked key and the keys of a deleted tenant at once', async () => {
    const key = await tenantWithKey('acme');
    await proxied(key);
    const keyId = String(
      (await api('/api/v1/tenants/acme/keys', ADMIN_KEY)).json.items?.[0]?.['id'],
    );
    expect(
      (await api(`/api/v1/tenants/acme/keys/${keyId}`, ADMIN_KEY, { method: 'DELETE' })).status,
    ).toBe(200);
    expect((await api('/api/v1/traces', key)).status).toBe(401);
    const afterRevoke = await send(proxy.server.url, {
      headers: { 'x-llmtrace-key': key },
      body: CHAT_REQUEST,
    });
    expect(afterRevoke.status).toBe(401);

    const key2 = await tenantWithKey('doomed');
    await proxied(key2);
    expect((await api('/api/v1/tenants/doomed', ADMIN_KEY, { method: 'DELETE' })).status).toBe(200);
    expect((await api('/api/v1/traces', key2)).status).toBe(401);
    expect(
      (await send(proxy.server.url, { headers: { 'x-llmtrace-key': key2 }, body: CHAT_REQUEST }))
        .status,
    ).toBe(401);
    // Its data stays until retention removes it.
    expect(
      (await proxy.server.storage.traces.querySpans({ tenantId: 'doomed', limit: 10, offset: 0 }))
        .total,
    ).toBe(1);
  });

  it('never stores or logs keys in clear', async () => {
    const key = await tenantWithKey('acme');
    await proxied(key);
    await api('/api/v1/traces', 'llmt_not-a-real-key-but-secret');
    await proxy.close();
    for (const file of [proxy.dbPath, `${proxy.dbPath}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(ADMIN_KEY))).toBe(false);
      expect(bytes.includes(Buffer.from('sk-provider-key'))).toBe(false);
    }
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(ADMIN_KEY);
    expect(logs).not.toContain('sk-provider-key');
    expect(logs).not.toContain('not-a-real-key-but-secret');
  });
});
