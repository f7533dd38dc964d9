import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientError, sendError } from '../http/error-envelope.js';
import { pathOf } from '../http/url-path.js';
import type { ProxyMetrics } from './proxy-metrics.js';

/** Decides whether a scrape may read the metrics: null to allow, else the error to answer. */
export type MetricsAuthorizer = (headers: IncomingHttpHeaders) => Promise<Error | null>;

/** Options of {@link MetricsEndpoint}. */
export interface MetricsEndpointOptions {
  readonly metrics: ProxyMetrics;
  /** Absent: open (auth disabled, or a separate listener the operator exposes only to Prometheus). */
  readonly authorize?: MetricsAuthorizer | undefined;
}

const HEADERS = Object.freeze({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });

/**
 * Answers `GET /metrics` (and HEAD) with the Prometheus text exposition. Metrics cover every
 * tenant, so with auth enabled only the admin key reads them (the authorizer decides).
 */
export class MetricsEndpoint {
  readonly #o: MetricsEndpointOptions;

  constructor(options: MetricsEndpointOptions) {
    this.#o = options;
  }

  answer(req: IncomingMessage, res: ServerResponse): void {
    // A scrape has no body; drain whatever came so the connection can be reused.
    req.resume();
    this.#answer(req, res).catch((error: unknown) => {
      sendError(res, error, { requestId: randomUUID(), format: 'openai' });
    });
  }

  async #answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, clientError('BAD_REQUEST', '/metrics answers GET and HEAD only'), {
        requestId: randomUUID(),
        format: 'openai',
        headers: { allow: 'GET, HEAD' },
      });
      return;
    }
    const denied = this.#o.authorize === undefined ? null : await this.#o.authorize(req.headers);
    if (denied !== null) {
      sendError(res, denied, { requestId: randomUUID(), format: 'openai' });
      return;
    }
    const text = await this.#o.metrics.render();
    res.writeHead(200, {
      'content-type': this.#o.metrics.contentType,
      'content-length': Buffer.byteLength(text),
      ...HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  }
}

/** A listener that serves only `/metrics` (`metrics.listen`). */
export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `endpoint` on its own address; every other path is a 404. */
export async function listenMetrics(
  endpoint: MetricsEndpoint,
  listen: { readonly host: string; readonly port: number },
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (pathOf(req.url ?? '/') === '/metrics') {
      endpoint.answer(req, res);
      return;
    }
    req.resume();
    sendError(res, clientError('NOT_FOUND', 'this address serves /metrics only'), {
      requestId: randomUUID(),
      format: 'openai',
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
