import type { LLMProvider } from '@llmtrace/core';
import { contentToText, isObject, type JsonObject } from './json-helpers.js';
import { parseOpenAiRequest } from './openai/openai-adapter.js';
import { adapterFor, detectProvider } from './registry.js';
import type { ParsedRequest, ProviderAdapter } from './types.js';

/**
 * Adapters tried, in this order, when the provider a request claims (`X-LLMTrace-Provider`) has no
 * traced operation for its path. Their native paths do not overlap, so the path alone decides.
 */
const BY_PATH: readonly LLMProvider[] = ['openai', 'anthropic', 'ollama', 'azure_openai'];

/** Keys that make a JSON body a generation request whatever its path (issue 14, items 3 and 4). */
const GENERATION_KEYS: readonly string[] = [
  'messages',
  'prompt',
  'contents',
  'system',
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
];

/**
 * A path as an upstream is likely to route it: percent-escapes decoded, repeated slashes collapsed,
 * trailing slashes removed. `/v1/chat/completions/` and `/v1//chat/%63ompletions` reach the same
 * handler as `/v1/chat/completions` on common servers, so they must be metered and screened as it
 * (a trailing `/` bypassed budget caps: issue 14, item 3).
 *
 * @example
 * normalisePath('/v1//chat/completions/'); // '/v1/chat/completions'
 */
export function normalisePath(path: string): string {
  let decoded = path;
  if (path.includes('%')) {
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // A malformed escape: match the raw path (the upstream will most likely refuse it too).
    }
  }
  const collapsed = decoded.replace(/\/{2,}/g, '/');
  const trimmed = collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
  return trimmed === '' ? '/' : trimmed;
}

/** The adapter that understands a request's wire format, and its operation. */
export interface ResolvedAdapter {
  readonly adapter: ProviderAdapter | null;
  /** The traced operation (`chat_completion`…), or null when the path is not one. */
  readonly operation: string | null;
  /** The normalised path. */
  readonly path: string;
}

/**
 * The adapter for a request: the claimed provider's when it traces this path, otherwise the adapter
 * whose own paths include it. A provider header therefore changes routing and the span's provider,
 * never whether a chat request is parsed, counted and screened (issue 14, items 3 and 4).
 *
 * @example
 * resolveAdapter('bedrock', 'POST', '/v1/chat/completions/').operation; // 'chat_completion'
 */
export function resolveAdapter(
  provider: LLMProvider,
  method: string,
  rawPath: string,
): ResolvedAdapter {
  const path = normalisePath(rawPath);
  const claimed = adapterFor(provider);
  const own = claimed?.operationFor(method, path) ?? null;
  if (own !== null) return { adapter: claimed, operation: own, path };
  for (const candidate of BY_PATH) {
    const adapter = adapterFor(candidate);
    const operation = adapter?.operationFor(method, path) ?? null;
    if (operation !== null) return { adapter, operation, path };
  }
  return { adapter: claimed, operation: null, path };
}

/**
 * For reading a request body: the adapter whose *own* paths include this one first, then the
 * claimed provider's. Anthropic and Ollama adapters also accept OpenAI paths but read the body in
 * their native shape, which would miss an OpenAI `max_tokens` (and reserve too little).
 */
function nativeAdapter(provider: LLMProvider, method: string, rawPath: string): ResolvedAdapter {
  const path = normalisePath(rawPath);
  for (const candidate of BY_PATH) {
    const adapter = adapterFor(candidate);
    const operation = adapter?.operationFor(method, path) ?? null;
    if (operation !== null) return { adapter, operation, path };
  }
  const claimed = adapterFor(provider);
  return { adapter: claimed, operation: claimed?.operationFor(method, path) ?? null, path };
}

/**
 * The provider whose price applies when the claimed one has none for the model: the provider the
 * request would have had without an `X-LLMTrace-Provider` header. A header can route a request, but
 * not make it free (issue 14, item 3: `bedrock`, `ollama` or `anthropic` on a gpt-4o request
 * counted $0).
 */
export function pricingFallback(
  provider: LLMProvider,
  path: string,
  defaultProvider: LLMProvider,
): LLMProvider | null {
  const withoutHeader = detectProvider(undefined, normalisePath(path), false, defaultProvider);
  return withoutHeader === provider ? null : withoutHeader;
}

/** A UTF-8 byte-order mark, which `JSON.parse` refuses but many upstreams skip. */
function withoutBom(body: Buffer): Buffer {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf
    ? body.subarray(3)
    : body;
}

/** Parses a request body as JSON the way lenient upstreams read it (a leading BOM is skipped). */
export function parseJsonBody(
  body: Buffer,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string } {
  try {
    return { ok: true, value: JSON.parse(withoutBom(body).toString('utf8')) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** What the proxy could read of a request before forwarding it. */
export type RequestReading =
  /** Not a generation request (no body, another operation): nothing to meter or screen. */
  | { readonly kind: 'none' }
  /** A generation path whose body cannot be read: refuse it when caps or blocking apply. */
  | { readonly kind: 'unreadable'; readonly reason: string }
  | {
      readonly kind: 'generation';
      readonly request: ParsedRequest;
      readonly adapter: ProviderAdapter | null;
      /** The operation, or null for a generation-shaped body on a path no adapter knows. */
      readonly operation: string | null;
      /** Completions asked for per request (OpenAI `n` / `best_of`), at least 1. */
      readonly choices: number;
    };

function choicesOf(json: JsonObject): number {
  let n = 1;
  for (const key of ['n', 'best_of']) {
    const value = json[key];
    if (typeof value === 'number' && Number.isFinite(value)) n = Math.max(n, Math.floor(value));
  }
  return n;
}

/**
 * Reads a request the same way for budget caps and for screening, whatever headers and body
 * shape it arrives with: the adapter comes from {@link resolveAdapter}, a BOM is skipped, and a JSON
 * body shaped like a generation request (`messages`, `prompt`, `max_tokens`…) on a path no adapter
 * knows is read with the OpenAI parser (the shape every compatible server shares) instead of
 * being waved through.
 *
 * @example
 * readRequest('openai', 'POST', '/v1/chat/completions', body).kind; // 'generation'
 */
export function readRequest(
  provider: LLMProvider,
  method: string,
  path: string,
  body: Buffer | null,
): RequestReading {
  if (body === null || body.length === 0) return { kind: 'none' };
  const { adapter, operation } = nativeAdapter(provider, method, path);
  const parsed = parseJsonBody(body);
  if (!parsed.ok) {
    return operation === null
      ? { kind: 'none' }
      : { kind: 'unreadable', reason: `the body is not valid JSON (${parsed.error})` };
  }
  const json = parsed.value;
  if (operation !== null && adapter !== null) {
    if (!isObject(json)) return { kind: 'unreadable', reason: 'the body is not a JSON object' };
    let request: ParsedRequest;
    try {
      request = adapter.parseRequest(json);
    } catch {
      // An adapter meeting a shape it does not know: refused where it matters, never a crash.
      return { kind: 'unreadable', reason: 'the body is not a request LLMTrace can read' };
    }
    return {
      kind: 'generation',
      request,
      adapter,
      operation,
      choices: choicesOf(json),
    };
  }
  if (
    method !== 'POST' ||
    !isObject(json) ||
    !GENERATION_KEYS.some((k) => Object.hasOwn(json, k))
  ) {
    return { kind: 'none' };
  }
  let request: ParsedRequest;
  try {
    request = parseOpenAiRequest(json);
  } catch {
    return { kind: 'unreadable', reason: 'the body is not a request LLMTrace can read' };
  }
  return {
    kind: 'generation',
    // Anthropic's top-level system prompt, which the OpenAI parser does not read.
    request: { ...request, system: request.system ?? (contentToText(json['system']) || null) },
    adapter: null,
    operation: null,
    choices: choicesOf(json),
  };
}
