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
  it('traces chat and legacy completions in detail, other paths (/v1/responses) generically', () => {
    expect(openAiAdapter.operationFor('POST', '/v1/chat/completions')).toBe('chat_completion');
    expect(openAiAdapter.operationFor('POST', '/v1/completions')).toBe('completion');
    expect(openAiAdapter.operationFor('POST', '/v1/responses')).toBeNull();
    expect(openAiAdapter.operationFor('POST', '/v1/embeddings')).toBeNull();
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
});
