import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { TraceRepository, TraceSpan } from '@llmtrace/core';
import type { Logger } from 'pino';
import type { Exchange } from '../exchange/exchange.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

/** Longest stretch of capture work before yielding to the event loop. */
const SLICE_MS = 1;
/** Spans per SQLite transaction on the proxy's thread (see #drain). */
export const SYNC_WRITE_CHUNK = 64;

/** Counters exposed on `/health` and `/metrics`. */
export interface CaptureStats {
  readonly queueDepth: number;
  readonly enqueued: number;
  readonly stored: number;
  /** Jobs refused because the queue was full. */
  readonly droppedQueueFull: number;
  /** Spans not stored: the write failed or the circuit was open. */
  readonly droppedStorage: number;
  /** Jobs whose span could not be built (a bug; logged). */
  readonly buildErrors: number;
  readonly breaker: BreakerState;
}

/** Options of {@link CapturePipeline}. */
export interface CapturePipelineOptions {
  readonly traces: TraceRepository;
  readonly buildSpan: (job: Exchange) => TraceSpan | Promise<TraceSpan>;
  readonly queueSize: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  /**
   * Largest write. A synchronous store (SQLite) blocks the event loop for the whole transaction, so
   * it gets small ones ({@link SYNC_WRITE_CHUNK}); a network store (ClickHouse) wants whole batches.
   */
  readonly writeChunk?: number;
  readonly breaker: { readonly failureThreshold: number; readonly resetMs: number };
  readonly logger: Logger;
  /**
   * Called with each span right after it is built, before it is written (budget settlement,
   * alerts). Runs on the worker; it must not block, and whatever it throws is logged and ignored.
   */
  readonly onSpan?: ((span: TraceSpan, job: Exchange) => void) | undefined;
  /**
   * An asynchronous second pass over built spans (the transformer tier, `security.ml`): started
   * for every span of a batch as soon as it is built, so their texts reach the model's worker pool
   * together, and awaited before the batch's `onSpan` hooks and write. It must bound its own wait
   * (the tier's time budget); whatever it throws is logged and the span is kept as built.
   */
  readonly enrich?: ((span: TraceSpan, job: Exchange) => Promise<TraceSpan>) | undefined;
}

/**
 * The bounded capture queue and its background worker. The request path only calls `enqueue` (O(1),
 * never waits); the worker builds spans and writes them in batches, behind a circuit breaker.
 *
 * The queue is a fixed ring buffer (no array shifting), so a burst cannot grow memory without bound:
 * beyond `queueSize` jobs are dropped and counted.
 */
export class CapturePipeline {
  readonly #options: CapturePipelineOptions;
  readonly #ring: (Exchange | undefined)[];
  readonly #breaker: CircuitBreaker;
  #head = 0;
  #size = 0;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;
  #enqueued = 0;
  #stored = 0;
  #droppedQueueFull = 0;
  #droppedStorage = 0;
  #buildErrors = 0;

  constructor(options: CapturePipelineOptions) {
    if (options.queueSize < 1 || options.batchSize < 1) {
      throw new RangeError('capture.queue_size and capture.batch_size must be at least 1');
    }
    this.#options = options;
    this.#ring = new Array<Exchange | undefined>(options.queueSize);
    this.#breaker = new CircuitBreaker(options.breaker);
  }

  /** Queues a job; returns false (and counts it) when the queue is full or closed. */
  enqueue(job: Exchange): boolean {
    if (this.#closed || this.#size === this.#ring.length) {
      this.#droppedQueueFull++;
      return false;
    }
    this.#ring[(this.#head + this.#size) % this.#ring.length] = job;
    this.#size++;
    this.#enqueued++;
    if (this.#size >= this.#options.batchSize) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#options.flushIntervalMs);
    return true;
  }

  stats(): CaptureStats {
    return {
      queueDepth: this.#size,
      enqueued: this.#enqueued,
      stored: this.#stored,
      droppedQueueFull: this.#droppedQueueFull,
      droppedStorage: this.#droppedStorage,
      buildErrors: this.#buildErrors,
      breaker: this.#breaker.state,
    };
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.#size > 0 || this.#draining !== undefined) {
      this.#kick();
      await this.#draining;
    }
  }

  /** Stops accepting jobs and writes what is queued. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  #kick(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#draining !== undefined || this.#size === 0) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#size > 0) {
        if (this.#size >= this.#options.batchSize || this.#closed) this.#kick();
        else this.#timer ??= setTimeout(() => this.#kick(), this.#options.flushIntervalMs);
      }
    });
  }

  async #drain(): Promise<void> {
    const count = Math.min(this.#size, this.#options.batchSize);
    let spans: TraceSpan[] = [];
    const jobs: Exchange[] = [];
    const enrich = this.#options.enrich;
    const pending: Promise<TraceSpan>[] = [];
    let sliceStart = performance.now();
    for (let i = 0; i < count; i++) {
      // Time-slice: building spans is CPU work on the proxy's thread; yield every SLICE_MS so that
      // forwarding never waits behind a large batch (it would show up in p99 latency).
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
      const job = this.#ring[this.#head] as Exchange;
      this.#ring[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#ring.length;
      this.#size--;
      let span: TraceSpan;
      try {
        span = await this.#options.buildSpan(job);
      } catch (error) {
        this.#buildErrors++;
        this.#options.logger.error({ err: error, traceId: job.traceId }, 'could not build span');
        continue;
      }
      spans.push(span);
      jobs.push(job);
      if (enrich === undefined) this.#spanHook(span, job);
      else pending.push(this.#enrich(enrich, span, job));
    }
    if (enrich !== undefined) {
      spans = await Promise.all(pending);
      spans.forEach((span, i) => this.#spanHook(span, jobs[i] as Exchange));
    }
    // Write in short transactions for the same reason (a synchronous SQLite commit of 500 spans
    // blocks for milliseconds).
    const chunk = this.#options.writeChunk ?? this.#options.batchSize;
    for (let start = 0; start < spans.length; start += chunk) {
      if (start > 0) await yieldToEventLoop();
      await this.#write(spans.slice(start, start + chunk));
    }
  }

  #spanHook(span: TraceSpan, job: Exchange): void {
    if (this.#options.onSpan === undefined) return;
    try {
      this.#options.onSpan(span, job);
    } catch (error) {
      this.#options.logger.error({ err: error, traceId: job.traceId }, 'span hook failed');
    }
  }

  async #enrich(
    enrich: (span: TraceSpan, job: Exchange) => Promise<TraceSpan>,
    span: TraceSpan,
    job: Exchange,
  ): Promise<TraceSpan> {
    try {
      return await enrich(span, job);
    } catch (error) {
      this.#options.logger.error({ err: error, traceId: job.traceId }, 'span enrichment failed');
      return span;
    }
  }

  async #write(spans: TraceSpan[]): Promise<void> {
    if (!this.#breaker.allow()) {
      this.#droppedStorage += spans.length;
      return;
    }
    try {
      const result = await this.#options.traces.storeBatch(spans);
      this.#stored += result.written;
      if (result.failed.length > 0) {
        this.#droppedStorage += result.failed.length;
        this.#options.logger.warn(
          { failed: result.failed.length, first: result.failed[0]?.error },
          'some spans were rejected by storage',
        );
      }
      this.#breaker.success();
    } catch (error) {
      this.#breaker.failure();
      this.#droppedStorage += spans.length;
      this.#options.logger.error(
        { err: error, spans: spans.length, breaker: this.#breaker.state },
        'storage write failed; spans dropped',
      );
    }
  }
}
