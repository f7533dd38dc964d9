import { describe, expect, it } from 'vitest';
import { SseParser } from '../../stream/sse-parser.js';
import { openAiAdapter, openAiUsage } from './openai-adapter.js';

function stream(wire: string): ReturnType<typeof openAiAdapter.parseResponse> {
  const parser = new SseParser();
  const acc = openAiAdapter.createStreamAccumulator();
  for (const event of [...parser.push(Buffer.from(wire)), ...parser.end()]) acc.onEvent(event, 1);
  return acc.finish();
}

const chunk = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;

describe('openAiAdapter', () => {
  it('traces chat, legacy completions and the Responses API in detail, others generically', () => {
    expect(openAiAdapter.operationFor('POST', '/v1/chat/completions')).toBe('chat_completion');
    expect(openAiAdapter.operationFor('POST', '/v1/completions')).toBe('completion');
    expect(openAiAdapter.operationFor('POST', '/v1/responses')).toBe('response');
    expect(openAiAdapter.operationFor('POST', '/v1/embeddings')).toBeNull();
    expect(openAiAdapter.operationFor('GET', '/v1/responses/resp_1')).toBeNull();
  });

  it('reads cached and reasoning tokens, which are parts of prompt and completion tokens', () => {
    expect(
      openAiUsage({
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0 },
      }),
    ).toEqual({
      promptTokens: 2006,
      completionTokens: 300,
      totalTokens: 2306,
      cachedPromptTokens: 1920,
      reasoningTokens: 192,
    });
    expect(openAiUsage({ prompt_tokens: 3, completion_tokens: 2 })).toEqual({
      promptTokens: 3,
      completionTokens: 2,
      totalTokens: 5,
    });
  });

  it('takes usage from the stream_options.include_usage chunk (empty choices)', () => {
    const summary = stream(
      chunk({ model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'Hi' } }] }) +
        chunk({ model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
        chunk({
          model: 'gpt-4o-mini',
          choices: [],
          usage: {
            prompt_tokens: 9,
            completion_tokens: 1,
            total_tokens: 10,
            prompt_tokens_details: { cached_tokens: 0 },
          },
        }) +
        'data: [DONE]\n\n',
    );
    expect(summary).toMatchObject({
      text: 'Hi',
      finishReason: 'stop',
      usage: { promptTokens: 9, completionTokens: 1, totalTokens: 10 },
      completed: true,
    });
    expect(summary.usage?.cachedPromptTokens).toBeUndefined();
  });

  it('has no usage when the client did not ask for it (tokens are then estimated)', () => {
    const summary = stream(
      chunk({ model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'Hi' } }] }) +
        'data: [DONE]\n\n',
    );
    expect(summary.usage).toBeNull();
  });

  it('treats an empty model name as absent', () => {
    expect(openAiAdapter.parseResponse({ model: '', choices: [] }).model).toBeNull();
    const summary = stream(
      chunk({ model: '', choices: [] }) +
        chunk({ model: 'gpt-4o', choices: [{ index: 0, delta: { content: 'x' } }] }),
    );
    expect(summary.model).toBe('gpt-4o');
  });

  it('reads a Responses API request: instructions, input items, tools, max_output_tokens', () => {
    expect(
      openAiAdapter.parseRequest({
        model: 'gpt-4.1',
        instructions: 'Talk like a pirate.',
        max_output_tokens: 500,
        stream: true,
        tools: [{ type: 'function', name: 'get_weather', parameters: {} }, { type: 'web_search' }],
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"c":"P"}' },
          { type: 'function_call_output', call_id: 'call_1', output: '18C' },
          { type: 'reasoning', id: 'rs_1', summary: [] },
        ],
      }),
    ).toEqual({
      model: 'gpt-4.1',
      stream: true,
      system: 'Talk like a pirate.',
      maxTokens: 500,
      toolNames: ['get_weather'],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: 'get_weather({"c":"P"})' },
        { role: 'tool', content: '18C' },
      ],
    });
    expect(openAiAdapter.parseRequest({ model: 'gpt-4.1', input: 'Hi' }).messages).toEqual([
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('reads a Responses API answer: output text, function calls, usage, status', () => {
    expect(
      openAiAdapter.parseResponse({
        object: 'response',
        model: 'gpt-4.1-2025-04-14',
        status: 'completed',
        output: [
          { type: 'reasoning', id: 'rs_1', summary: [] },
          {
            type: 'message',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
          },
          { type: 'function_call', call_id: 'call_9', name: 'get_weather', arguments: '{}' },
        ],
        usage: {
          input_tokens: 100,
          input_tokens_details: { cached_tokens: 64 },
          output_tokens: 50,
          output_tokens_details: { reasoning_tokens: 30 },
          total_tokens: 150,
        },
      }),
    ).toEqual({
      text: 'Checking.',
      model: 'gpt-4.1-2025-04-14',
      finishReason: 'completed',
      usage: {
        promptTokens: 100,
        completionTokens: 50,
        totalTokens: 150,
        cachedPromptTokens: 64,
        reasoningTokens: 30,
      },
      toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: '{}' }],
      firstTokenMs: null,
      streamError: null,
      completed: true,
    });
  });

  it('accumulates a Responses API stream up to response.completed', () => {
    const ev = (type: string, value: object): string =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...value })}\n\n`;
    const final = {
      object: 'response',
      model: 'gpt-4.1-2025-04-14',
      status: 'completed',
      output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hi there' }] }],
      usage: { input_tokens: 8, output_tokens: 2, total_tokens: 10 },
    };
    const summary = stream(
      ev('response.created', { response: { ...final, status: 'in_progress', usage: null } }) +
        ev('response.output_text.delta', { item_id: 'm', output_index: 0, delta: 'Hi' }) +
        ev('response.output_text.delta', { item_id: 'm', output_index: 0, delta: ' there' }) +
        ev('response.output_item.done', {
          item: { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":1}' },
        }) +
        ev('response.completed', { response: final }),
    );
    expect(summary).toEqual({
      text: 'Hi there',
      model: 'gpt-4.1-2025-04-14',
      finishReason: 'completed',
      usage: { promptTokens: 8, completionTokens: 2, totalTokens: 10 },
      toolCalls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }],
      firstTokenMs: 1,
      streamError: null,
      completed: true,
    });
  });

  it('records a Responses API error event and an unfinished stream', () => {
    const summary = stream(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"x"}\n\n' +
        'event: error\ndata: {"type":"error","code":"server_error","message":"boom"}\n\n',
    );
    expect(summary).toMatchObject({ text: 'x', streamError: 'boom', completed: false });
  });
});
