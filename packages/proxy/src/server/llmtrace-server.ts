import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPricingEngine, type Config, type Storage } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import type { Logger } from 'pino';
import { buildSpan, type SpanAnalyzer, type SpanPricer } from '../capture/build-span.js';
import { CapturePipeline } from '../capture/capture-pipeline.js';
import { Forwarder } from '../forward/forwarder.js';
import { UpstreamClient } from '../forward/upstream-client.js';
import { sendError, clientError } from '../http/send-error.js';
import { buildUpstreamTable } from './upstream-targets.js';
import { createAnalyzer, redactPii } from '@llmtrace/security';
import { adapterFor } from '../providers/registry.js';
import { createRequestScreen, createSpanAnalyzer } from '../security/span-security.js';

/** Keep at most this much of one response for capture (the client always gets all of it). */
const MAX_CAPTURE_BYTES = 32 * 1024 * 1024;
/** In-flight responses get this long to finish on shutdown. */
const SHUTDOWN_GRACE_MS = 30_000;

/** A running LLMTrace server. */
export interface LLMTraceServer {
  readonly url: string;
  readonly port: number;
  readonly storage: Storage;
  readonly capture: CapturePipeline;
  /** Stops accepting, finishes in-flight responses, flushes capture, closes storage. */
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  /** Use this storage instead of opening the configured one (tests); it is still closed on close(). */
  readonly storage?: Storage;
  readonly analyze?: SpanAnalyzer;
  readonly price?: SpanPricer;
  readonly redact?: (text: string) => string;
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Opens storage, starts the capture pipeline and serves HTTP: `/health`, and every other path
 * forwarded to the upstream.
 */
export async function startServer(options: StartServerOptions): Promise<LLMTraceServer> {
  const { config, logger } = options;
  const pricing = createPricingEngine(config.pricing);
  const price =
    options.price ?? ((provider, model, usage) => pricing.estimate(provider, model, usage));
  const security = config.security;
  const analyzer = security.enabled ? createAnalyzer() : null;
  const analyze = options.analyze ?? (analyzer === null ? undefined : createSpanAnalyzer(analyzer));
  const redact = options.redact ?? (security.redact_pii ? redactPii : undefined);
  const screen =
    analyzer !== null && security.mode !== 'observe'
      ? {
          mode: security.mode,
          blockThreshold: security.block_threshold,
          run: createRequestScreen(analyzer, adapterFor),
        }
      : undefined;
  const storage =
    options.storage ?? (await createStorage(config.storage, { migrate: config.migrate_on_start }));
  const capture = new CapturePipeline({
    traces: storage.traces,
    buildSpan: (job) =>
      buildSpan(job, {
        maxTextChars: config.capture.max_text_chars,
        analyze,
        price,
        redact,
      }),
    queueSize: config.capture.queue_size,
    batchSize: config.capture.batch_size,
    flushIntervalMs: config.capture.flush_interval_ms,
    breaker: {
      failureThreshold: config.capture.breaker.failure_threshold,
      resetMs: config.capture.breaker.reset_ms,
    },
    logger,
  });
  const client = new UpstreamClient({
    connectMs: config.timeouts.connect_ms,
    firstByteMs: config.timeouts.first_byte_ms,
    idleMs: config.timeouts.idle_ms,
  });
  const upstreams = buildUpstreamTable(config);
  const forwarder = new Forwarder({
    client,
    upstreamFor: upstreams.upstreamFor,
    defaultProvider: upstreams.defaultProvider,
    defaultTenant: config.default_tenant,
    maxBodyBytes: config.limits.max_body_bytes,
    maxCaptureBytes: MAX_CAPTURE_BYTES,
    capture: (job) => {
      capture.enqueue(job);
    },
    logger,
    analyse: analyze !== undefined,
    screen,
  });

  const health = async (res: ServerResponse): Promise<void> => {
    const [traces, metadata, cache] = await Promise.all([
      storage.traces.health(),
      storage.metadata.health(),
      storage.cache.health(),
    ]);
    const stats = capture.stats();
    const ok = traces.ok && metadata.ok && cache.ok && stats.breaker === 'closed';
    writeJson(res, ok ? 200 : 503, {
      status: ok ? 'ok' : 'degraded',
      storage: { traces, metadata, cache },
      capture: stats,
    });
  };

  const server: Server = createServer(
    { keepAliveTimeout: 65_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      if (url === '/health' || url.startsWith('/health?')) {
        health(res).catch((error: unknown) => {
          logger.error({ err: error }, 'health check failed');
          sendError(res, error, 'health');
        });
        return;
      }
      if (url.startsWith('/api/')) {
        sendError(
          res,
          clientError('NOT_FOUND', `no API route ${req.method ?? 'GET'} ${url}`),
          'api',
        );
        req.resume();
        return;
      }
      forwarder.handle(req, res);
    },
  );
  server.on('clientError', (error, socket) => {
    logger.debug({ err: error }, 'malformed request from client');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    storage,
    capture,
    close() {
      closing ??= (async () => {
        // Stop accepting; idle keep-alive sockets are closed, in-flight responses finish.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Keep-alive sockets that go idle after their last response are closed as they do; a client
        // that keeps one open forever does not hold shutdown hostage.
        const sweeper = setInterval(() => server.closeIdleConnections(), 250);
        const deadline = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await stopped;
        clearInterval(sweeper);
        clearTimeout(deadline);
        await client.close();
        await capture.close();
        await storage.close();
      })();
      return closing;
    },
  };
}
