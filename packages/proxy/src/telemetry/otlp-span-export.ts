import type { TraceSpan } from '@llmtrace/core';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import { toGenAiSpans, type GenAiSpanContext, type SpanExtras } from './genai-span.js';

/** Counters shown on `/health` and `/metrics`. */
export interface OtlpExportStats {
  readonly endpoint: string;
  readonly queueDepth: number;
  /** OTel spans the collector accepted (a stored span with tool calls makes several). */
  readonly exported: number;
  /** OTel spans of batches the collector refused, or that never reached it (down, timeout). */
  readonly failed: number;
  /** Stored spans not exported because the export queue was full. */
  readonly dropped: number;
  /** Message of the last failed export, null after a success. */
  readonly lastError: string | null;
}

/** Options of {@link OtlpSpanExport}. */
export interface OtlpSpanExportOptions {
  readonly exporter: SpanExporter;
  /** For `/health` (never includes headers, which may carry a backend's API key). */
  readonly endpoint: string;
  readonly serviceName: string;
  readonly version: string;
  readonly captureContent: boolean;
  readonly redact?: ((text: string) => string) | undefined;
  readonly queueSize: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly logger: Logger;
}

interface Job {
  readonly span: TraceSpan;
  readonly extras: SpanExtras;
}

/** How long close() waits for the last exports. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Exports captured spans to an OpenTelemetry collector (OTLP/HTTP) in the background: a bounded
 * queue, batches of `batchSize` sent at most every `flushIntervalMs`, one export in flight. Adding
 * a span is O(1) and never waits; the conversion to GenAI spans happens when a batch is sent. A
 * collector that is down, slow or refusing costs queue space only — spans beyond the bound are
 * dropped and counted, failed batches are counted, and neither ever reaches a client.
 */
export class OtlpSpanExport {
  readonly #o: OtlpSpanExportOptions;
  readonly #ctx: GenAiSpanContext;
  #queue: Job[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #closed = false;
  #exported = 0;
  #failed = 0;
  #dropped = 0;
  #lastError: string | null = null;
  #failing = false;

  constructor(options: OtlpSpanExportOptions) {
    if (options.queueSize < 1 || options.batchSize < 1) {
      throw new RangeError('telemetry.queue_size and telemetry.batch_size must be at least 1');
    }
    this.#o = options;
    this.#ctx = {
      resource: resourceFromAttributes({
        'service.name': options.serviceName,
        'service.version': options.version,
      }),
      scope: { name: 'llmtrace', version: options.version },
      captureContent: options.captureContent,
      redact: options.redact,
    };
  }

  /** Queues a span for export; false (and counted) when the queue is full or closed. */
  add(span: TraceSpan, extras: SpanExtras): boolean {
    if (this.#closed || this.#queue.length >= this.#o.queueSize) {
      this.#dropped++;
      return false;
    }
    this.#queue.push({ span, extras });
    if (this.#queue.length >= this.#o.batchSize) this.#kick();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#kick(), this.#o.flushIntervalMs);
      // A pending export must not keep a stopping process alive; close() flushes explicitly.
      this.#timer.unref();
    }
    return true;
  }

  stats(): OtlpExportStats {
    return {
      endpoint: this.#o.endpoint,
      queueDepth: this.#queue.length,
      exported: this.#exported,
      failed: this.#failed,
      dropped: this.#dropped,
      lastError: this.#lastError,
    };
  }

  /** Exports everything queued so far. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight !== undefined) {
      this.#kick();
      await this.#inFlight;
    }
  }

  /** Stops accepting spans, exports what is queued (for a few seconds at most), shuts down. */
  async close(): Promise<void> {
    this.#closed = true;
    // A collector that hangs must not hold shutdown hostage: the flush and the exporter's own
    // shutdown (which waits for requests in flight) share one deadline.
    let deadline: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      deadline = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS);
    });
    await Promise.race([this.flush(), timedOut]);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const left = this.#queue.length;
    if (left > 0) {
      this.#dropped += left;
      this.#queue = [];
      this.#o.logger.warn({ spans: left }, 'OTLP export: spans still queued at shutdown dropped');
    }
    const shutdown = this.#o.exporter.shutdown().catch((error: unknown) => {
      this.#o.logger.debug({ err: error }, 'OTLP exporter shutdown failed');
    });
    if ((await Promise.race([shutdown, timedOut])) === 'timeout') {
      this.#o.logger.warn('OTLP export: the collector did not answer before shutdown');
    }
    clearTimeout(deadline);
  }

  #kick(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#inFlight !== undefined || this.#queue.length === 0) return;
    const jobs = this.#queue.splice(0, this.#o.batchSize);
    this.#inFlight = this.#send(jobs).finally(() => {
      this.#inFlight = undefined;
      if (this.#queue.length === 0) return;
      if (this.#queue.length >= this.#o.batchSize || this.#closed) this.#kick();
      else if (this.#timer === undefined) {
        this.#timer = setTimeout(() => this.#kick(), this.#o.flushIntervalMs);
        this.#timer.unref();
      }
    });
  }

  async #send(jobs: readonly Job[]): Promise<void> {
    const spans: ReadableSpan[] = [];
    for (const job of jobs) {
      try {
        spans.push(...toGenAiSpans(job.span, job.extras, this.#ctx));
      } catch (error) {
        // A span the converter cannot read is a bug: count it as failed, keep the rest.
        this.#failed++;
        this.#o.logger.error({ err: error, spanId: job.span.spanId }, 'OTLP: span not converted');
      }
    }
    if (spans.length === 0) return;
    const result = await new Promise<ExportResult>((resolve) => {
      try {
        this.#o.exporter.export(spans, resolve);
      } catch (error) {
        resolve({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    });
    if (result.code === ExportResultCode.SUCCESS) {
      this.#exported += spans.length;
      this.#lastError = null;
      if (this.#failing) this.#o.logger.info('OTLP export recovered');
      this.#failing = false;
      return;
    }
    this.#failed += spans.length;
    this.#lastError = result.error?.message ?? 'export failed';
    // Logged when exports start failing, not once per batch: a collector that is down for an hour
    // would otherwise flood the log. The counters and /health keep the running picture.
    if (!this.#failing) {
      this.#o.logger.warn(
        { err: result.error, endpoint: this.#o.endpoint, spans: spans.length },
        'OTLP export failed; spans are counted as failed until the collector accepts them again',
      );
    }
    this.#failing = true;
  }
}

/** Options of {@link createOtlpSpanExport}: the `telemetry` config, resolved. */
export interface OtlpSettings {
  readonly endpoint: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * Builds the export with the OpenTelemetry OTLP/HTTP exporter of the protocol asked for. Loaded
 * with `import()` by the server only when `telemetry.otlp` is set, so the OpenTelemetry packages
 * cost nothing otherwise.
 */
export async function createOtlpSpanExport(
  settings: OtlpSettings,
  options: Omit<OtlpSpanExportOptions, 'exporter' | 'endpoint'>,
): Promise<OtlpSpanExport> {
  const config = {
    url: settings.endpoint,
    headers: { ...settings.headers },
    timeoutMillis: settings.timeoutMs,
    // Batches go one at a time (OtlpSpanExport); the exporter's own limit only guards retries.
    concurrencyLimit: 2,
  };
  const exporter: SpanExporter =
    settings.protocol === 'http/json'
      ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(config)
      : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(config);
  return new OtlpSpanExport({ ...options, exporter, endpoint: settings.endpoint });
}
