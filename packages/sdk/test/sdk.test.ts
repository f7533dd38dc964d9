import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  ActionReporter,
  createApiClient,
  currentSpan,
  flushActions,
  instrument,
  reportAction,
  setDefaultReporter,
  span,
  trace,
  type ReportedAction,
} from '@llmtrace/sdk';
import type { TraceSpan } from '@llmtrace/core';
import { eventually } from '../../proxy/test/support/harness.js';
import { startSdkStack, STREAM_PIECES, type SdkStack } from './support/sdk-stack.js';

const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929';
/** Named explicitly: otherwise the proxy derives the tenant from a hash of the provider key. */
const TENANT = 'sdk-ts';
/** True while main has no `POST /api/v1/traces/:trace_id/actions` (issue 15). */
const ACTIONS_ENDPOINT_PENDING = false;

let stack: SdkStack;
beforeAll(async () => {
  stack = await startSdkStack();
});
afterAll(async () => {
  await stack?.close();
});

let counter = 0;
function uniqueAgent(): string {
  counter += 1;
  return `ts-agent-${process.pid}-${counter}`;
}

function openai(agentId: string): OpenAI {
  return instrument(new OpenAI({ apiKey: 'sk-test-ts-sdk' }), {
    proxyUrl: stack.url,
    tenantId: TENANT,
    agentId,
  });
}

/** The stored spans of one agent, once `count` of them are there. */
async function spansOf(agentId: string, count: number): Promise<TraceSpan[]> {
  return eventually(async () => {
    const spans = (await stack.proxy.spans(TENANT)).filter((s) => s.agentId === agentId);
    return spans.length >= count ? spans : undefined;
  });
}

async function ask(client: OpenAI, text: string): Promise<string | null | undefined> {
  const answer = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: text }],
  });
  return answer.choices[0]?.message.content;
}

describe('instrument()', () => {
  it('sends the calls of an official OpenAI client through the proxy, tagged with the agent', async () => {
    const agentId = uniqueAgent();
    const client = openai(agentId);
    expect(client.baseURL).toBe(`${stack.url}/v1`);
    expect(await ask(client, 'Hello!')).toBe('Hello! How can I help you today?');
    const [stored] = await spansOf(agentId, 1);
    expect(stored?.totalTokens).toBe(29);
  });

  it('leaves the original client untouched', () => {
    const original = new OpenAI({ apiKey: 'sk-test-ts-sdk' });
    instrument(original, { proxyUrl: stack.url });
    expect(original.baseURL).toBe('https://api.openai.com/v1');
  });

  it('never sends LLMTrace identity headers to the provider', async () => {
    const agentId = uniqueAgent();
    await ask(openai(agentId), 'private');
    const received = stack.upstream.requests.at(-1);
    expect(Object.keys(received?.headers ?? {}).filter((h) => h.startsWith('x-llmtrace-'))).toEqual(
      [],
    );
  });

  it('streams an OpenAI answer through the instrumented client chunk by chunk', async () => {
    const agentId = uniqueAgent();
    const stream = await openai(agentId).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream' }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    expect(pieces.join('')).toBe(STREAM_PIECES.join(''));
    const [stored] = await spansOf(agentId, 1);
    expect(stored?.response).toBe(STREAM_PIECES.join(''));
  });

  it('works with the official Anthropic client, plain and streamed, in one trace', async () => {
    const agentId = uniqueAgent();
    const client = instrument(new Anthropic({ apiKey: 'sk-ant-test-ts-sdk' }), {
      proxyUrl: stack.url,
      tenantId: TENANT,
      agentId,
    });
    expect(client.baseURL).toBe(stack.url);
    const traceId = await trace('anthropic-run', async (scope) => {
      const message = await client.messages.create({
        model: ANTHROPIC_MODEL,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Weather?' }],
      });
      const block = message.content[0];
      expect(block?.type === 'text' ? block.text : '').toBe('It is 18°C and sunny.');
      const stream = client.messages.stream({
        model: ANTHROPIC_MODEL,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Stream it' }],
      });
      let text = '';
      stream.on('text', (delta) => (text += delta));
      await stream.finalMessage();
      expect(text).toBe(STREAM_PIECES.join(''));
      return scope.traceId;
    });
    const stored = await spansOf(agentId, 2);
    expect(stored.map((s) => s.provider)).toEqual(['anthropic', 'anthropic']);
    expect(new Set(stored.map((s) => s.traceId))).toEqual(new Set([traceId]));
  });
});

describe('trace() and span()', () => {
  it('a three-call agent run inside trace() is one trace with three spans', async () => {
    const agentId = uniqueAgent();
    const client = openai(agentId);
    const run = await trace('agent-run', async (root) => {
      await ask(client, 'plan the work');
      const step = await span('search', async (inner) => {
        await ask(client, 'search the web');
        return inner;
      });
      await ask(client, 'write the answer');
      return { root, step };
    });

    const stored = await spansOf(agentId, 3);
    expect(stored).toHaveLength(3);
    expect(new Set(stored.map((s) => s.traceId))).toEqual(new Set([run.root.traceId]));
    expect(new Set(stored.map((s) => s.spanId)).size).toBe(3);
    expect(stored.map((s) => s.parentSpanId).sort()).toEqual(
      [run.root.spanId, run.root.spanId, run.step.spanId].sort(),
    );

    const api = createApiClient({ proxyUrl: stack.url, tenantId: TENANT });
    const { data, error } = await api.GET('/api/v1/traces/{id}', {
      params: { path: { id: run.root.traceId } },
    });
    expect(error).toBeUndefined();
    expect(data?.spans).toHaveLength(3);
  });

  // Pending on issue 15 (POST /api/v1/traces/:trace_id/actions): `it.fails` keeps this running and
  // turns red the day the endpoint lands, so the marker cannot outlive the reason for it.
  (ACTIONS_ENDPOINT_PENDING ? it.fails : it)(
    'the actions reported inside the run are stored on its trace',
    async () => {
      const agentId = uniqueAgent();
      const client = openai(agentId);
      const reporter = setDefaultReporter(
        new ActionReporter({ proxyUrl: stack.url, tenantId: TENANT, flushIntervalMs: 10 }),
      );
      const traceId = await trace('agent-run', async (root) => {
        await ask(client, 'search the web');
        reportAction({
          type: 'web_access',
          name: 'fetch',
          url: 'https://example.com/docs',
          method: 'get',
          statusCode: 200,
        });
        reportAction({ type: 'command_execution', name: 'shell', command: 'ls -la', exitCode: 0 });
        return root.traceId;
      });
      expect(await flushActions()).toBe(true);
      expect(reporter.stats()).toMatchObject({ queued: 2, sent: 2, failed: 0, dropped: 0 });
      const stored = await stack.proxy.server.storage.traces.getTrace(TENANT, traceId);
      const actions = stored?.spans.flatMap((s) => s.agentActions) ?? [];
      expect(actions.map((a) => a.name).sort()).toEqual(['fetch', 'shell']);
    },
  );

  it('concurrent traces keep their own ids (AsyncLocalStorage, not a global)', async () => {
    const agentId = uniqueAgent();
    const client = openai(agentId);
    const ids = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        trace(name, async (scope) => {
          await ask(client, name);
          await ask(client, name);
          return scope.traceId;
        }),
      ),
    );
    expect(new Set(ids).size).toBe(3);
    const stored = await spansOf(agentId, 6);
    for (const id of ids) expect(stored.filter((s) => s.traceId === id)).toHaveLength(2);
  });

  it('forwards traceparent upstream unchanged', async () => {
    const agentId = uniqueAgent();
    const sent = await trace('forward', async (scope) => {
      await ask(openai(agentId), 'forward me');
      return scope.traceparent;
    });
    const received = stack.upstream.requests.at(-1);
    expect(received?.headers['traceparent']).toBe(sent);
  });

  it('has no scope outside trace(), and span() alone starts a trace', () => {
    expect(currentSpan()).toBeUndefined();
    const scope = span('lonely', (s) => s);
    expect(scope.parentSpanId).toBeNull();
    expect(scope.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('continues an incoming traceparent and ignores an invalid one', () => {
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const continued = trace('handler', (s) => s, { traceparent: incoming });
    expect(continued.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(continued.parentSpanId).toBe('b7ad6b7169203331');
    const fresh = trace('handler', (s) => s, { traceparent: '00-zz-b7ad6b7169203331-01' });
    expect(fresh.traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(fresh.parentSpanId).toBeNull();
  });
});

describe('reportAction()', () => {
  it('never throws when the proxy is unreachable: it warns and counts the failure', async () => {
    const warnings: string[] = [];
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    const reporter = new ActionReporter({
      proxyUrl: 'http://127.0.0.1:9',
      flushIntervalMs: 1,
      onWarning: (m) => warnings.push(m),
    });
    const queued = trace('offline', () =>
      reporter.report({ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }),
    );
    expect(queued).toBe(true);
    await reporter.flush();
    expect(reporter.stats()).toMatchObject({ sent: 0, failed: 1 });
    expect(warnings.join('\n')).toContain('not recorded');
  });

  it('drops bad input with a warning instead of throwing', () => {
    const warnings: string[] = [];
    const reporter = new ActionReporter({
      proxyUrl: stack.url,
      onWarning: (m) => warnings.push(m),
    });
    expect(reporter.report({ type: 'tool_call', name: 'outside-a-trace' })).toBe(false);
    trace('bad', () => {
      const bogus = { type: 'teleport', name: 'x' } as unknown as ReportedAction;
      expect(reporter.report(bogus)).toBe(false);
      expect(
        reporter.report({
          type: 'file_access',
          name: 'x',
          operation: 'chmod' as unknown as 'read',
        }),
      ).toBe(false);
    });
    expect(reporter.stats().dropped).toBe(3);
    expect(warnings.join('\n')).toMatch(
      /no open trace[\s\S]*not one of[\s\S]*read, write or delete/,
    );
  });
});

describe('the action wire format and process exit', () => {
  it('a script that ends without flushActions() still posts its queued actions, in snake_case', async () => {
    const received: { url: string; body: unknown; tenant: unknown }[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        received.push({
          url: req.url ?? '',
          body: JSON.parse(text),
          tenant: req.headers['x-llmtrace-tenant-id'],
        });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"actions":[]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const script = `
        import { configure, reportAction, trace } from '@llmtrace/sdk';
        configure({ proxyUrl: 'http://127.0.0.1:${port}', tenantId: 'acme' });
        trace('exit', (run) => {
          reportAction({ type: 'command_execution', name: 'shell', command: 'ls', exitCode: 0,
            durationMs: 12, startedAt: '2026-01-01T00:00:00.000Z' });
          reportAction({ type: 'web_access', name: 'fetch', url: 'https://example.com', method: 'post',
            statusCode: 201, arguments: { q: 1 } });
          console.log(run.traceId);
        });`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
      );
      const traceId = stdout.trim();
      expect(received).toEqual([
        {
          url: `/api/v1/traces/${traceId}/actions`,
          tenant: 'acme',
          body: {
            actions: [
              {
                action_type: 'command_execution',
                name: 'shell',
                started_at: '2026-01-01T00:00:00.000Z',
                duration_ms: 12,
                command: 'ls',
                exit_code: 0,
              },
              {
                action_type: 'web_access',
                name: 'fetch',
                started_at: expect.any(String) as unknown,
                arguments: '{"q":1}',
                url: 'https://example.com',
                method: 'POST',
                status_code: 201,
              },
            ],
          },
        },
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('public types', () => {
  it('instrument() returns the client type it was given; trace() returns what fn returns', () => {
    expectTypeOf(instrument(new OpenAI({ apiKey: 'x' }))).toEqualTypeOf<OpenAI>();
    expectTypeOf(instrument(new Anthropic({ apiKey: 'x' }))).toEqualTypeOf<Anthropic>();
    expectTypeOf(trace('t', () => Promise.resolve(42))).toEqualTypeOf<Promise<number>>();
    expectTypeOf(span('s', () => 'x')).toEqualTypeOf<string>();
  });
});
