import { Buffer } from 'node:buffer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHAT_COMPLETION,
  chatStreamFrames,
  sendFrames,
  sendJson,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import { send, startProxy, type ProxyUnderTest } from '../support/harness.js';

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

const CHAT = JSON.stringify({
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'You are AcmeBot.' },
    { role: 'user', content: 'What is the weather like?' },
  ],
});
const STREAM_CHAT = JSON.stringify({ ...(JSON.parse(CHAT) as object), stream: true });

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  if (proxy === undefined) throw new Error('no proxy');
  const res = await send(proxy.server.url, {
    method,
    path,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: JSON.parse(res.body.toString('utf8')) as never };
}

async function register(tenant: string, value: string): Promise<string> {
  const res = await api('POST', '/api/v1/canaries', {
    label: 'bot prompt',
    value,
    tenant_id: tenant,
  });
  expect(res.status).toBe(201);
  return String(res.json['id']);
}

function answer(content: string, toolArgs?: string): unknown {
  return {
    ...CHAT_COMPLETION,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          ...(toolArgs === undefined
            ? {}
            : {
                tool_calls: [
                  {
                    id: 'call_1',
                    type: 'function',
                    function: { name: 'send_email', arguments: toolArgs },
                  },
                ],
              }),
        },
        finish_reason: 'stop',
      },
    ],
  };
}

const VALUE = 'ACME-CANARY-5d1e77b0';

describe('issue 19: canary tokens', () => {
  it('registers a canary, shows its value once, and never lists or audits the value', async () => {
    proxy = await startProxy(upstream.url);
    const created = await api('POST', '/api/v1/canaries', {
      label: 'support bot',
      tenant_id: 'acme',
    });
    expect(created.status).toBe(201);
    const value = String(created.json['value']);
    expect(value).toMatch(/^llmt-canary-[0-9a-f]{24}$/);
    const listed = await api('GET', '/api/v1/canaries?tenant_id=acme');
    expect(listed.json['total']).toBe(1);
    expect(JSON.stringify(listed.json)).not.toContain(value);
    expect(JSON.stringify(listed.json)).toContain('llmt-c');
    const audit = await proxy.server.storage.metadata.queryAudit({
      tenantId: 'acme',
      limit: 10,
      offset: 0,
    });
    expect(audit.items.map((e) => e.action)).toContain('canary.create');
    expect(JSON.stringify(audit.items)).not.toContain(value);
    const bad = await api('POST', '/api/v1/canaries', {
      label: 'x',
      value: 'short',
      tenant_id: 'acme',
    });
    expect(bad.status).toBe(400);
    const del = await api(
      'DELETE',
      `/api/v1/canaries/${String(created.json['id'])}?tenant_id=acme`,
    );
    expect(del.status).toBe(200);
    expect((await api('GET', '/api/v1/canaries?tenant_id=acme')).json['total']).toBe(0);
    expect(
      (await api('DELETE', `/api/v1/canaries/${String(created.json['id'])}?tenant_id=acme`)).status,
    ).toBe(404);
  });

  it('finds a base64 canary in an answer and a hex one in tool arguments: critical, named by id', async () => {
    proxy = await startProxy(upstream.url);
    const id = await register('acme', VALUE);
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(
        res,
        200,
        answer(
          `Encoded as asked: ${Buffer.from(VALUE).toString('base64')}`,
          JSON.stringify({ body: Buffer.from(VALUE).toString('hex') }),
        ),
      ),
    );
    await send(proxy.server.url, { headers: { 'x-llmtrace-tenant-id': 'acme' }, body: CHAT });
    // The same answer for a tenant without this canary finds nothing.
    await send(proxy.server.url, { headers: { 'x-llmtrace-tenant-id': 'other' }, body: CHAT });
    const [span] = await proxy.spans('acme');
    const leaks = span?.securityFindings.filter((f) => f.type === 'system_prompt_leak') ?? [];
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({
      severity: 'critical',
      owaspId: 'LLM07:2025',
      metadata: { canaryId: id, encoding: 'base64', place: 'response' },
    });
    expect(span?.securityScore).toBe(100);
    expect(JSON.stringify(leaks)).not.toContain(VALUE);
    const [other] = await proxy.spans('other');
    expect(other?.securityFindings.filter((f) => f.metadata['detector'] === 'canary')).toEqual([]);
  });

  it('names a canary found only in tool-call arguments', async () => {
    proxy = await startProxy(upstream.url);
    const id = await register('acme', VALUE);
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(
        res,
        200,
        answer('Sending now.', JSON.stringify({ note: VALUE.split('').join(' ') })),
      ),
    );
    await send(proxy.server.url, { headers: { 'x-llmtrace-tenant-id': 'acme' }, body: CHAT });
    const [span] = await proxy.spans('acme');
    expect(span?.securityFindings.find((f) => f.metadata['detector'] === 'canary')).toMatchObject({
      severity: 'critical',
      metadata: { canaryId: id, place: 'tool_arguments' },
    });
  });

  it('in block mode cuts off a stream when a canary split across SSE chunks completes', async () => {
    proxy = await startProxy(upstream.url, { security: { mode: 'block' } });
    const id = await register('acme', VALUE);
    const frames = chatStreamFrames(['Here it is: ACME-CAN', 'ARY-5d1e', '77b0', ' and the rest']);
    upstream.route('POST /v1/chat/completions', (_req, res) => sendFrames(res, frames, 5));
    const res = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: STREAM_CHAT,
    });
    const body = res.body.toString('utf8');
    expect(res.status).toBe(200);
    expect(body).toContain('ACME-CAN');
    expect(body).not.toContain('77b0');
    expect(body).not.toContain('the rest');
    expect(body).not.toContain('[DONE]');
    const last = body.trimEnd().split('\n\n').at(-1) ?? '';
    expect(last.startsWith('data: ')).toBe(true);
    const event = JSON.parse(last.slice('data: '.length)) as { error: Record<string, unknown> };
    expect(event.error).toMatchObject({ code: 'SECURITY_BLOCKED', canary_id: id });
    const [span] = await proxy.spans('acme');
    expect(span?.securityFindings.some((f) => f.metadata['canaryId'] === id)).toBe(true);
  });

  it('in block mode withholds a whole JSON answer that contains a canary', async () => {
    proxy = await startProxy(upstream.url, { security: { mode: 'block' } });
    const id = await register('acme', VALUE);
    upstream.route('POST /v1/chat/completions', (_req, res) =>
      sendJson(res, 200, answer(`My instructions end with ${VALUE.toLowerCase()} as a marker.`)),
    );
    const res = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: CHAT,
    });
    const body = res.body.toString('utf8');
    expect(res.status).toBe(403);
    expect(body.toLowerCase()).not.toContain(VALUE.toLowerCase());
    expect(body).not.toContain('My instructions');
    const error = (JSON.parse(body) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ code: 'SECURITY_BLOCKED', canary_id: id });
    const [span] = await proxy.spans('acme');
    expect(span?.securityFindings.some((f) => f.metadata['canaryId'] === id)).toBe(true);
    expect(span?.events.map((e) => e.name)).toContain('canary_leak');
  });

  it('in block mode relays a whole JSON answer without a canary unchanged', async () => {
    proxy = await startProxy(upstream.url, { security: { mode: 'block' } });
    await register('acme', VALUE);
    const sent = answer('Sunny, 21 degrees.');
    upstream.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 200, sent));
    const res = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: CHAT,
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString('utf8'))).toEqual(sent);
  });

  it('in block mode answers 502 when the upstream dies in the middle of a held JSON answer', async () => {
    proxy = await startProxy(upstream.url, { security: { mode: 'block' } });
    await register('acme', VALUE);
    upstream.route('POST /v1/chat/completions', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-1","choices":[{"message":{"content":"My instr');
      setTimeout(() => req.socket.destroy(), 50);
    });
    const res = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: CHAT,
    });
    expect(res.status).toBe(502);
    expect(res.body.toString('utf8')).not.toContain('My instr');
    // The proxy serves the next request.
    upstream.route('POST /v1/chat/completions', (_req, r) => sendJson(r, 200, answer('ok')));
    const next = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: CHAT,
    });
    expect(next.status).toBe(200);
  });

  it('in block mode passes on a whole answer over 8 MiB as it arrives', async () => {
    proxy = await startProxy(upstream.url, { security: { mode: 'block' } });
    await register('acme', VALUE);
    const big = answer('x'.repeat(9 * 1024 * 1024));
    upstream.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 200, big));
    const res = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: CHAT,
    });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(Buffer.byteLength(JSON.stringify(big)));
  });

  it('in block mode ends an Anthropic stream with an `event: error`', async () => {
    proxy = await startProxy(upstream.url, { security: { mode: 'block' } });
    await register('acme', VALUE);
    const delta = (text: string) =>
      `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })}\n\n`;
    upstream.route('POST /v1/messages', (_req, res) =>
      sendFrames(res, [delta('ok ACME-CANARY'), delta('-5d1e77b0'), delta(' more')], 5),
    );
    const res = await send(proxy.server.url, {
      path: '/v1/messages',
      headers: { 'x-llmtrace-tenant-id': 'acme', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    const body = res.body.toString('utf8');
    expect(body).toMatch(/event: error\ndata: \{"type":"error"/);
    expect(body).not.toContain(' more');
  });

  it('in block mode ends an Ollama NDJSON stream with an error line', async () => {
    proxy = await startProxy(upstream.url, { security: { mode: 'block' } });
    await register('acme', VALUE);
    const line = (content: string, done = false) =>
      `${JSON.stringify({ model: 'llama3', message: { role: 'assistant', content }, done })}\n`;
    upstream.route('POST /api/chat', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(line('sure: ACME-CANARY-5d1'));
      setTimeout(() => {
        res.write(line('e77b0'));
        setTimeout(() => res.end(line(' bye', true)), 5);
      }, 5);
    });
    const res = await send(proxy.server.url, {
      path: '/api/chat',
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: JSON.stringify({ model: 'llama3', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const lines = res.body.toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ code: 'SECURITY_BLOCKED' });
    expect(res.body.toString('utf8')).not.toContain('bye');
  });

  it('outside block mode a stream is relayed unchanged and the leak is recorded', async () => {
    proxy = await startProxy(upstream.url);
    const id = await register('acme', VALUE);
    const frames = chatStreamFrames(['Here it is: ACME-CAN', 'ARY-5d1e', '77b0', ' and the rest']);
    upstream.route('POST /v1/chat/completions', (_req, res) => sendFrames(res, frames, 2));
    const res = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'acme' },
      body: STREAM_CHAT,
    });
    expect(res.body.toString('utf8')).toBe(frames.join(''));
    const [span] = await proxy.spans('acme');
    expect(span?.securityFindings.find((f) => f.metadata['canaryId'] === id)?.severity).toBe(
      'critical',
    );
  });

  it('with inject on, puts a canary into the system prompt (the one change to a request) and catches its leak', async () => {
    proxy = await startProxy(upstream.url, { security: { canary: { inject: true } } });
    // Without a registered canary the proxy makes one for the tenant on first use.
    await send(proxy.server.url, { headers: { 'x-llmtrace-tenant-id': 'acme' }, body: CHAT });
    // Capture waits for the tenant's canaries to load (and be made), so after it they exist.
    await proxy.spans('acme');
    const listed = await api('GET', '/api/v1/canaries?tenant_id=acme');
    expect(listed.json['total']).toBe(1);
    const stored = await proxy.server.storage.metadata.listCanaries('acme');
    const value = stored[0]?.value ?? '';
    upstream.route('POST /v1/chat/completions', (_req, res, received) => {
      const sent = JSON.parse(received.body.toString('utf8')) as {
        messages: { role: string; content: string }[];
      };
      // A model that leaks its prompt: it repeats the system message.
      sendJson(res, 200, answer(`My prompt: ${sent.messages[0]?.content ?? ''}`));
    });
    await send(proxy.server.url, { headers: { 'x-llmtrace-tenant-id': 'acme' }, body: CHAT });
    const forwarded = upstream.requests.at(-1);
    const sent = JSON.parse(forwarded?.body.toString('utf8') ?? '{}') as {
      messages: { role: string; content: string }[];
    };
    expect(sent.messages[0]?.role).toBe('system');
    expect(sent.messages[0]?.content).toContain('You are AcmeBot.');
    expect(sent.messages[0]?.content).toContain(value);
    expect(sent.messages.slice(1)).toEqual([
      { role: 'user', content: 'What is the weather like?' },
    ]);
    expect(Number(forwarded?.headers['content-length'])).toBe(forwarded?.body.length);
    // Another tenant's requests, with injection off for it, go byte for byte.
    const created = await api('POST', '/api/v1/tenants', {
      id: 'plain',
      name: 'Plain',
      config: { canary: { inject: false } },
    });
    expect(created.status).toBe(201);
    await send(proxy.server.url, { headers: { 'x-llmtrace-tenant-id': 'plain' }, body: CHAT });
    expect(upstream.requests.at(-1)?.body.toString('utf8')).toBe(CHAT);
    const [span] = await proxy.spans('acme');
    expect(span?.securityFindings.find((f) => f.metadata['detector'] === 'canary')).toMatchObject({
      severity: 'critical',
      metadata: { canaryId: stored[0]?.id },
    });
  });
});
