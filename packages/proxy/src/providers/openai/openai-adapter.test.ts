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
        {
          role: 'assistant',
          content: 'get_weather({"c":"P"})',
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"c":"P"}' }],
        },
        { role: 'tool', content: '18C', toolCallId: 'call_1' },
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

describe('openAiAdapter tool calls (issue 15)', () => {
  const frame = (delta: unknown, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

  it('reads the legacy function_call of a whole answer as a call without id', () => {
    const parsed = openAiAdapter.parseResponse({
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            function_call: { name: 'run_shell', arguments: '{"command":"ls"}' },
          },
          finish_reason: 'function_call',
        },
      ],
    });
    expect(parsed.toolCalls).toEqual([
      { id: null, name: 'run_shell', arguments: '{"command":"ls"}' },
    ]);
  });

  it('joins streamed legacy function_call deltas, after indexed tool calls', () => {
    const summary = stream(
      [
        frame({ role: 'assistant', function_call: { name: 'read_file', arguments: '' } }),
        frame({ function_call: { arguments: '{"path":' } }),
        frame({ function_call: { arguments: '"a.txt"}' } }),
        frame({}, 'function_call'),
        'data: [DONE]\n\n',
      ].join(''),
    );
    expect(summary.toolCalls).toEqual([
      { id: null, name: 'read_file', arguments: '{"path":"a.txt"}' },
    ]);
  });

  it('joins several streamed tool calls by index, whatever order their pieces arrive in', () => {
    const summary = stream(
      [
        frame({ tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{"y"' } }] }),
        frame({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x"' } }] }),
        frame({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }] }),
        frame({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
        'data: [DONE]\n\n',
      ].join(''),
    );
    expect(summary.toolCalls).toEqual([
      { id: 'a', name: 'f', arguments: '{"x":1}' },
      { id: 'b', name: 'g', arguments: '{"y":2}' },
    ]);
  });

  it('marks request tool messages with their call id and assistant turns with their calls', () => {
    const parsed = openAiAdapter.parseRequest({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'done' },
        { role: 'assistant', content: null, function_call: { name: 'g', arguments: '{}' } },
        { role: 'function', name: 'g', content: 'ok' },
      ],
    });
    expect(parsed.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'f({})',
        toolCalls: [{ id: 'call_1', name: 'f', arguments: '{}' }],
      },
      { role: 'tool', content: 'done', toolCallId: 'call_1' },
      {
        role: 'assistant',
        content: 'g({})',
        toolCalls: [{ id: null, name: 'g', arguments: '{}' }],
      },
      { role: 'function', content: 'ok', toolName: 'g' },
    ]);
  });
});
