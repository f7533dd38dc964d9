import { describe, expect, it } from 'vitest';
import {
  anthropicError,
  anthropicMessage,
  anthropicRequest,
  anthropicStreamFrames,
} from '../../../test/support/provider-fixtures.js';
import { SseParser } from '../../stream/sse-parser.js';
import type { ResponseSummary } from '../types.js';
import { anthropicAdapter, anthropicUsage } from './anthropic-adapter.js';

/** Feeds SSE frames through the real parser, frame i arriving at 10·i ms. */
function stream(frames: readonly string[]): ResponseSummary {
  const parser = new SseParser();
  const acc = anthropicAdapter.createStreamAccumulator();
  frames.forEach((frame, i) => {
    for (const event of parser.push(Buffer.from(frame))) acc.onEvent(event, i * 10);
  });
  for (const event of parser.end()) acc.onEvent(event, frames.length * 10);
  return acc.finish();
}

describe('anthropicAdapter.operationFor', () => {
  it('names Messages chat_completion and the legacy Text Completions completion', () => {
    expect(anthropicAdapter.operationFor('POST', '/v1/messages')).toBe('chat_completion');
    expect(anthropicAdapter.operationFor('POST', '/v1/complete')).toBe('completion');
    expect(anthropicAdapter.operationFor('POST', '/v1/messages/count_tokens')).toBeNull();
    expect(anthropicAdapter.operationFor('GET', '/v1/messages')).toBeNull();
    // Anthropic's OpenAI-compatible endpoint.
    expect(anthropicAdapter.operationFor('POST', '/v1/chat/completions')).toBe('chat_completion');
  });
});

describe('anthropicAdapter.parseRequest', () => {
  it('reads system blocks, images, tool_use, tool_result, max_tokens, tools and stream', () => {
    const parsed = anthropicAdapter.parseRequest(JSON.parse(anthropicRequest({ stream: true })));
    expect(parsed).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      stream: true,
      system: 'You are a weather assistant.',
      maxTokens: 1024,
      toolNames: ['get_weather'],
      messages: [
        { role: 'user', content: '[image]\nWhat is the weather in Paris?' },
        {
          role: 'assistant',
          content: 'get_weather({"location":"Paris"})',
          toolCalls: [{ id: 'toolu_01A', name: 'get_weather', arguments: '{"location":"Paris"}' }],
        },
        // A tool result is untrusted tool output, not the user's words (issue 15).
        { role: 'tool', content: '18°C, sunny', toolCallId: 'toolu_01A' },
      ],
    });
  });

  it('takes a string system prompt and string content; stream defaults to false', () => {
    const parsed = anthropicAdapter.parseRequest({
      model: 'claude-3-5-haiku-latest',
      max_tokens: 64,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'user',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            {
              type: 'tool_result',
              tool_use_id: 't',
              content: [
                { type: 'text', text: 'result text' },
                { type: 'image', source: {} },
              ],
            },
            { type: 'document', source: {} },
          ],
        },
      ],
    });
    expect(parsed.system).toBe('Be brief.');
    expect(parsed.stream).toBe(false);
    expect(parsed.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'tool', content: 'result text\n[image]', toolCallId: 't' },
      { role: 'user', content: '[document]' },
    ]);
  });

  it('reads a legacy /v1/complete prompt and survives junk', () => {
    const legacy = anthropicAdapter.parseRequest({
      model: 'claude-2.1',
      prompt: '\n\nHuman: Hello\n\nAssistant:',
      max_tokens_to_sample: 300,
    });
    expect(legacy.messages).toEqual([{ role: 'user', content: '\n\nHuman: Hello\n\nAssistant:' }]);
    expect(legacy.maxTokens).toBe(300);
    expect(anthropicAdapter.parseRequest('nope').messages).toEqual([]);
    expect(anthropicAdapter.parseRequest({ messages: [null, 3], system: 7 }).messages).toEqual([
      { role: 'unknown', content: '' },
      { role: 'unknown', content: '' },
    ]);
  });
});

describe('anthropicUsage', () => {
  it('keeps cache tokens apart from input_tokens and counts them in the total', () => {
    expect(
      anthropicUsage({
        input_tokens: 50,
        cache_creation_input_tokens: 1000,
        cache_read_input_tokens: 2000,
        output_tokens: 30,
      }),
    ).toEqual({
      promptTokens: 50,
      completionTokens: 30,
      totalTokens: 3080,
      cacheCreationTokens: 1000,
      cacheReadTokens: 2000,
    });
    expect(anthropicUsage({ input_tokens: 5, output_tokens: 2 })).toEqual({
      promptTokens: 5,
      completionTokens: 2,
      totalTokens: 7,
    });
    expect(anthropicUsage(undefined)).toBeNull();
  });
});

describe('anthropicAdapter.parseResponse', () => {
  it('reads text, tool_use as a tool call, stop_reason, model and usage', () => {
    const summary = anthropicAdapter.parseResponse(
      anthropicMessage({
        text: 'Let me check.',
        toolUse: { id: 'toolu_01', name: 'get_weather', input: { location: 'SF' } },
        usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 5 },
      }),
    );
    expect(summary).toEqual({
      text: 'Let me check.',
      model: 'claude-sonnet-4-5-20250929',
      finishReason: 'tool_use',
      usage: { promptTokens: 10, completionTokens: 20, totalTokens: 35, cacheReadTokens: 5 },
      toolCalls: [{ id: 'toolu_01', name: 'get_weather', arguments: '{"location":"SF"}' }],
      firstTokenMs: null,
      streamError: null,
      completed: true,
    });
  });

  it('reports an error body as the error', () => {
    const summary = anthropicAdapter.parseResponse(
      anthropicError('overloaded_error', 'Overloaded'),
    );
    expect(summary.streamError).toBe('Overloaded');
  });

  it('reads a legacy completion and an OpenAI-compatible body', () => {
    expect(
      anthropicAdapter.parseResponse({
        type: 'completion',
        completion: ' Hi there',
        stop_reason: 'stop_sequence',
        model: 'claude-2.1',
      }),
    ).toMatchObject({ text: ' Hi there', finishReason: 'stop_sequence', model: 'claude-2.1' });
    expect(
      anthropicAdapter.parseResponse({
        model: 'claude-sonnet-4-5',
        choices: [{ index: 0, message: { role: 'assistant', content: 'compat' } }],
      }).text,
    ).toBe('compat');
  });
});

describe('Anthropic stream accumulator', () => {
  it('assembles text, TTFT, cumulative usage with cache tokens, finish and completion', () => {
    const frames = anthropicStreamFrames(['Hello', ' there'], {
      usage: {
        input_tokens: 12,
        output_tokens: 7,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 300,
      },
    });
    const summary = stream(frames);
    expect(summary).toEqual({
      text: 'Hello there',
      model: 'claude-sonnet-4-5-20250929',
      finishReason: 'end_turn',
      usage: {
        promptTokens: 12,
        completionTokens: 7,
        totalTokens: 419,
        cacheCreationTokens: 100,
        cacheReadTokens: 300,
      },
      toolCalls: [],
      // Frames: message_start, block start, ping, then the first text_delta (index 3).
      firstTokenMs: 30,
      streamError: null,
      completed: true,
    });
  });

  it('reassembles input_json_delta fragments into tool arguments per block index', () => {
    const summary = stream(
      anthropicStreamFrames(['Checking.'], {
        toolUse: {
          id: 'toolu_9',
          name: 'get_weather',
          jsonPieces: ['{"loc', 'ation": "Pa', 'ris"}'],
        },
      }),
    );
    expect(summary.finishReason).toBe('tool_use');
    expect(summary.toolCalls).toEqual([
      { id: 'toolu_9', name: 'get_weather', arguments: '{"location": "Paris"}' },
    ]);
  });

  it('gives a tool call without input deltas the arguments of its start block', () => {
    const summary = stream([
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t1","name":"now","input":{}}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    ]);
    expect(summary.toolCalls).toEqual([{ id: 't1', name: 'now', arguments: '{}' }]);
    expect(summary.usage).toBeNull();
    expect(summary.completed).toBe(false);
  });

  it('records an error event mid-stream and does not mark the stream complete', () => {
    const summary = stream(anthropicStreamFrames(['one', 'two', 'three'], { errorAfter: 2 }));
    expect(summary.text).toBe('onetwo');
    expect(summary.streamError).toBe('Overloaded');
    expect(summary.completed).toBe(false);
    expect(summary.usage).toEqual({ promptTokens: 25, completionTokens: 1, totalTokens: 26 });
  });

  it('ignores thinking deltas in the text, skips malformed events and takes later usage', () => {
    const summary = stream([
      'event: message_start\ndata: {"type":"message_start","message":{"model":"m","usage":{"input_tokens":3,"output_tokens":1}}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"let me think"}}\n\n',
      'event: content_block_delta\ndata: {not json\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"42"}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":4,"output_tokens":9}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ]);
    expect(summary).toMatchObject({
      text: '42',
      firstTokenMs: 30,
      usage: { promptTokens: 4, completionTokens: 9, totalTokens: 13 },
      completed: true,
    });
  });

  it('reads the legacy completion stream', () => {
    const summary = stream([
      'event: completion\ndata: {"type":"completion","completion":" Hello","stop_reason":null,"model":"claude-2.1"}\n\n',
      'event: ping\ndata: {"type": "ping"}\n\n',
      'event: completion\ndata: {"type":"completion","completion":"!","stop_reason":"stop_sequence","model":"claude-2.1"}\n\n',
    ]);
    expect(summary).toMatchObject({
      text: ' Hello!',
      model: 'claude-2.1',
      finishReason: 'stop_sequence',
      completed: true,
      firstTokenMs: 0,
    });
  });

  it('hands an OpenAI-compatible stream to the OpenAI accumulator', () => {
    const summary = stream([
      'data: {"model":"claude-sonnet-4-5","choices":[{"index":0,"delta":{"content":"com"}}]}\n\n',
      'data: {"model":"claude-sonnet-4-5","choices":[{"index":0,"delta":{"content":"pat"},"finish_reason":"stop"}]}\n\n',
      'data: [DONE]\n\n',
    ]);
    expect(summary).toMatchObject({ text: 'compat', finishReason: 'stop', completed: true });
  });
});
