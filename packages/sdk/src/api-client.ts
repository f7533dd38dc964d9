import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/api-types.js';
import { identityHeaders, resolveOptions, type LLMTraceOptions } from './sdk-options.js';

/** A typed client of the proxy's REST API (`/api/v1`), generated from its OpenAPI document. */
export type ApiClient = Client<paths>;

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;

/** A trace with its spans, as `GET /api/v1/traces/{id}` returns it. */
export type Trace = JsonOf<paths['/api/v1/traces/{id}']['get']['responses'][200]>;
/** A span, as `GET /api/v1/spans/{id}` returns it. */
export type Span = JsonOf<paths['/api/v1/spans/{id}']['get']['responses'][200]>;
/** A page of spans (`GET /api/v1/spans`, `GET /api/v1/security/findings`). */
export type SpanPage = JsonOf<paths['/api/v1/spans']['get']['responses'][200]>;
/** A page of traces (`GET /api/v1/traces`). */
export type TracePage = JsonOf<paths['/api/v1/traces']['get']['responses'][200]>;

/**
 * Creates a typed REST client (openapi-fetch over the proxy's own OpenAPI document): paths, query
 * parameters and response bodies are checked by the compiler.
 *
 * @example
 * const api = createApiClient({ proxyUrl: 'http://127.0.0.1:8080' });
 * const { data, error } = await api.GET('/api/v1/traces/{id}', { params: { path: { id: traceId } } });
 */
export function createApiClient(options: LLMTraceOptions = {}): ApiClient {
  const resolved = resolveOptions(options);
  const headers = identityHeaders(resolved);
  delete headers['x-llmtrace-agent-id'];
  const baseFetch = resolved.fetch;
  return createClient<paths>({
    baseUrl: resolved.proxyUrl,
    headers,
    fetch: (request) => baseFetch(request),
  });
}
