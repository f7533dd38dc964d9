import type { Config, LLMProvider } from '@llmtrace/core';
import type { UpstreamTarget } from './forward-stage.js';

function toTarget(url: string): UpstreamTarget {
  const parsed = new URL(url);
  return { origin: parsed.origin, basePath: parsed.pathname.replace(/\/+$/, '') };
}

/**
 * The provider an upstream URL most likely is, from its host (api.openai.com, api.anthropic.com,
 * *.openai.azure.com, Ollama's port 11434); OpenAI-compatible otherwise.
 *
 * @example
 * providerForUrl('https://api.anthropic.com'); // 'anthropic'
 */
export function providerForUrl(url: string): LLMProvider {
  const { hostname, port } = new URL(url);
  if (hostname === 'api.anthropic.com') return 'anthropic';
  if (hostname.endsWith('.openai.azure.com')) return 'azure_openai';
  if (port === '11434') return 'ollama';
  return 'openai';
}

/** Builds the frozen provider → upstream table once, at startup. */
export function buildUpstreamTable(config: Readonly<Config>): {
  readonly upstreamFor: (provider: LLMProvider) => UpstreamTarget;
  readonly defaultProvider: LLMProvider;
} {
  const fallback = toTarget(config.upstream_url);
  const table = new Map<LLMProvider, UpstreamTarget>();
  for (const [provider, url] of Object.entries(config.upstreams)) {
    if (url !== undefined) table.set(provider as LLMProvider, toTarget(url));
  }
  return {
    upstreamFor: (provider) => table.get(provider) ?? fallback,
    defaultProvider: providerForUrl(config.upstream_url),
  };
}
