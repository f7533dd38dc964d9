import { describe, expect, it } from 'vitest';
import { azureChatCompletion, azureStreamFrames } from '../../../test/support/provider-fixtures.js';
import { SseParser } from '../../stream/sse-parser.js';
import { azureOpenAiAdapter } from './azure-openai-adapter.js';

describe('azureOpenAiAdapter', () => {
  it('maps deployment paths and the v1 API to OpenAI operations', () => {
    const op = (path: string): string | null => azureOpenAiAdapter.operationFor('POST', path);
    expect(op('/openai/deployments/gpt4o-prod/chat/completions')).toBe('chat_completion');
    expect(op('/openai/deployments/davinci/completions')).toBe('completion');
    expect(op('/openai/deployments/ada/embeddings')).toBeNull();
    expect(op('/openai/v1/chat/completions')).toBe('chat_completion');
    expect(op('/chat/completions')).toBe('chat_completion');
    expect(op('/openai/deployments/x/images/generations')).toBeNull();
    expect(
      azureOpenAiAdapter.operationFor('GET', '/openai/deployments/x/chat/completions'),
    ).toBeNull();
    expect(azureOpenAiAdapter.provider).toBe('azure_openai');
  });

  it('names the deployment as the fallback model', () => {
    expect(
      azureOpenAiAdapter.modelForPath?.('/openai/deployments/gpt4o-prod/chat/completions'),
    ).toBe('gpt4o-prod');
    expect(azureOpenAiAdapter.modelForPath?.('/openai/deployments/my%20model/completions')).toBe(
      'my model',
    );
    expect(azureOpenAiAdapter.modelForPath?.('/openai/deployments/bad%zz/completions')).toBe(
      'bad%zz',
    );
    expect(azureOpenAiAdapter.modelForPath?.('/v1/chat/completions')).toBeNull();
  });

  it('parses Azure responses with content-filter annotations', () => {
    expect(azureOpenAiAdapter.parseResponse(azureChatCompletion())).toMatchObject({
      text: 'Bonjour !',
      model: 'gpt-4o-2024-08-06',
      usage: { promptTokens: 14, completionTokens: 4, totalTokens: 18 },
    });
    expect(azureOpenAiAdapter.parseResponse(azureChatCompletion({ model: null })).model).toBeNull();
  });

  it('skips the empty model of the prompt-filter chunk that opens an Azure stream', () => {
    const parser = new SseParser();
    const acc = azureOpenAiAdapter.createStreamAccumulator();
    for (const event of parser.push(Buffer.from(azureStreamFrames(['Bon', 'jour']).join(''))))
      acc.onEvent(event, 5);
    expect(acc.finish()).toMatchObject({
      text: 'Bonjour',
      model: 'gpt-4o-2024-08-06',
      finishReason: 'stop',
      completed: true,
    });
  });
});
