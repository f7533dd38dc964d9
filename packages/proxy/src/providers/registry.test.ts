import { describe, expect, it } from 'vitest';
import { adapterFor, detectProvider } from './registry.js';

describe('detectProvider', () => {
  it('lets X-LLMTrace-Provider override everything, ignoring unknown names', () => {
    expect(detectProvider('vllm', '/v1/messages', true, 'openai')).toBe('vllm');
    expect(detectProvider('Azure', '/v1/chat/completions', false, 'openai')).toBe('azure_openai');
    expect(detectProvider('claude', '/v1/chat/completions', false, 'openai')).toBe('anthropic');
    expect(detectProvider('nonsense', '/v1/messages', false, 'openai')).toBe('anthropic');
    expect(detectProvider('constructor', '/x', false, 'openai')).toBe('openai');
  });

  it('detects by path before headers', () => {
    expect(detectProvider(undefined, '/v1/messages', false, 'openai')).toBe('anthropic');
    expect(detectProvider(undefined, '/v1/messages/count_tokens', false, 'openai')).toBe(
      'anthropic',
    );
    expect(detectProvider(undefined, '/v1/complete', false, 'openai')).toBe('anthropic');
    expect(detectProvider(undefined, '/api/chat', false, 'openai')).toBe('ollama');
    expect(detectProvider(undefined, '/api/generate', false, 'openai')).toBe('ollama');
    expect(
      detectProvider(undefined, '/openai/deployments/gpt4o/chat/completions', false, 'openai'),
    ).toBe('azure_openai');
    // OpenAI paths are the configured provider's, even with an anthropic-version header.
    expect(detectProvider(undefined, '/v1/chat/completions', true, 'openai')).toBe('openai');
    expect(detectProvider(undefined, '/v1/chat/completions', false, 'vllm')).toBe('vllm');
    expect(detectProvider(undefined, '/v1/completions', false, 'ollama')).toBe('ollama');
  });

  it('detects Anthropic by its version header on other paths, else falls back to the host', () => {
    expect(detectProvider(undefined, '/v1/models', true, 'openai')).toBe('anthropic');
    expect(detectProvider(undefined, '/v1/models', false, 'openai')).toBe('openai');
    expect(detectProvider(undefined, '/v1/embeddings', false, 'azure_openai')).toBe('azure_openai');
  });
});

describe('adapterFor', () => {
  it('gives every provider its wire format', () => {
    expect(adapterFor('openai')?.provider).toBe('openai');
    expect(adapterFor('anthropic')?.provider).toBe('anthropic');
    expect(adapterFor('ollama')?.provider).toBe('ollama');
    expect(adapterFor('azure_openai')?.provider).toBe('azure_openai');
    for (const p of ['vllm', 'sglang', 'tgi', 'custom'] as const)
      expect(adapterFor(p)?.provider).toBe('openai');
    expect(adapterFor('bedrock')).toBeNull();
  });
});
