import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LLMProvider, LLMTraceError } from '@llmtrace/core';
import type { Logger } from 'pino';
import type { RequestScreening } from '../capture/build-span.js';
import type { CaptureJob, EndReason } from '../capture/capture-job.js';
import {
  responseHeadersForClient,
  splitRequestHeaders,
  type LLMTraceHeaders,
} from '../http/headers.js';
import type { Admission } from '../tenant/admission.js';
import { clientError, sendError } from '../http/send-error.js';
import { detectProvider } from '../providers/registry.js';
import { classifyUpstreamError, type UpstreamClient } from './upstream-client.js';

/** One upstream target: origin plus an optional base path (`https://host/openai`). */
export interface UpstreamTarget {
  readonly origin: string;
  readonly basePath: string;
}

/** Options of {@link Forwarder}. */
export interface ForwarderOptions {
  readonly client: UpstreamClient;
  /** Upstream for each provider (every provider must resolve: the default fills the gaps). */
  readonly upstreamFor: (provider: LLMProvider) => UpstreamTarget;
  readonly defaultProvider: LLMProvider;
  /**
   * Decides whose request this is and whether it may go (auth, deleted tenants, rate limits, token
   * and budget caps). `job` carries provider, method, path and agent; `body` is the buffered body.
   */
  readonly admit: (
    own: LLMTraceHeaders,
    job: CaptureJob,
    body: Buffer | null,
  ) => Admission | Promise<Admission>;
  readonly maxBodyBytes: number;
  /**
   * Authentication is on: a request without `X-LLMTrace-Key` is refused before its body is read, so
   * unauthenticated clients cannot make the proxy buffer bodies (issue 14, item 7).
   */
  readonly requireKey?: boolean | undefined;
  /** Largest response body kept for capture; the client always gets everything. */
  readonly maxCaptureBytes: number;
  readonly capture: (job: CaptureJob) => void;
  readonly logger: Logger;
  /** Run analyzers in capture (the global switch; tenants can turn it off later). */
  readonly analyse: boolean;
  /**
   * `flag` and `block` modes: analyse the request before forwarding. Absent in `observe` mode, so
   * that mode pays nothing on the request path.
   */
  readonly screen?:
    | {
        readonly mode: 'flag' | 'block';
        readonly blockThreshold: number;
        readonly run: (
          provider: LLMProvider,
          body: Buffer,
          facts: { readonly method: string; readonly path: string },
        ) => RequestScreening | null;
      }
    | undefined;
}

const MAX_AGENT_ID = 128;

/**
 * The proxy's hot path: reads the body (bounded), resolves tenant and provider, forwards through the
 * upstream pool, relays status/headers/bytes as they arrive and hands a capture job to the pipeline
 * when the exchange ends — however it ends. No JSON is parsed here.
 */
export class Forwarder {
  readonly #o: ForwarderOptions;
  #shuttingDown = false;

  constructor(options: ForwarderOptions) {
    this.#o = options;
  }

  /** Marks the shutdown cut-off: exchanges cut from now on end as `shutdown`. */
  shutDown(): void {
    this.#shuttingDown = true;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const o = this.#o;
    const t0 = performance.now();
    const startedAt = Date.now();
    const traceId = randomUUID();
    const { upstream: headers, own } = splitRequestHeaders(req.rawHeaders);
    if (
      own.agentId !== undefined &&
      (own.agentId.length === 0 || own.agentId.length > MAX_AGENT_ID)
    ) {
      this.#reject(
        req,
        res,
        traceId,
        clientError('BAD_REQUEST', 'X-LLMTrace-Agent-ID must be 1-128 characters'),
      );
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const provider = detectProvider(own.provider, path, own.anthropicVersion, o.defaultProvider);
    if (o.requireKey === true && own.key === undefined) {
      this.#reject(
        req,
        res,
        traceId,
        clientError(
          'UNAUTHORIZED',
          'authentication is enabled: send your LLMTrace key in X-LLMTrace-Key',
        ),
      );
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > o.maxBodyBytes) {
      this.#reject(req, res, traceId, this.#tooLarge());
      return;
    }

    const job: CaptureJob = {
      traceId,
      tenantId: '',
      agentId: own.agentId ?? null,
      method: req.method ?? 'GET',
      path,
      provider,
      startedAt,
      requestBody: null,
      statusCode: null,
      responseContentType: undefined,
      responseContentEncoding: undefined,
      chunks: [],
      chunkTimes: [],
      capturedBytes: 0,
      truncated: false,
      firstByteMs: null,
      durationMs: 0,
      endReason: 'complete',
      errorMessage: null,
      analyse: false,
      screening: undefined,
    };

    const parts: Buffer[] = [];
    let received = 0;
    let aborted = false;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > o.maxBodyBytes) {
        aborted = true;
        req.off('data', onData);
        this.#reject(req, res, traceId, this.#tooLarge());
        return;
      }
      parts.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (aborted) return;
      const body =
        parts.length === 0
          ? null
          : parts.length === 1
            ? (parts[0] as Buffer)
            : Buffer.concat(parts, received);
      const admission = o.admit(own, job, body);
      if (admission instanceof Promise) {
        admission.then(
          (a) => this.#admitted(a, req, res, job, headers, body, url, t0),
          (error: unknown) => {
            o.logger.error({ err: error }, 'admission failed');
            this.#reject(
              req,
              res,
              traceId,
              clientError('SERVICE_UNAVAILABLE', 'could not check this request'),
            );
          },
        );
      } else {
        this.#admitted(admission, req, res, job, headers, body, url, t0);
      }
    });
    req.once('error', () => {
      // The client went away while sending; nothing was forwarded, nothing to capture.
      aborted = true;
    });
  }

  #admitted(
    admission: Admission,
    req: IncomingMessage,
    res: ServerResponse,
    job: CaptureJob,
    headers: string[],
    body: Buffer | null,
    url: string,
    t0: number,
  ): void {
    if (!admission.ok) {
      this.#reject(req, res, job.traceId, admission.error, admission.headers);
      return;
    }
    (job as { tenantId: string }).tenantId = admission.tenantId;
    job.analyse = admission.analyse && this.#o.analyse;
    if (admission.budget !== undefined) job.budget = admission.budget;
    this.#forward(res, job, headers, body, url, t0);
  }

  #tooLarge() {
    return clientError(
      'PAYLOAD_TOO_LARGE',
      `request body exceeds the limit of ${this.#o.maxBodyBytes} bytes (limits.max_body_bytes)`,
    );
  }

  #reject(
    req: IncomingMessage,
    res: ServerResponse,
    traceId: string,
    error: LLMTraceError,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    if (req.complete) {
      sendError(res, error, traceId, headers);
      return;
    }
    // Do not read an unwanted body: answer, then close the connection.
    res.shouldKeepAlive = false;
    sendError(res, error, traceId, { ...headers, connection: 'close' });
    req.resume();
  }

  #block(
    res: ServerResponse,
    job: CaptureJob,
    screening: RequestScreening,
    finish: (reason: EndReason, message: string | null) => void,
  ): void {
    const top = [...screening.findings].sort((a, b) => b.confidence - a.confidence)[0];
    job.statusCode = 403;
    sendError(
      res,
      clientError(
        'SECURITY_BLOCKED',
        `request blocked by LLMTrace security policy: ${top?.description ?? 'security score over the threshold'}`,
        {
          security_score: screening.score,
          findings: screening.findings.map((f) => ({
            type: f.type,
            severity: f.severity,
            description: f.description,
          })),
        },
      ),
      job.traceId,
    );
    finish('rejected', `blocked: security score ${screening.score}`);
  }

  #forward(
    res: ServerResponse,
    job: CaptureJob,
    headers: string[],
    body: Buffer | null,
    url: string,
    t0: number,
  ): void {
    const o = this.#o;
    const target = o.upstreamFor(job.provider);
    (job as { requestBody: Buffer | null }).requestBody = body;
    let done = false;
    let corked = false;
    const uncork = (): void => {
      corked = false;
      res.uncork();
    };
    const finish = (reason: EndReason, message: string | null): void => {
      if (done) return;
      done = true;
      job.endReason = reason;
      job.errorMessage = message;
      job.durationMs = performance.now() - t0;
      o.capture(job);
    };

    let securityHeaders: string[] | undefined;
    if (o.screen !== undefined && body !== null && job.analyse) {
      const screening = o.screen.run(job.provider, body, job);
      job.screening = screening ?? undefined;
      if (screening?.refusal !== undefined && o.screen.mode === 'block') {
        // A chat request the screen could not read is not forwarded unchecked (issue 14, item 4).
        job.statusCode = 400;
        sendError(res, clientError('BAD_REQUEST', screening.refusal), job.traceId);
        finish('rejected', screening.refusal);
        return;
      }
      if (screening !== null && screening.findings.length > 0) {
        if (o.screen.mode === 'block' && screening.score >= o.screen.blockThreshold) {
          this.#block(res, job, screening, finish);
          return;
        }
        securityHeaders = [
          'x-llmtrace-security-score',
          String(screening.score),
          'x-llmtrace-findings',
          [...new Set(screening.findings.map((f) => f.type))].join(','),
        ];
      }
    }

    const call = o.client.send(
      { origin: target.origin, path: target.basePath + url, method: job.method, headers, body },
      {
        onStart(statusCode, upstreamHeaders) {
          job.statusCode = statusCode;
          job.firstByteMs = performance.now() - t0;
          const ct = upstreamHeaders['content-type'];
          job.responseContentType = typeof ct === 'string' ? ct : undefined;
          const ce = upstreamHeaders['content-encoding'];
          job.responseContentEncoding =
            typeof ce === 'string' && ce !== 'identity' ? ce : undefined;
          const out = responseHeadersForClient(upstreamHeaders, job.traceId);
          if (securityHeaders !== undefined) out.push(...securityHeaders);
          res.writeHead(statusCode, out);
        },
        onData(chunk) {
          if (!job.truncated) {
            if (job.capturedBytes + chunk.length <= o.maxCaptureBytes) {
              job.chunks.push(chunk);
              job.chunkTimes.push(performance.now() - t0);
              job.capturedBytes += chunk.length;
            } else {
              job.truncated = true;
            }
          }
          // Cork until the next tick: a chunk and the end that usually follows it in the same tick
          // go out in one writev instead of two syscalls. A stream's chunks still leave at once.
          if (!corked) {
            corked = true;
            res.cork();
            process.nextTick(uncork);
          }
          return res.write(chunk);
        },
        onEnd() {
          res.end();
          finish('complete', null);
        },
        onError(error) {
          if (done) return;
          const kind = classifyUpstreamError(error);
          if (res.headersSent) {
            // Mid-stream failure: end the client's connection abruptly so it sees a truncated
            // response rather than a clean end (a clean end would pass for a complete answer).
            res.destroy(error);
            finish(
              kind === 'timeout' ? 'upstream_timeout' : 'upstream_error',
              `upstream failed mid-response: ${error.message}`,
            );
            return;
          }
          const message =
            kind === 'timeout'
              ? 'the upstream did not answer in time'
              : `the upstream could not be reached (${target.origin})`;
          sendError(
            res,
            clientError(kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNREACHABLE', message),
            job.traceId,
          );
          job.statusCode = kind === 'timeout' ? 504 : 502;
          finish(
            kind === 'timeout' ? 'upstream_timeout' : 'upstream_unreachable',
            `${message}: ${error.message}`,
          );
        },
      },
    );
    res.on('drain', () => call.resume());
    res.once('close', () => {
      if (done || res.writableFinished) return;
      if (this.#shuttingDown) {
        finish('shutdown', 'the proxy shut down before the response completed');
      } else {
        finish('client_abort', 'client disconnected before the response completed');
      }
      call.abort(new Error('client disconnected'));
    });
  }
}
