import { describe, expect, it } from 'vitest';
import {
  ollamaChatRequest,
  ollamaChatResponse,
  ollamaChatStreamLines,
  ollamaGenerateStreamLines,
} from '../../../test/support/provider-fixtures.js';
import { Exchange } from '../../exchange/exchange.js';
import { splitRequestHeaders } from '../../http/headers.js';
import { buildSpan } from '../../capture/build-span.js';
import { NdjsonParser } from '../../stream/ndjson-parser.js';
import type { ResponseSummary } from '../types.js';
import { ollamaAdapter } from './ollama-adapter.js';

/** Feeds NDJSON chunks through the real parser, chunk i arriving at 10·i ms. */
function stream(chunks: readonly string[]): ResponseSummary {
  const parser = new NdjsonParser();
  const acc = ollamaAdapter.createStreamAccumulator();
  chunks.forEach((chunk, i) => {
    for (const event of parser.push(Buffer.from(chunk))) acc.onEvent(event, i * 10);
  });
  for (const event of parser.end()) acc.onEvent(event, chunks.length * 10);
  return acc.finish();
}

describe('ollamaAdapter.operationFor', () => {
  it('names /api/chat and /api/generate, and OpenAI-compatible paths', () => {
    expect(ollamaAdapter.operationFor('POST', '/api/chat')).toBe('chat_completion');
    expect(ollamaAdapter.operationFor('POST', '/api/generate')).toBe('completion');
    expect(ollamaAdapter.operationFor('POST', '/v1/chat/completions')).toBe('chat_completion');
    expect(ollamaAdapter.operationFor('GET', '/api/tags')).toBeNull();
    expect(ollamaAdapter.operationFor('POST', '/api/embed')).toBeNull();
  });
});

describe('ollamaAdapter.parseRequest', () => {
  it('reads a chat request; stream is true when the field is absent', () => {
    expect(ollamaAdapter.parseRequest(JSON.parse(ollamaChatRequest()))).toEqual({
      model: 'llama3.2',
      stream: true,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Why is the sky blue?' },
      ],
      system: null,
      maxTokens: 128,
      toolNames: [],
    });
    expect(
      ollamaAdapter.parseRequest(JSON.parse(ollamaChatRequest({ stream: false }))).stream,
    ).toBe(false);
  });

  it('renders images and tool calls, reads tools', () => {
    const parsed = ollamaAdapter.parseRequest({
      model: 'llava',
      messages: [
        { role: 'user', content: 'What is this?', images: ['iVBORw0KGgo'] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'lookup', arguments: { q: 'cat' } } }],
        },
        { role: 'tool', content: 'a cat', tool_name: 'lookup' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: {} } }],
      options: { num_predict: -1 },
    });
    expect(parsed.messages).toEqual([
      { role: 'user', content: 'What is this?\n[image]' },
      {
        role: 'assistant',
        content: 'lookup({"q":"cat"})',
        toolCalls: [{ id: null, name: 'lookup', arguments: '{"q":"cat"}' }],
      },
      // Ollama's tool messages have no call id: the tool name matches them to their call.
      { role: 'tool', content: 'a cat', toolName: 'lookup' },
    ]);
    expect(parsed.toolNames).toEqual(['lookup']);
    expect(parsed.maxTokens).toBeNull();
  });

  it('reads a generate request with its system prompt', () => {
    const parsed = ollamaAdapter.parseRequest({
      model: 'llama3.2',
      prompt: 'Why is the sky blue?',
      system: 'Answer like a pirate.',
      stream: false,
    });
    expect(parsed).toMatchObject({
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
      system: 'Answer like a pirate.',
      stream: false,
    });
    expect(ollamaAdapter.parseRequest(null).messages).toEqual([]);
  });
});

describe('ollamaAdapter.parseResponse', () => {
  it('reads message content, done_reason, counts and tool calls of a chat response', () => {
    const summary = ollamaAdapter.parseResponse(
      ollamaChatResponse('', {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Tokyo' } }],
      }),
    );
    expect(summary).toEqual({
      text: '',
      model: 'llama3.2',
      finishReason: 'stop',
      usage: { promptTokens: 26, completionTokens: 298, totalTokens: 324 },
      toolCalls: [{ id: null, name: 'get_weather', arguments: '{"city":"Tokyo"}' }],
      firstTokenMs: null,
      streamError: null,
      completed: true,
    });
  });

  it('reads a generate response without prompt_eval_count (a fully cached prompt)', () => {
    const summary = ollamaAdapter.parseResponse({
      model: 'llama3.2',
      response: 'Rayleigh scattering.',
      done: true,
      done_reason: 'stop',
      eval_count: 5,
    });
    expect(summary).toMatchObject({
      text: 'Rayleigh scattering.',
      usage: { promptTokens: 0, completionTokens: 5, totalTokens: 5 },
    });
  });

  it('reads an error body and an OpenAI-compatible body', () => {
    expect(ollamaAdapter.parseResponse({ error: "model 'nope' not found" }).streamError).toBe(
      "model 'nope' not found",
    );
    expect(
      ollamaAdapter.parseResponse({
        model: 'llama3.2',
        choices: [{ index: 0, message: { role: 'assistant', content: 'compat' } }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }),
    ).toMatchObject({ text: 'compat', usage: { promptTokens: 3, totalTokens: 4 } });
  });
});

describe('Ollama NDJSON stream accumulator', () => {
  it('assembles chat deltas, TTFT, done_reason and the final counts', () => {
    const summary = stream(ollamaChatStreamLines(['The', ' sky', ' is', ' blue']));
    expect(summary).toEqual({
      text: 'The sky is blue',
      model: 'llama3.2',
      finishReason: 'stop',
      usage: { promptTokens: 26, completionTokens: 4, totalTokens: 30 },
      toolCalls: [],
      firstTokenMs: 0,
      streamError: null,
      completed: true,
    });
  });

  it('assembles generate deltas from lines split anywhere, with a last line without newline', () => {
    const wire = ollamaGenerateStreamLines(['Ray', 'leigh']).join('').replace(/\n$/, '');
    const pieces: string[] = [];
    for (let i = 0; i < wire.length; i += 9) pieces.push(wire.slice(i, i + 9));
    const summary = stream(pieces);
    expect(summary).toMatchObject({
      text: 'Rayleigh',
      usage: { promptTokens: 12, completionTokens: 2, totalTokens: 14 },
      completed: true,
    });
  });

  it('collects streamed tool calls, skips malformed lines and records an error line', () => {
    const summary = stream([
      '{"model":"llama3.2","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_time","arguments":{"tz":"UTC"}}}]},"done":false}\n',
      'garbage\n',
      '{"error":"an error was encountered while running the model"}\n',
    ]);
    expect(summary.toolCalls).toEqual([{ id: null, name: 'get_time', arguments: '{"tz":"UTC"}' }]);
    expect(summary.streamError).toBe('an error was encountered while running the model');
    expect(summary.completed).toBe(false);
    expect(summary.firstTokenMs).toBe(0);
  });
});

describe('buildSpan with an Ollama NDJSON stream', () => {
  function job(chunks: readonly string[], contentType: string): Exchange {
    const ex = new Exchange(
      {
        trace: { traceId: 't-1', spanId: 's-1', parentSpanId: null, flags: '01' },
        method: 'POST',
        url: '/api/chat',
        path: '/api/chat',
        provider: 'ollama',
        upstreamHeaders: [],
        own: splitRequestHeaders([]).own,
      },
      { wall: Date.parse('2026-11-25T12:00:00Z'), mono: 0 },
    );
    ex.tenantId = 'default';
    ex.requestBody = Buffer.from(ollamaChatRequest());
    ex.statusCode = 200;
    ex.responseContentType = contentType;
    chunks.forEach((c, i) => {
      ex.chunks.push(Buffer.from(c));
      ex.chunkTimes.push(100 + i * 50);
    });
    ex.capturedBytes = chunks.join('').length;
    ex.firstByteMs = 100;
    ex.durationMs = 100 + chunks.length * 50;
    return ex;
  }

  it('feeds NDJSON lines split across chunks to the accumulator, with their arrival times', async () => {
    const wire = ollamaChatStreamLines(['The', ' sky', ' is', ' blue']).join('');
    // Cut the wire mid-line: the first chunk ends inside the second JSON object.
    const cut = wire.indexOf('\n') + 20;
    const span = await buildSpan(
      job([wire.slice(0, cut), wire.slice(cut)], 'application/x-ndjson'),
      {
        maxTextChars: 10_000,
      },
    );
    expect(span).toMatchObject({
      provider: 'ollama',
      operationName: 'chat_completion',
      model: 'llama3.2',
      response: 'The sky is blue',
      promptTokens: 26,
      completionTokens: 4,
      totalTokens: 30,
      tokensEstimated: false,
      timeToFirstTokenMs: 100,
      errorMessage: null,
    });
    expect(span.tags['stream']).toBe('true');
    expect(span.tags['stream_incomplete']).toBeUndefined();
  });

  it('flags an NDJSON stream that ended without its done line', async () => {
    const lines = ollamaChatStreamLines(['cut', ' off']).slice(0, 2);
    const span = await buildSpan(job(lines, 'application/x-ndjson; charset=utf-8'), {
      maxTextChars: 10_000,
    });
    expect(span.response).toBe('cut off');
    expect(span.tags['stream_incomplete']).toBe('true');
    expect(span.tokensEstimated).toBe(true);
  });
});
