import type { IncomingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) plus `host`, which undici sets from the upstream origin, and
 * `proxy-connection`, a non-standard hop-by-hop header some clients still send.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

const LLMTRACE_PREFIX = 'x-llmtrace-';

/** LLMTrace's own request headers, consumed by the proxy and never sent upstream. */
export interface LLMTraceHeaders {
  tenantId: string | undefined;
  agentId: string | undefined;
  key: string | undefined;
  provider: string | undefined;
  /** `X-LLMTrace-Session-ID`: a conversation/session id (1–256 characters, else ignored). */
  sessionId: string | undefined;
  /**
   * The W3C `traceparent` as received (it is also forwarded upstream unchanged); undefined when
   * absent or sent more than once, which the spec treats as invalid (§3.2).
   */
  traceparent: string | undefined;
  /** The credential the client sends to the provider (bearer token or `x-api-key`), never stored. */
  upstreamCredential: string | undefined;
  anthropicVersion: boolean;
}

/**
 * Splits the client's raw headers (`req.rawHeaders`: name/value pairs, original case and order) into
 * the headers to send upstream and LLMTrace's own headers, in one pass.
 */
export function splitRequestHeaders(raw: readonly string[]): {
  upstream: string[];
  own: LLMTraceHeaders;
} {
  const own: LLMTraceHeaders = {
    tenantId: undefined,
    agentId: undefined,
    key: undefined,
    provider: undefined,
    sessionId: undefined,
    traceparent: undefined,
    upstreamCredential: undefined,
    anthropicVersion: false,
  };
  let connectionTokens: Set<string> | undefined;
  let traceparentCount = 0;
  const upstream: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower.startsWith(LLMTRACE_PREFIX)) {
      switch (lower) {
        case 'x-llmtrace-tenant-id':
          own.tenantId = value;
          break;
        case 'x-llmtrace-agent-id':
          own.agentId = value;
          break;
        case 'x-llmtrace-key':
          own.key = value;
          break;
        case 'x-llmtrace-provider':
          own.provider = value.toLowerCase();
          break;
        case 'x-llmtrace-session-id': {
          const session = value.trim();
          own.sessionId = session.length > 0 && session.length <= 256 ? session : undefined;
          break;
        }
        default:
          break;
      }
      continue;
    }
    if (HOP_BY_HOP.has(lower)) {
      if (lower === 'connection') {
        // Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
        connectionTokens ??= new Set();
        for (const token of value.split(',')) connectionTokens.add(token.trim().toLowerCase());
      }
      continue;
    }
    if (lower === 'authorization') {
      const match = /^Bearer\s+(.+)$/i.exec(value);
      if (match?.[1] !== undefined) own.upstreamCredential ??= match[1].trim();
    } else if (lower === 'x-api-key' || lower === 'api-key') {
      own.upstreamCredential ??= value.trim();
    } else if (lower === 'anthropic-version') {
      own.anthropicVersion = true;
    } else if (lower === 'traceparent') {
      traceparentCount += 1;
      own.traceparent = traceparentCount === 1 ? value : undefined;
    }
    upstream.push(name, value);
  }
  if (connectionTokens !== undefined) {
    const filtered: string[] = [];
    for (let i = 0; i + 1 < upstream.length; i += 2) {
      if (!connectionTokens.has((upstream[i] as string).toLowerCase())) {
        filtered.push(upstream[i] as string, upstream[i + 1] as string);
      }
    }
    return { upstream: filtered, own };
  }
  return { upstream, own };
}

/**
 * The upstream's response headers minus hop-by-hop ones, as a flat name/value list for
 * `res.writeHead`, with LLMTrace's trace id and the `traceparent` of the span the proxy created
 * appended (an upstream `traceparent` response header gives way to ours: one span, one value).
 */
export function responseHeadersForClient(
  headers: IncomingHttpHeaders,
  trace: { readonly traceId: string; readonly traceparent: string },
): string[] {
  const out: string[] = [];
  const connection = headers['connection'];
  const named =
    typeof connection === 'string'
      ? new Set(connection.split(',').map((t) => t.trim().toLowerCase()))
      : undefined;
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || named?.has(name) === true || name === 'traceparent') continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
  out.push('x-llmtrace-trace-id', trace.traceId, 'traceparent', trace.traceparent);
  return out;
}
