import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chatStreamFrames,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import { calibrate, probeWhile, sendCounting, writeInPieces } from '../support/latency-probe.js';
import type { TraceSpan } from '@llmtrace/core';
import { send, startProxy, type ProxyUnderTest } from '../support/harness.js';

// Issue 14, items 1, 2, 5 and 6: one request or one answer froze every client for seconds (or killed
// the process). Each test runs the heavy exchange and, while its work is in progress, sends small
// requests one after another: none may take longer than 20× the idle latency (2 s at least).

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

/** The heavy exchange is sent as this agent, so its span can be told from the probes' spans. */
const HEAVY_AGENT = { 'x-llmtrace-agent-id': 'heavy' };

/**
 * Probes until the heavy exchange's span is stored. Counting capture jobs instead raced: the last
 * calibration request's job can be enqueued after its client has the answer, and be taken for the
 * heavy one.
 */
async function probeCapture(p: ProxyUnderTest): Promise<number[]> {
  return probeWhile(p.server.url, async () => {
    const page = await p.server.storage.traces.querySpans({
      tenantId: 'default',
      agentId: 'heavy',
      limit: 1,
      offset: 0,
    });
    return page.items.length > 0;
  });
}

/** The heavy exchange's spans (probe spans are many, and newer). */
async function heavySpans(p: ProxyUnderTest): Promise<TraceSpan[]> {
  await p.server.capture.flush();
  const page = await p.server.storage.traces.querySpans({
    tenantId: 'default',
    agentId: 'heavy',
    limit: 10,
    offset: 0,
  });
  return page.items;
}

function streamedAnswer(body: string | Buffer): void {
  upstream.route('POST /v1/chat/completions', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(body);
  });
}

const HEAVY = '/v1/heavy/chat/completions';

describe('no single exchange stalls the proxy (issue 14)', () => {
  it('item 1: a 150 KB prompt without spaces, streamed without usage, is counted in bounded time', async () => {
    proxy = await startProxy(upstream.url);
    const probe = await calibrate(proxy.server.url);
    streamedAnswer(chatStreamFrames(['Hi', ' there']).join(''));
    const body = JSON.stringify({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'a'.repeat(150_000) }],
    });
    expect((await send(proxy.server.url, { body, headers: HEAVY_AGENT })).status).toBe(200);
    const latencies = await probeCapture(proxy);
    expect(Math.max(...latencies)).toBeLessThan(probe.boundMs);
    // By agent: more than a page of probe spans can start after the heavy one while it is analysed.
    const heavy = (await heavySpans(proxy)).find(
      (s) => s.prompt?.startsWith('user: aaaa') === true,
    );
    expect(heavy?.tokensEstimated).toBe(true);
    expect(heavy?.tags['tokens_approximated']).toBe('true');
    expect(heavy?.promptTokens).toBeGreaterThan(150_000 / 8);
  });

  it('item 1: the same prompt under a token cap is counted on the request path in slices', async () => {
    proxy = await startProxy(upstream.url, {
      budgets: { default: { max_prompt_tokens: 10_000_000 } },
    });
    const probe = await calibrate(proxy.server.url);
    const body = JSON.stringify({
      model: 'gpt-4o',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'a'.repeat(150_000) }],
    });
    let finished = false;
    const heavy = send(proxy.server.url, { body }).finally(() => (finished = true));
    const latencies = await probeWhile(proxy.server.url, () => finished);
    expect((await heavy).status).toBe(200);
    expect(Math.max(...latencies)).toBeLessThan(probe.boundMs);
  });

  it('item 2: a gzip bomb from the upstream is recorded as undecodable, and the proxy lives on', async () => {
    // 32 gzip members of 64 MiB of zeros: a valid 2 MB body that inflates to 2 GiB.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 32 }, () => member));
    upstream.route('POST /v1/chat/completions', (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': bomb.length,
      });
      res.end(bomb);
    });
    proxy = await startProxy(upstream.url);
    const res = await send(proxy.server.url, {
      headers: { 'accept-encoding': 'gzip' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    // The client gets the upstream's bytes untouched.
    expect(res.status).toBe(200);
    expect(res.body.equals(bomb)).toBe(true);
    const [span] = await proxy.spans();
    expect(span?.tags['response_undecodable']).toBe('true');
    expect(span?.tags['response_undecodable_reason']).toContain('larger than');
    upstream.route('POST /v1/chat/completions', (_req, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      r.end('{}');
    });
    expect((await send(proxy.server.url, { body: '{}' })).status).toBe(200);
  });

  it.each([
    ['a 50 MB line', () => `data: ${'x'.repeat(50 * 1024 * 1024)}\n\ndata: [DONE]\n\n`],
    ['20 MB without a newline', () => `data: ${'y'.repeat(20 * 1024 * 1024)}`],
    [
      '300k tiny events without usage',
      () =>
        'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n'.repeat(
          300_000,
        ),
    ],
  ])('item 5: an SSE answer with %s is captured without stalling', async (_name, make) => {
    proxy = await startProxy(upstream.url);
    const probe = await calibrate(proxy.server.url);
    const answer = Buffer.from(make());
    upstream.route(`POST ${HEAVY}`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      writeInPieces(res, answer);
    });
    const body = Buffer.from(
      JSON.stringify({
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    let finished = false;
    const heavy = sendCounting(proxy.server.url, HEAVY, body, HEAVY_AGENT).finally(
      () => (finished = true),
    );
    const during = await probeWhile(proxy.server.url, () => finished);
    expect((await heavy).bytes).toBe(answer.length);
    const after = await probeCapture(proxy);
    expect(Math.max(...during, ...after)).toBeLessThan(probe.boundMs);
  });

  it('item 6: a 30 MB request of 15,728 messages is screened in block mode within the analysis budget', async () => {
    proxy = await startProxy(upstream.url, {
      security: { mode: 'block', analysis_timeout_ms: 50 },
    });
    const probe = await calibrate(proxy.server.url);
    const messages = Array.from({ length: 15_728 }, (_, i) => ({
      role: 'user',
      content: `note ${i}: ${'lorem ipsum dolor sit amet '.repeat(74)}`,
    }));
    const body = Buffer.from(JSON.stringify({ model: 'gpt-4o', messages }));
    expect(body.length).toBeGreaterThan(30_000_000);
    let finished = false;
    const heavy = sendCounting(proxy.server.url, '/v1/chat/completions', body, HEAVY_AGENT).finally(
      () => (finished = true),
    );
    const during = await probeWhile(proxy.server.url, () => finished);
    expect((await heavy).status).toBe(200);
    const after = await probeCapture(proxy);
    expect(Math.max(...during, ...after)).toBeLessThan(probe.boundMs);
    const span = (await heavySpans(proxy)).find((s) => (s.prompt?.length ?? 0) > 100_000);
    expect(span?.tags['analysis_partial']).toMatch(/of 15728 messages/);
  });
});
