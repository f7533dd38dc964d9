import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { send, startProxy, type ProxyUnderTest } from '../support/harness.js';

let upstream: MockUpstream;
let proxy: ProxyUnderTest;

beforeEach(async () => {
  upstream = await startMockUpstream();
  proxy = await startProxy(upstream.url);
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

describe('issue 14 item 12: API and docs answers are never sniffed, framed or cached', () => {
  it('sends nosniff, frame denial, a CSP and no-store on JSON, errors, 404s, health and the docs', async () => {
    const cases: [string, number][] = [
      ['/api/v1/traces', 200],
      ['/api/v1/openapi.json', 200],
      ['/api/v1/traces?limit=0', 400],
      ['/api/v1/traces/none', 404],
      ['/api/v1/nothing-here', 404],
      ['/health', 200],
      ['/api/v1/docs', 200],
    ];
    for (const [path, status] of cases) {
      const res = await send(proxy.server.url, { method: 'GET', path });
      expect(res.status, path).toBe(status);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['cache-control'], path).toBe('no-store');
      expect(res.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy'], path).toContain("default-src 'none'");
    }
  });

  it("lets the docs page run only its own inline script and style (the CSP's hashes match them)", async () => {
    const res = await send(proxy.server.url, { method: 'GET', path: '/api/v1/docs' });
    const html = res.body.toString();
    const csp = String(res.headers['content-security-policy']);
    const inline = (tag: string): string => {
      const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
      if (match?.[1] === undefined) throw new Error(`no inline <${tag}>`);
      return `'sha256-${createHash('sha256').update(match[1]).digest('base64')}'`;
    };
    expect(csp).toContain(`script-src ${inline('script')}`);
    expect(csp).toContain(`style-src ${inline('style')}`);
    expect(csp).toContain("connect-src 'self'");
  });
});

describe('issue 14 item 12: a time range ending before it starts is a 400, never an empty answer', () => {
  const later = '2026-02-01T00:00:00Z';
  const earlier = '2026-01-01T00:00:00Z';
  it.each([
    '/api/v1/traces',
    '/api/v1/spans',
    '/api/v1/security/findings',
    '/api/v1/stats',
    '/api/v1/audit',
    '/api/v1/alerts',
  ])('%s refuses from > to, also as start_time > end_time', async (path) => {
    for (const query of [
      `from=${later}&to=${earlier}`,
      `start_time=${later}&end_time=${earlier}`,
      `from=${later}&end_time=${earlier}`,
    ]) {
      const res = await send(proxy.server.url, { method: 'GET', path: `${path}?${query}` });
      expect(res.status, query).toBe(400);
      const body = JSON.parse(res.body.toString()) as { error: { code: string; field: string } };
      expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'from' });
    }
    // Offsets are compared as instants, not as strings: 01:00+02:00 is before 00:00Z.
    const ok = await send(proxy.server.url, {
      method: 'GET',
      path: `${path}?from=${encodeURIComponent('2026-01-01T01:00:00+02:00')}&to=2026-01-01T00:00:00Z`,
    });
    expect(ok.status).toBe(200);
  });
});
