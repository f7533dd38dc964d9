import type { LLMProvider } from '@llmtrace/core';
import { openAiAdapter } from './openai/openai-adapter.js';
import type { ProviderAdapter } from './types.js';

const PROVIDERS: ReadonlySet<string> = new Set<LLMProvider>([
  'openai',
  'anthropic',
  'vllm',
  'sglang',
  'tgi',
  'ollama',
  'azure_openai',
  'bedrock',
  'custom',
]);

/**
 * The adapter that parses a provider's traffic. vLLM, SGLang, TGI, Azure and custom servers speak the
 * OpenAI format; providers without an adapter yet are traced generically (status, timing, bytes).
 */
export function adapterFor(provider: LLMProvider): ProviderAdapter | null {
  switch (provider) {
    case 'openai':
    case 'vllm':
    case 'sglang':
    case 'tgi':
    case 'azure_openai':
    case 'custom':
      return openAiAdapter;
    case 'anthropic':
    case 'ollama':
    case 'bedrock':
      return null;
  }
}

/**
 * Detects the provider of a request: the `X-LLMTrace-Provider` override, then the path, then
 * headers, then the configured default.
 */
export function detectProvider(
  override: string | undefined,
  path: string,
  hasAnthropicVersion: boolean,
  fallback: LLMProvider,
): LLMProvider {
  if (override !== undefined && PROVIDERS.has(override)) return override as LLMProvider;
  if (path === '/v1/messages' || path.startsWith('/v1/messages/')) return 'anthropic';
  if (path === '/api/chat' || path === '/api/generate') return 'ollama';
  if (path.startsWith('/openai/deployments/')) return 'azure_openai';
  if (path.startsWith('/v1/chat/completions') || path.startsWith('/v1/completions'))
    return fallback;
  if (hasAnthropicVersion) return 'anthropic';
  return fallback;
}
