import { identityHeaders, resolveOptions, type LLMTraceOptions } from './sdk-options.js';
import { currentSpan } from './trace-context.js';

/** The fetch signature the official `openai` and `@anthropic-ai/sdk` clients accept. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * What {@link instrument} needs from a client: its `baseURL` and a `withOptions()` copy with a
 * different base URL and fetch. The official `openai` (4.x–6.x) and `@anthropic-ai/sdk` clients
 * have both.
 */
export interface InstrumentableClient<C> {
  readonly baseURL: string;
  withOptions(options: { baseURL?: string; fetch?: FetchLike }): C;
}

/**
 * The client's base URL with its origin replaced by the proxy's; the API path is kept
 * (`https://api.openai.com/v1` → `http://127.0.0.1:8080/v1`).
 *
 * @example
 * rebaseUrl('https://api.anthropic.com', 'http://127.0.0.1:8080'); // 'http://127.0.0.1:8080'
 */
export function rebaseUrl(baseUrl: string, proxyUrl: string): string {
  const base = new URL(baseUrl);
  const proxy = new URL(proxyUrl);
  const proxyPath = proxy.pathname.replace(/\/+$/, '');
  let path = base.pathname === '/' ? '' : base.pathname;
  // A client already aimed at the proxy must not get the proxy's path prefix twice.
  if (proxyPath !== '' && path.startsWith(`${proxyPath}/`)) path = path.slice(proxyPath.length);
  return `${proxy.origin}${proxyPath}${path}${base.search}`;
}

/**
 * The LLMTrace headers of a call made now: identity, session, and the `traceparent`/`tracestate`
 * of the innermost open {@link trace}/{@link span}.
 *
 * @example
 * await trace('run', async () => traceHeaders({ agentId: 'bot' })['traceparent']);
 */
export function traceHeaders(options: LLMTraceOptions): Record<string, string> {
  const headers = identityHeaders(options);
  const scope = currentSpan();
  const sessionId = scope?.sessionId ?? options.sessionId;
  if (sessionId !== undefined) headers['x-llmtrace-session-id'] = sessionId;
  if (scope !== undefined) {
    headers['traceparent'] = scope.traceparent;
    if (scope.tracestate !== undefined) headers['tracestate'] = scope.tracestate;
  }
  return headers;
}

/**
 * Wraps a fetch so each request gets {@link traceHeaders}, computed when the request is sent.
 * Headers the caller set on the request itself win.
 */
export function tracedFetch(base: FetchLike, options: LLMTraceOptions): FetchLike {
  return (input, init) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}));
    for (const [name, value] of Object.entries(traceHeaders(options))) {
      if (!headers.has(name)) headers.set(name, value);
    }
    return base(input, { ...init, headers });
  };
}

/**
 * Returns a copy of an official `openai` or `@anthropic-ai/sdk` client whose calls go through the
 * LLMTrace proxy with the tenant, agent, session and `traceparent` headers; the original client is
 * left as it was. Options override those given to {@link configure}.
 *
 * @example
 * import OpenAI from 'openai';
 * const openai = instrument(new OpenAI(), { proxyUrl: 'http://127.0.0.1:8080', agentId: 'bot' });
 */
export function instrument<C extends InstrumentableClient<C>>(
  client: C,
  options: LLMTraceOptions = {},
): C {
  const resolved = resolveOptions(options);
  // Keep a fetch the client was built with (a proxy agent, a test double): both official clients
  // hold it in a `fetch` field, private to TypeScript but there at run time. An explicit
  // `options.fetch` wins.
  const own: unknown = Reflect.get(client, 'fetch');
  const clientFetch = typeof own === 'function' ? (own as FetchLike) : undefined;
  const baseFetch: FetchLike =
    options.fetch ??
    (clientFetch === undefined ? resolved.fetch : (input, init) => clientFetch(input, init));
  return client.withOptions({
    baseURL: rebaseUrl(client.baseURL, resolved.proxyUrl),
    fetch: tracedFetch(baseFetch, resolved),
  });
}
