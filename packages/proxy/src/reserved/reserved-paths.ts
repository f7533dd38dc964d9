import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientError, errorBody } from '../http/error-envelope.js';
import { pathOf } from '../http/url-path.js';

/**
 * Where a request goes before any proxying (issue 12 item 5, issue 11 item 3): paths LLMTrace owns
 * are answered here and never reach an LLM provider.
 * - `api`: the REST API and `/health` (fastify);
 * - `landing`: `GET /` and `HEAD /`, a small page with the next steps;
 * - `metrics`: `/metrics`, Prometheus metrics (telemetry/; a 404 here when served elsewhere or off);
 * - `ui`: `/ui` and everything under it, the dashboard's static files (`ui/ui-handler.ts`);
 * - `proxy`: everything else (`POST /v1/traces` carrying OTLP is caught after its body is read,
 *   see {@link isOtlpExport}).
 */
export type Destination = 'api' | 'landing' | 'metrics' | 'ui' | 'proxy';

/** The destination of a request line. */
export function destinationOf(method: string | undefined, url: string): Destination {
  const path = pathOf(url);
  if (path === '/health' || path === '/api/v1' || path.startsWith('/api/v1/')) return 'api';
  if (path === '/metrics') return 'metrics';
  if (path === '/ui' || path.startsWith('/ui/')) return 'ui';
  // Only GET and HEAD: TGI serves generation at `POST /`, which is forwarded like any other call.
  if (path === '/' && (method === 'GET' || method === 'HEAD')) return 'landing';
  return 'proxy';
}

const OTLP_PROTOBUF = 'application/x-protobuf';

/**
 * True for an OpenTelemetry trace export to `/v1/traces` (OTLP/HTTP: protobuf, or JSON whose top
 * level has `resourceSpans`). Any other `POST /v1/traces` is a provider call and is forwarded.
 */
export function isOtlpExport(
  method: string,
  path: string,
  contentType: string | undefined,
  body: Buffer | null,
): boolean {
  if (method !== 'POST' || path !== '/v1/traces') return false;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === OTLP_PROTOBUF) return true;
  if (body === null || !body.includes('"resourceSpans"')) return false;
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    return typeof json === 'object' && json !== null && 'resourceSpans' in json;
  } catch {
    return false;
  }
}

/** Options of {@link ReservedPaths}. */
export interface ReservedPathsOptions {
  readonly version: string;
  /** Link the dashboard from the landing page (once `/ui` is served). */
  readonly dashboard: boolean;
}

const SECURITY_HEADERS = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

function landingPage(options: ReservedPathsOptions): string {
  const dashboard = options.dashboard ? '<li><a href="/ui">Dashboard</a></li>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LLMTrace</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;color:#1d2330}
code{background:#f3f4f7;padding:0 .25rem;border-radius:3px}</style></head><body>
<h1>LLMTrace ${options.version}</h1>
<p>This is an LLM proxy: point your client's base URL here instead of the provider's —
<code>/v1</code> for OpenAI clients, this address itself for Anthropic and Ollama clients.</p>
<ul>${dashboard}<li><a href="/api/v1/docs">REST API documentation</a></li>
<li><a href="/health">Health</a></li></ul>
</body></html>`;
}

/** Answers the paths LLMTrace keeps for itself. Built once; answers allocate nothing but a request id. */
export class ReservedPaths {
  readonly #landing: Buffer;

  constructor(options: ReservedPathsOptions) {
    this.#landing = Buffer.from(landingPage(options));
  }

  /** Answers a `landing` or `metrics` destination. */
  answer(destination: 'landing' | 'metrics', req: IncomingMessage, res: ServerResponse): void {
    // The body (if any) is not wanted: drain it so the connection can be reused.
    req.resume();
    if (destination === 'landing') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': this.#landing.length,
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'x-frame-options': 'DENY',
        ...SECURITY_HEADERS,
      });
      res.end(req.method === 'HEAD' ? undefined : this.#landing);
      return;
    }
    this.notFound(
      res,
      '/metrics is reserved for Prometheus metrics, which are not served on this address (metrics.enabled is false, or metrics.listen serves them elsewhere); nothing was forwarded',
    );
  }

  /** The answer to an OTLP export (see {@link isOtlpExport}). */
  otlp(res: ServerResponse): void {
    this.notFound(
      res,
      'POST /v1/traces with OTLP is reserved for OpenTelemetry trace ingest, which this build does not serve yet; nothing was forwarded',
    );
  }

  notFound(res: ServerResponse, message: string): void {
    const id = randomUUID();
    const body = errorBody(clientError('NOT_FOUND', message), id, 'openai');
    res.writeHead(404, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-llmtrace-trace-id': id,
      ...SECURITY_HEADERS,
    });
    res.end(body);
  }
}
