/**
 * Where the proxy is and who the calls belong to.
 *
 * @example
 * configure({ proxyUrl: 'http://127.0.0.1:8080', agentId: 'support-bot' });
 */
export interface LLMTraceOptions {
  /** The proxy's base URL (default `http://127.0.0.1:8080`). */
  readonly proxyUrl?: string;
  /** An LLMTrace key (sent as `X-LLMTrace-Key`), never a provider key. */
  readonly apiKey?: string;
  readonly tenantId?: string;
  readonly agentId?: string;
  /** Default session id for calls outside a `trace(..., { sessionId })`. */
  readonly sessionId?: string;
  /** The fetch the SDK uses (default: the platform's `fetch`). */
  readonly fetch?: typeof fetch;
}

/** Options with the defaults applied and the URL checked. */
export interface ResolvedOptions extends LLMTraceOptions {
  readonly proxyUrl: string;
  readonly fetch: typeof fetch;
}

export const DEFAULT_PROXY_URL = 'http://127.0.0.1:8080';

let defaults: LLMTraceOptions = {};

/**
 * Sets the defaults used by {@link instrument}, {@link reportAction} and {@link createApiClient}
 * (per-call options override them). Throws a `TypeError` for a malformed `proxyUrl`.
 *
 * @example
 * configure({ proxyUrl: 'http://127.0.0.1:8080', tenantId: 'acme', agentId: 'planner' });
 */
export function configure(options: LLMTraceOptions): ResolvedOptions {
  const resolved = resolveOptions(options, {});
  defaults = { ...options };
  return resolved;
}

/** `options` over the configured defaults over the built-in ones, validated. */
export function resolveOptions(
  options: LLMTraceOptions = {},
  base: LLMTraceOptions = defaults,
): ResolvedOptions {
  const merged: LLMTraceOptions = { ...base };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  const proxyUrl = (merged.proxyUrl ?? DEFAULT_PROXY_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(proxyUrl)) {
    throw new TypeError(
      `@llmtrace/sdk: proxyUrl must be an http:// or https:// URL (got ${JSON.stringify(merged.proxyUrl)})`,
    );
  }
  return { ...merged, proxyUrl, fetch: merged.fetch ?? globalThis.fetch };
}

/** The `X-LLMTrace-*` identity headers the options imply (session excluded: it varies). */
export function identityHeaders(options: LLMTraceOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.apiKey !== undefined) headers['x-llmtrace-key'] = options.apiKey;
  if (options.tenantId !== undefined) headers['x-llmtrace-tenant-id'] = options.tenantId;
  if (options.agentId !== undefined) headers['x-llmtrace-agent-id'] = options.agentId;
  return headers;
}
