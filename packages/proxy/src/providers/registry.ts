import type { LLMProvider } from '@llmtrace/core';
import { anthropicAdapter } from './anthropic/anthropic-adapter.js';
import { azureOpenAiAdapter } from './azure/azure-openai-adapter.js';
import { ollamaAdapter } from './ollama/ollama-adapter.js';
import { openAiAdapter } from './openai/openai-adapter.js';
import type { ProviderAdapter } from './types.js';

/**
 * The adapter that parses each provider's traffic (STYLE rule 19: providers as data). vLLM, SGLang,
 * TGI and custom servers speak the OpenAI format; a provider without an adapter (Bedrock) is traced
 * generically: status, timing, bytes.
 */
const ADAPTERS: Readonly<Record<LLMProvider, ProviderAdapter | null>> = Object.freeze({
  openai: openAiAdapter,
  anthropic: anthropicAdapter,
  ollama: ollamaAdapter,
  azure_openai: azureOpenAiAdapter,
  vllm: openAiAdapter,
  sglang: openAiAdapter,
  tgi: openAiAdapter,
  custom: openAiAdapter,
  bedrock: null,
});

/** Names accepted by `X-LLMTrace-Provider` besides the provider ids themselves. */
const ALIASES: ReadonlyMap<string, LLMProvider> = new Map([
  ['azure', 'azure_openai'],
  ['claude', 'anthropic'],
]);

/** Ollama's native API paths (github.com/ollama/ollama/blob/main/docs/api.md). */
const OLLAMA_PATHS: ReadonlySet<string> = new Set([
  '/api/chat',
  '/api/generate',
  '/api/embed',
  '/api/embeddings',
  '/api/tags',
  '/api/show',
  '/api/ps',
  '/api/version',
]);

function isProvider(name: string): name is LLMProvider {
  return Object.hasOwn(ADAPTERS, name);
}

/** The adapter for a provider's wire format, or null when its traffic is traced generically. */
export function adapterFor(provider: LLMProvider): ProviderAdapter | null {
  return ADAPTERS[provider];
}

/**
 * Detects the provider of a request, first match wins:
 * 1. the `X-LLMTrace-Provider` header (a provider id or alias; an unknown name is ignored);
 * 2. the path: `/v1/messages`, `/v1/complete` → anthropic; Ollama's `/api/chat`, `/api/generate`, … →
 *    ollama; `/openai/deployments/{name}/…` → azure_openai; OpenAI's `/v1/chat/completions` and
 *    `/v1/completions` → `fallback`, since vLLM, SGLang, TGI, Ollama and Anthropic all serve them;
 * 3. headers: `anthropic-version` → anthropic. Anthropic SDKs send it with `x-api-key` — or, the
 *    current TypeScript SDK, with `Authorization: Bearer` (DESIGN "Wire-format facts") — so the
 *    version header alone decides;
 * 4. `fallback`: the provider of the configured upstream host (`providerForUrl`).
 *
 * `path` has no query string.
 *
 * @example
 * detectProvider(undefined, '/v1/messages', false, 'openai'); // 'anthropic'
 */
export function detectProvider(
  override: string | undefined,
  path: string,
  hasAnthropicVersion: boolean,
  fallback: LLMProvider,
): LLMProvider {
  if (override !== undefined) {
    const name = override.trim().toLowerCase();
    if (isProvider(name)) return name;
    const alias = ALIASES.get(name);
    if (alias !== undefined) return alias;
  }
  if (path === '/v1/messages' || path.startsWith('/v1/messages/') || path === '/v1/complete')
    return 'anthropic';
  if (OLLAMA_PATHS.has(path)) return 'ollama';
  if (path.startsWith('/openai/deployments/')) return 'azure_openai';
  if (path === '/v1/chat/completions' || path === '/v1/completions') return fallback;
  if (hasAnthropicVersion) return 'anthropic';
  return fallback;
}
