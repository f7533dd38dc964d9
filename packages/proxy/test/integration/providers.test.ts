import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chatStreamFrames,
  sendFrames,
  sendJson,
  startMockUpstream,
  type MockUpstream,
} from '../support/mock-upstream.js';
import { deriveTenantId } from '@llmtrace/proxy';
import { send, startProxy, type ProxyUnderTest } from '../support/harness.js';
import {
  ANTHROPIC_MODEL,
  AZURE_API_VERSION,
  AZURE_DEPLOYMENT,
  OLLAMA_MODEL,
  OPENAI_RESPONSE,
  anthropicError,
  anthropicMessage,
  anthropicRequest,
  anthropicStreamFrames,
  azureChatCompletion,
  azureStreamFrames,
  ollamaChatRequest,
  ollamaChatResponse,
  ollamaChatStreamLines,
  ollamaGenerateStreamLines,
  sendNdjson,
} from '../support/provider-fixtures.js';

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

/** What the Anthropic TypeScript SDK sends besides the body (DESIGN "Wire-format facts"). */
const ANTHROPIC_HEADERS = {
  authorization: 'Bearer sk-ant-test',
  'anthropic-version': '2023-06-01',
};
/** Requests with a provider key and no tenant header belong to the tenant derived from the key. */
const ANTHROPIC_TENANT = deriveTenantId('sk-ant-test');

/** Serves a JSON body with exact bytes, so the test can compare what the client got. */
function rawJson(
  status: number,
  body: unknown,
): { text: string; handler: Parameters<MockUpstream['route']>[1] } {
  const text = JSON.stringify(body);
  return {
    text,
    handler: (_req, res) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'request-id': 'req_mock',
      });
      res.end(text);
    },
  };
}

describe('Anthropic', () => {
  it('relays a whole Messages response byte for byte and records text, tool calls and cache usage', async () => {
    const { text, handler } = rawJson(
      200,
      anthropicMessage({
        text: 'Let me look that up.',
        toolUse: { id: 'toolu_01', name: 'get_weather', input: { location: 'Paris' } },
        usage: {
          input_tokens: 40,
          output_tokens: 25,
          cache_creation_input_tokens: 1200,
          cache_read_input_tokens: 3000,
        },
      }),
    );
    upstream.route('POST /v1/messages', handler);
    const body = anthropicRequest();
    const res = await send(proxy.server.url, {
      path: '/v1/messages',
      headers: ANTHROPIC_HEADERS,
      body,
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(text);
    expect(upstream.requests[0]?.body.toString()).toBe(body);
    expect(upstream.requests[0]?.headers['anthropic-version']).toBe('2023-06-01');

    const [span] = await proxy.spans(ANTHROPIC_TENANT);
    expect(span).toMatchObject({
      provider: 'anthropic',
      operationName: 'chat_completion',
      model: ANTHROPIC_MODEL,
      response: 'Let me look that up.',
      // input_tokens excludes the cache: the total adds cache writes and reads.
      promptTokens: 40,
      completionTokens: 25,
      totalTokens: 40 + 1200 + 3000 + 25,
      tokensEstimated: false,
      statusCode: 200,
      errorMessage: null,
    });
    expect(span?.prompt).toContain('system: You are a weather assistant.');
    expect(span?.prompt).toContain('user: [image]\nWhat is the weather in Paris?');
    expect(span?.prompt).toContain('assistant: get_weather({"location":"Paris"})');
    expect(span?.agentActions).toEqual([
      // The request's tool result, attached to the call it answers (issue 15).
      expect.objectContaining({
        name: 'get_weather',
        arguments: '{"location":"Paris"}',
        result: '18°C, sunny',
        toolCallId: 'toolu_01A',
      }),
      expect.objectContaining({
        actionType: 'tool_call',
        name: 'get_weather',
        arguments: '{"location":"Paris"}',
        toolCallId: 'toolu_01',
        viaToolCall: true,
        source: 'proxy',
      }),
    ]);
  });

  it('relays a Messages stream byte for byte and records TTFT, tool input deltas and usage', async () => {
    const frames = anthropicStreamFrames(['The weather', ' in Paris'], {
      usage: { input_tokens: 30, output_tokens: 42, cache_read_input_tokens: 500 },
      toolUse: { id: 'toolu_02', name: 'get_weather', jsonPieces: ['{"locat', 'ion": "Paris"}'] },
    });
    // message_start, content_block_start and ping come first; the first text 150 ms later.
    upstream.route('POST /v1/messages', (_req, res) => sendFrames(res, frames, 50));
    const res = await send(proxy.server.url, {
      path: '/v1/messages',
      headers: ANTHROPIC_HEADERS,
      body: anthropicRequest({ stream: true }),
    });
    expect(res.aborted).toBe(false);
    expect(res.body.toString()).toBe(frames.join(''));
    expect(res.chunkTimes.length).toBeGreaterThan(5);

    const [span] = await proxy.spans(ANTHROPIC_TENANT);
    expect(span).toMatchObject({
      provider: 'anthropic',
      operationName: 'chat_completion',
      model: ANTHROPIC_MODEL,
      response: 'The weather in Paris',
      promptTokens: 30,
      completionTokens: 42,
      totalTokens: 572,
      tokensEstimated: false,
      errorMessage: null,
    });
    expect(span?.tags['stream']).toBe('true');
    expect(span?.tags['stream_incomplete']).toBeUndefined();
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(140);
    expect(span?.events.map((e) => e.name)).toContain('first_token');
    expect(span?.agentActions).toEqual([
      expect.objectContaining({ toolCallId: 'toolu_01A', result: '18°C, sunny' }),
      expect.objectContaining({
        name: 'get_weather',
        arguments: '{"location": "Paris"}',
        toolCallId: 'toolu_02',
      }),
    ]);
  });

  it('records an error event mid-stream while relaying every byte', async () => {
    const frames = anthropicStreamFrames(['Partial', ' answer', ' never sent'], { errorAfter: 2 });
    upstream.route('POST /v1/messages', (_req, res) => sendFrames(res, frames, 5));
    const res = await send(proxy.server.url, {
      path: '/v1/messages',
      headers: ANTHROPIC_HEADERS,
      body: anthropicRequest({ stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(frames.join(''));
    const [span] = await proxy.spans(ANTHROPIC_TENANT);
    expect(span).toMatchObject({
      provider: 'anthropic',
      response: 'Partial answer',
      errorMessage: 'Overloaded',
    });
    expect(span?.tags['stream_incomplete']).toBe('true');
  });

  it('relays a 529 overloaded error verbatim and records it', async () => {
    const { text, handler } = rawJson(529, anthropicError('overloaded_error', 'Overloaded'));
    upstream.route('POST /v1/messages', handler);
    const res = await send(proxy.server.url, {
      path: '/v1/messages',
      headers: ANTHROPIC_HEADERS,
      body: anthropicRequest(),
    });
    expect(res.status).toBe(529);
    expect(res.body.toString()).toBe(text);
    expect(res.headers['request-id']).toBe('req_mock');
    const [span] = await proxy.spans(ANTHROPIC_TENANT);
    expect(span).toMatchObject({
      provider: 'anthropic',
      operationName: 'chat_completion',
      statusCode: 529,
      errorMessage: 'Overloaded',
      promptTokens: null,
    });
  });
});

describe('Ollama', () => {
  it('relays a whole /api/chat response and records counts', async () => {
    const { text, handler } = rawJson(200, ollamaChatResponse('Rayleigh scattering.'));
    upstream.route('POST /api/chat', handler);
    const res = await send(proxy.server.url, {
      path: '/api/chat',
      body: ollamaChatRequest({ stream: false }),
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(text);
    const [span] = await proxy.spans();
    expect(span).toMatchObject({
      provider: 'ollama',
      operationName: 'chat_completion',
      model: OLLAMA_MODEL,
      response: 'Rayleigh scattering.',
      promptTokens: 26,
      completionTokens: 298,
      totalTokens: 324,
      tokensEstimated: false,
    });
    expect(span?.prompt).toBe('system: You are terse.\nuser: Why is the sky blue?');
  });

  it('relays an NDJSON /api/chat stream (the default without "stream") line by line', async () => {
    const lines = ollamaChatStreamLines(['The', ' sky', ' scatters', ' blue']);
    upstream.route('POST /api/chat', (_req, res) => sendNdjson(res, lines, 60));
    const res = await send(proxy.server.url, { path: '/api/chat', body: ollamaChatRequest() });
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    expect(res.body.toString()).toBe(lines.join(''));
    expect((res.chunkTimes.at(-1) ?? 0) - (res.chunkTimes[0] ?? 0)).toBeGreaterThan(200);

    const [span] = await proxy.spans();
    expect(span).toMatchObject({
      provider: 'ollama',
      operationName: 'chat_completion',
      model: OLLAMA_MODEL,
      response: 'The sky scatters blue',
      promptTokens: 26,
      completionTokens: 4,
      tokensEstimated: false,
      errorMessage: null,
    });
    expect(span?.tags['stream']).toBe('true');
    expect(span?.tags['stream_incomplete']).toBeUndefined();
    expect(span?.timeToFirstTokenMs).not.toBeNull();
  });

  it('relays an NDJSON /api/generate stream and records it as a completion', async () => {
    const lines = ollamaGenerateStreamLines(['Hello', ' world']);
    upstream.route('POST /api/generate', (_req, res) => sendNdjson(res, lines, 5));
    const res = await send(proxy.server.url, {
      path: '/api/generate',
      body: JSON.stringify({ model: OLLAMA_MODEL, prompt: 'Say hello', system: 'Be kind.' }),
    });
    expect(res.body.toString()).toBe(lines.join(''));
    const [span] = await proxy.spans();
    expect(span).toMatchObject({
      provider: 'ollama',
      operationName: 'completion',
      response: 'Hello world',
      prompt: 'system: Be kind.\nuser: Say hello',
      promptTokens: 12,
      completionTokens: 2,
    });
  });
});

describe('Azure OpenAI', () => {
  const path = `/openai/deployments/${AZURE_DEPLOYMENT}/chat/completions?api-version=${AZURE_API_VERSION}`;
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'Say bonjour' }] });

  it('relays a deployment request with its query and records the served model', async () => {
    const { text, handler } = rawJson(200, azureChatCompletion());
    upstream.route(`POST /openai/deployments/${AZURE_DEPLOYMENT}/chat/completions`, handler);
    const res = await send(proxy.server.url, { path, headers: { 'api-key': 'azure-key' }, body });
    expect(res.body.toString()).toBe(text);
    expect(upstream.requests[0]?.url).toBe(path);
    expect(upstream.requests[0]?.headers['api-key']).toBe('azure-key');
    const [span] = await proxy.spans(deriveTenantId('azure-key'));
    expect(span).toMatchObject({
      provider: 'azure_openai',
      operationName: 'chat_completion',
      model: 'gpt-4o-2024-08-06',
      response: 'Bonjour !',
      promptTokens: 14,
      completionTokens: 4,
    });
  });

  it('names the deployment as the model when neither body does', async () => {
    upstream.route(`POST /openai/deployments/${AZURE_DEPLOYMENT}/chat/completions`, (_req, res) =>
      sendJson(res, 200, azureChatCompletion({ model: null })),
    );
    await send(proxy.server.url, { path, body });
    const [span] = await proxy.spans();
    expect(span?.model).toBe(AZURE_DEPLOYMENT);
  });

  it('relays a stream that opens with a prompt-filter chunk and records the real model', async () => {
    const frames = azureStreamFrames(['Bon', 'jour']);
    upstream.route(`POST /openai/deployments/${AZURE_DEPLOYMENT}/chat/completions`, (_req, res) =>
      sendFrames(res, frames, 5),
    );
    const res = await send(proxy.server.url, { path, body });
    expect(res.body.toString()).toBe(frames.join(''));
    const [span] = await proxy.spans();
    expect(span).toMatchObject({
      provider: 'azure_openai',
      model: 'gpt-4o-2024-08-06',
      response: 'Bonjour',
      tokensEstimated: true,
    });
    expect(span?.tags['stream_incomplete']).toBeUndefined();
  });
});

describe('OpenAI', () => {
  it('does not add stream_options to a stream request: bytes pass unchanged, tokens are estimated', async () => {
    const frames = chatStreamFrames(['No', ' usage', ' here']);
    upstream.route('POST /v1/chat/completions', (_req, res) => sendFrames(res, frames, 5));
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'Say something' }],
    });
    const res = await send(proxy.server.url, { body });
    // The upstream got the client's body as sent, so it sends no usage chunk…
    expect(upstream.requests[0]?.body.toString()).toBe(body);
    // …and the client gets exactly the upstream's bytes.
    expect(res.body.toString()).toBe(frames.join(''));
    expect(res.body.toString()).not.toContain('"usage"');
    const [span] = await proxy.spans();
    expect(span).toMatchObject({
      provider: 'openai',
      response: 'No usage here',
      tokensEstimated: true,
      completionTokens: 3,
    });
    expect(span?.promptTokens).toBeGreaterThan(0);
  });

  it('traces the Responses API: output text, usage and the served model', async () => {
    const { text, handler } = rawJson(200, OPENAI_RESPONSE);
    upstream.route('POST /v1/responses', handler);
    const res = await send(proxy.server.url, {
      path: '/v1/responses',
      body: JSON.stringify({ model: 'gpt-4.1', input: 'Tell me a story.' }),
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(text);
    const [span] = await proxy.spans();
    expect(span).toMatchObject({
      provider: 'openai',
      operationName: 'response',
      statusCode: 200,
      model: 'gpt-4.1-2025-04-14',
      prompt: 'user: Tell me a story.',
      response: 'In a peaceful grove…',
      promptTokens: 36,
      completionTokens: 87,
      totalTokens: 123,
      tokensEstimated: false,
    });
  });
});

describe('provider detection and routing', () => {
  it('routes Anthropic and OpenAI requests to their own upstreams', async () => {
    const anthropicUpstream = await startMockUpstream();
    try {
      await proxy.close();
      proxy = await startProxy(upstream.url, { upstreams: { anthropic: anthropicUpstream.url } });
      anthropicUpstream.route('POST /v1/messages', (_req, res) =>
        sendJson(res, 200, anthropicMessage({ text: 'from claude' })),
      );
      await send(proxy.server.url, {
        path: '/v1/messages',
        headers: ANTHROPIC_HEADERS,
        body: anthropicRequest(),
      });
      await send(proxy.server.url, {
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(anthropicUpstream.requests.map((r) => r.url)).toEqual(['/v1/messages']);
      expect(upstream.requests.map((r) => r.url)).toEqual(['/v1/chat/completions']);
      const [claude] = await proxy.spans(ANTHROPIC_TENANT);
      const [gpt] = await proxy.spans();
      expect([claude?.provider, claude?.response]).toEqual(['anthropic', 'from claude']);
      expect([gpt?.provider, gpt?.response]).toEqual([
        'openai',
        'Hello! How can I help you today?',
      ]);
    } finally {
      await anthropicUpstream.close();
    }
  });

  it('takes the provider from X-LLMTrace-Provider and Anthropic from its version header', async () => {
    await send(proxy.server.url, {
      headers: { 'x-llmtrace-provider': 'vllm' },
      body: JSON.stringify({ model: 'meta-llama/Llama-3.1-8B-Instruct', messages: [] }),
    });
    upstream.route('GET /v1/models', (_req, res) => sendJson(res, 200, { data: [] }));
    await send(proxy.server.url, {
      method: 'GET',
      path: '/v1/models',
      headers: ANTHROPIC_HEADERS,
    });
    const [vllm] = await proxy.spans();
    expect(vllm).toMatchObject({ provider: 'vllm', operationName: 'chat_completion' });
    const [models] = await proxy.spans(ANTHROPIC_TENANT);
    expect(models).toMatchObject({ provider: 'anthropic', operationName: 'http GET /v1/models' });
  });
});
