import { describe, expect, it } from 'vitest';
import { normalisePath, pricingFallback, readRequest, resolveAdapter } from './read-request.js';

const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const CHAT = { model: 'gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };

describe('normalisePath (issue 14, item 3)', () => {
  it.each([
    ['/v1/chat/completions/', '/v1/chat/completions'],
    ['/v1//chat///completions', '/v1/chat/completions'],
    ['/v1/chat/%63ompletions', '/v1/chat/completions'],
    ['/', '/'],
    ['//', '/'],
    ['/bad%escape/', '/bad%escape'],
  ])('%s → %s', (raw, normal) => {
    expect(normalisePath(raw)).toBe(normal);
  });
});

describe('resolveAdapter', () => {
  it('keeps the claimed adapter when it traces the path', () => {
    expect(resolveAdapter('anthropic', 'POST', '/v1/messages')).toMatchObject({
      operation: 'chat_completion',
    });
  });

  it('falls back to the adapter whose path it is when the claimed provider has none', () => {
    const resolved = resolveAdapter('bedrock', 'POST', '/v1/chat/completions/');
    expect(resolved.adapter?.provider).toBe('openai');
    expect(resolved.operation).toBe('chat_completion');
  });
});

describe('readRequest (issue 14, items 3 and 4)', () => {
  it('reads an OpenAI chat body with the OpenAI parser whatever the provider header', () => {
    for (const provider of ['bedrock', 'ollama', 'anthropic'] as const) {
      const reading = readRequest(provider, 'POST', '/v1/chat/completions', body(CHAT));
      expect(reading).toMatchObject({ kind: 'generation', request: { maxTokens: 5 } });
    }
  });

  it('skips a UTF-8 byte-order mark', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body(CHAT)]);
    expect(readRequest('openai', 'POST', '/v1/chat/completions', withBom).kind).toBe('generation');
  });

  it('counts n and best_of choices', () => {
    const reading = readRequest(
      'openai',
      'POST',
      '/v1/completions',
      body({ ...CHAT, n: 3, best_of: 5 }),
    );
    expect(reading).toMatchObject({ kind: 'generation', choices: 5 });
  });

  it('reads a generation-shaped body on a path no adapter knows', () => {
    const reading = readRequest(
      'openai',
      'POST',
      '/proxy/llm',
      body({ ...CHAT, system: 'be terse' }),
    );
    expect(reading).toMatchObject({
      kind: 'generation',
      operation: null,
      request: { system: 'be terse', messages: [{ role: 'user', content: 'hi' }] },
    });
  });

  it('calls a chat path with a body that is not JSON unreadable, and ignores other paths', () => {
    expect(readRequest('openai', 'POST', '/v1/chat/completions', Buffer.from('{')).kind).toBe(
      'unreadable',
    );
    expect(readRequest('openai', 'POST', '/v1/audio/transcriptions', Buffer.from('--x')).kind).toBe(
      'none',
    );
    expect(readRequest('openai', 'POST', '/v1/embeddings', body({ input: 'x' })).kind).toBe('none');
    expect(readRequest('openai', 'GET', '/v1/models', null).kind).toBe('none');
  });
});

describe('pricingFallback', () => {
  it('prices a header-claimed provider as the request would be priced without the header', () => {
    expect(pricingFallback('bedrock', '/v1/chat/completions', 'openai')).toBe('openai');
    expect(pricingFallback('openai', '/v1/chat/completions', 'openai')).toBeNull();
    expect(pricingFallback('ollama', '/api/chat', 'openai')).toBeNull();
  });
});
