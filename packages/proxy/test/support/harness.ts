import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildConfig, type Storage, type TraceSpan } from '@llmtrace/core';
import { pino } from 'pino';
import { startServer, type LLMTraceServer, type StartServerOptions } from '@llmtrace/proxy';

/** A proxy under test with its own temporary SQLite file. */
export interface ProxyUnderTest {
  readonly server: LLMTraceServer;
  readonly dbPath: string;
  /** Flushes capture and returns the spans of a tenant, newest first. */
  spans(tenantId?: string): Promise<TraceSpan[]>;
  close(): Promise<void>;
}

/** Starts the real proxy on an ephemeral port against `upstreamUrl`, storing into a temp SQLite file. */
export async function startProxy(
  upstreamUrl: string,
  overrides: Record<string, unknown> = {},
  extra: Partial<Omit<StartServerOptions, 'config'>> & { storage?: Storage } = {},
): Promise<ProxyUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'llmtrace-test-'));
  const dbPath = join(dir, 'traces.db');
  const config = buildConfig({
    upstream_url: upstreamUrl,
    listen: { host: '127.0.0.1', port: 0 },
    storage: { profile: 'lite', path: dbPath },
    capture: { flush_interval_ms: 10 },
    logging: { level: 'silent' },
    ...overrides,
  });
  const server = await startServer({ logger: pino({ level: 'silent' }), ...extra, config });
  let closed = false;
  return {
    server,
    dbPath,
    async spans(tenantId = 'default') {
      // Let spans that are still on their way (admission, upstream) reach the capture queue.
      await new Promise((r) => setTimeout(r, 5));
      await server.capture.flush();
      const page = await server.storage.traces.querySpans({ tenantId, limit: 1000, offset: 0 });
      return page.items;
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A response as the client saw it, with the arrival time of each body chunk. */
export interface ClientResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
  readonly chunkTimes: number[];
  /** True when the connection ended before a complete response. */
  readonly aborted: boolean;
}

/** Sends one request with node:http (a fresh connection) and collects the raw response bytes. */
export function send(
  baseUrl: string,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    signal?: AbortSignal;
    onChunk?: (chunk: Buffer) => void;
  } = {},
): Promise<ClientResponse> {
  const url = new URL(options.path ?? '/v1/chat/completions', baseUrl);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        agent: false,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        const times: number[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          times.push(performance.now() - t0);
          options.onChunk?.(c);
        });
        const done = (aborted: boolean): void =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
            chunkTimes: times,
            aborted,
          });
        res.on('end', () => done(false));
        res.on('aborted', () => done(true));
        res.on('error', () => done(true));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export const CHAT_REQUEST = JSON.stringify({
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Hello!' },
  ],
});

/** Polls `check` until it returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
