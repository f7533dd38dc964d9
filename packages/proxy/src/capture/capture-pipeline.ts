import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { BatchWriteResult, TraceRepository, TraceSpan } from '@llmtrace/core';
import type { Logger } from 'pino';
import type { Exchange } from '../exchange/exchange.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import { jobBytes, packJob, type CapturedSpan } from './span-job.js';
import { WorkerCrashError, type SpanWorkerPool } from './span-worker-pool.js';
import { TimeSlicer } from './time-slicer.js';

/** Longest stretch of capture work before yielding to the event loop. */
const SLICE_MS = 1;
/**
 * The longest slice when the queue is half full or more. One millisecond per turn of the event loop
 * is plenty at moderate load, but at saturation a turn spends ~10 ms on I/O, so 1 ms slices let
 * capture build a tenth of the spans that arrive and the queue overflowed (60 % of traces dropped
 * at 64 connections on one CPU: issue 13). Slices grow with the backlog instead, trading some
 * latency at saturation for traces that are not lost.
 */
const MAX_SLICE_MS = 8;

/**
 * The capture slice for a queue `fill` (0-1, the larger of jobs and bytes): SLICE_MS up to 5 %
 * full, growing linearly to MAX_SLICE_MS at half full and beyond.
 */
export function captureSliceMs(fill: number): number {
  return SLICE_MS + (MAX_SLICE_MS - SLICE_MS) * Math.min(1, Math.max(0, fill - 0.05) / 0.45);
}

/**
 * The next capture slice: as long as the event loop just spent on forwarding (`gapMs`, the time
 * between capture's yield and its next turn), between SLICE_MS and the backlog's cap
 * ({@link captureSliceMs}). At saturation a turn of I/O takes ~10 ms and capture gets the long
 * slices it needs to keep up; at moderate load the loop comes back within a fraction of a
 * millisecond, so even a large backlog (left by a burst) drains in 1 ms slices and a request
 * arriving meanwhile waits at most that long (a backlog alone made 8 ms slices and p99 +16 ms at
 * 500 req/s after a saturation run: issue 13).
 */
export function captureSliceBudget(fill: number, gapMs: number): number {
  return Math.min(captureSliceMs(fill), Math.max(SLICE_MS, gapMs));
}
/**
 * Jobs per drain, and the longest wait for them, when the store batches writes itself (`lite`: the
 * SQLite writer thread commits what it is handed in groups of `capture.batch_size` spans, none
 * waiting longer than `capture.flush_interval_ms`). Capture then hands spans over soon after their
 * requests end, instead of holding a 500-job batch for up to 200 ms on the proxy's thread: at
 * saturation such a job outlived two scavenges and was promoted, and promoted exchanges made a
 * full collection every second (issue 13, tenth pass).
 */
export const HANDOFF_JOBS = 32;
export const HANDOFF_MS = 10;
/**
 * Hand-offs such a store may hold at once: 2 048 spans, half a second at 4 000 req/s and four
 * default groups. Beyond, the next build waits for a commit (a slow disk backs up into the queue's
 * bounds).
 */
export const WRITES_IN_FLIGHT = 64;

/** Spans per SQLite transaction on the proxy's thread (see #drain). */
export const SYNC_WRITE_CHUNK = 64;

/** Counters exposed on `/health` and `/metrics`. */
export interface CaptureStats {
  readonly queueDepth: number;
  /** Bytes (request bodies and captured responses) queued or being built. */
  readonly queueBytes: number;
  readonly enqueued: number;
  readonly stored: number;
  /** Jobs refused because the queue was full. */
  readonly droppedQueueFull: number;
  /** Spans not stored: the write failed or the circuit was open. */
  readonly droppedStorage: number;
  /** Jobs whose span could not be built (a bug; logged). */
  readonly buildErrors: number;
  /** Jobs lost because the span worker building them died (it is restarted). */
  readonly droppedWorker: number;
  readonly breaker: BreakerState;
}

/** Options of {@link CapturePipeline}. */
export interface CapturePipelineOptions {
  readonly traces: TraceRepository;
  /**
   * Where spans are built: a {@link SpanWorkerPool} (off the event loop; the job's bytes are packed
   * and transferred at enqueue), or a function run on this thread in time slices (`capture.workers: 0`).
   */
  readonly builder: SpanWorkerPool | ((job: Exchange) => Promise<CapturedSpan>);
  readonly queueSize: number;
  /**
   * Bytes held by queued jobs, building included; a job that would pass it is dropped and counted
   * (a job alone in the queue is always taken, so one large answer is not lost to the bound).
   */
  readonly maxQueueBytes: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  /**
   * Largest write. A synchronous store (SQLite) blocks the event loop for the whole transaction, so
   * it gets small ones ({@link SYNC_WRITE_CHUNK}); a network store (ClickHouse) wants whole batches.
   */
  readonly writeChunk?: number;
  /**
   * Writes in flight at once (default 1). A build does not wait for the previous batch's write;
   * with this many unanswered, the next waits for one. A store that holds batches back to commit
   * them together (the SQLite writer thread) wants several.
   */
  readonly writesInFlight?: number;
  readonly breaker: { readonly failureThreshold: number; readonly resetMs: number };
  readonly logger: Logger;
  /**
   * Called with each span right after it is built, before it is written (budget settlement,
   * alerts, metrics, export). Runs on the proxy's thread, where built spans arrive (never in a span
   * worker); it must not block, and whatever it throws is logged and ignored.
   */
  readonly onSpan?: ((span: TraceSpan, job: Exchange, captured: CapturedSpan) => void) | undefined;
  /**
   * An asynchronous second pass over built spans (the transformer tier, `security.ml`): started
   * for every span of a batch as soon as it is built, so their texts reach the model's worker pool
   * together, and awaited before the batch's `onSpan` hooks and write. It must bound its own wait
   * (the tier's time budget); whatever it throws is logged and the span is kept as built. The
   * exchange's bytes are gone by then: read the request from `captured`.
   */
  readonly enrich?:
    ((span: TraceSpan, job: Exchange, captured: CapturedSpan) => Promise<TraceSpan>) | undefined;
}

/** A queued job: the exchange (settle still needs it) and, for a worker, its packed bytes. */
interface QueuedJob {
  readonly ex: Exchange;
  readonly bytes: number;
  readonly packed: ReturnType<typeof packJob> | undefined;
}

/**
 * The bounded capture queue. The request path only calls `enqueue` (never waits; for a worker
 * builder it packs the job's bytes, one memcpy); in the background the span workers build spans,
 * and on this thread they are handed to `onSpan` and written in batches, behind a circuit breaker.
 *
 * The queue is a fixed ring buffer (no array shifting) bounded twice, in jobs (`queueSize`) and in
 * bytes (`maxQueueBytes`), so a burst cannot grow memory without bound: beyond either, jobs are
 * dropped and counted.
 */
export class CapturePipeline {
  readonly #options: CapturePipelineOptions;
  readonly #ring: (QueuedJob | undefined)[];
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
  #droppedWorker = 0;
  #queueBytes = 0;
  /** Writes started and not yet answered (each settles; failures are counted in #write). */
  readonly #writes = new Set<Promise<void>>();

  constructor(options: CapturePipelineOptions) {
    if (options.queueSize < 1 || options.batchSize < 1) {
      throw new RangeError('capture.queue_size and capture.batch_size must be at least 1');
    }
    this.#options = options;
    this.#ring = new Array<QueuedJob | undefined>(options.queueSize);
    this.#breaker = new CircuitBreaker(options.breaker);
  }

  /** Queues a job; returns false (and counts it) when the queue is full or closed. */
  enqueue(job: Exchange): boolean {
    const bytes = jobBytes(job);
    if (
      this.#closed ||
      this.#size === this.#ring.length ||
      (this.#queueBytes > 0 && this.#queueBytes + bytes > this.#options.maxQueueBytes)
    ) {
      this.#droppedQueueFull++;
      return false;
    }
    // For a worker the bytes move now: the exchange holds none of them while it waits.
    const packed = typeof this.#options.builder === 'function' ? undefined : packJob(job);
    this.#queueBytes += bytes;
    this.#ring[(this.#head + this.#size) % this.#ring.length] = { ex: job, bytes, packed };
    this.#size++;
    this.#enqueued++;
    if (this.#size >= this.#options.batchSize) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#options.flushIntervalMs);
    return true;
  }

  stats(): CaptureStats {
    return {
      queueDepth: this.#size,
      queueBytes: this.#queueBytes,
      enqueued: this.#enqueued,
      stored: this.#stored,
      droppedQueueFull: this.#droppedQueueFull,
      droppedStorage: this.#droppedStorage,
      buildErrors: this.#buildErrors,
      droppedWorker: this.#droppedWorker,
      breaker: this.#breaker.state,
    };
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.#size > 0 || this.#draining !== undefined || this.#writes.size > 0) {
      this.#kick();
      await this.#draining;
      if (this.#writes.size === 0) continue;
      // A store holding batches back for a group commit is asked to commit them now.
      await this.#options.traces.flush?.().catch(() => undefined);
      await Promise.all(this.#writes);
    }
  }

  /** Stops accepting jobs, builds and writes what is queued, then stops the span workers. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (typeof this.#options.builder !== 'function') await this.#options.builder.close();
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
    const builder = this.#options.builder;
    const jobs: QueuedJob[] = [];
    const builds: Promise<CapturedSpan>[] = [];
    const slicer = new TimeSlicer((gapMs) => captureSliceBudget(this.#fill(), gapMs));
    for (let i = 0; i < count; i++) {
      const job = this.#ring[this.#head] as QueuedJob;
      this.#ring[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#ring.length;
      this.#size--;
      jobs.push(job);
      if (job.packed !== undefined && typeof builder !== 'function') {
        // Off the event loop: the whole batch goes to the workers at once.
        builds.push(builder.build(job.packed.message, job.packed.transfer));
        continue;
      }
      // On this thread (`capture.workers: 0`): time-sliced, one job after another, yielding every
      // slice so that forwarding never waits behind a large batch (it would show in p99).
      await slicer.tick();
      const build = (builder as (job: Exchange) => Promise<CapturedSpan>)(job.ex);
      builds.push(build);
      await build.catch(() => undefined);
    }
    const results = await Promise.allSettled(builds);
    const enrich = this.#options.enrich;
    // Built spans, each after its optional enrich pass (started for the whole batch at once so the
    // ML tier sees their texts together), with the exchange and build result its hooks need.
    const ready: Promise<TraceSpan>[] = [];
    const built: { ex: Exchange; captured: CapturedSpan }[] = [];
    for (const [i, result] of results.entries()) {
      await slicer.tick();
      const job = jobs[i] as QueuedJob;
      this.#queueBytes -= job.bytes;
      if (result.status === 'rejected') {
        if (result.reason instanceof WorkerCrashError) this.#droppedWorker++;
        else this.#buildErrors++;
        this.#options.logger.error(
          { err: result.reason, traceId: job.ex.traceId },
          'could not build span',
        );
        continue;
      }
      const captured = result.value;
      ready.push(
        enrich === undefined
          ? Promise.resolve(captured.span)
          : this.#enrich(enrich, job.ex, captured),
      );
      built.push({ ex: job.ex, captured });
    }
    const spans = await Promise.all(ready);
    for (const [i, span] of spans.entries()) {
      await slicer.tick();
      const { ex, captured } = built[i] as { ex: Exchange; captured: CapturedSpan };
      this.#spanHook(span, ex, span === captured.span ? captured : { ...captured, span });
    }
    // Write in short transactions for the same reason (a synchronous SQLite commit of 500 spans
    // blocks for milliseconds).
    const chunk = this.#options.writeChunk ?? this.#options.batchSize;
    for (let start = 0; start < spans.length; start += chunk) {
      if (start > 0) await yieldToEventLoop();
      await this.#startWrite(spans.slice(start, start + chunk));
    }
  }

  /**
   * Starts a write without waiting for its answer, once fewer than `writesInFlight` are out. The
   * store is handed the spans here, and only the count and the answer's promise are kept while it
   * works: an `async` function holds its arguments until it returns, and the SQLite writer thread
   * answers a hand-off only when its group commits (up to 50 ms). Held that long, a saturated
   * proxy's young generation promoted every span written (~3 KB per request of the ~6 KB it
   * promoted), and the old generation filled with them (issue 13, nineteenth pass).
   */
  async #startWrite(spans: TraceSpan[]): Promise<void> {
    const limit = this.#options.writesInFlight ?? 1;
    while (this.#writes.size >= limit) await Promise.race(this.#writes);
    const write = this.#write(spans.length, this.#store(spans)).finally(() =>
      this.#writes.delete(write),
    );
    this.#writes.add(write);
  }

  /** The store's answer to `spans`, or undefined when the circuit is open (nothing is sent). */
  #store(spans: readonly TraceSpan[]): Promise<BatchWriteResult> | undefined {
    if (!this.#breaker.allow()) return undefined;
    try {
      return this.#options.traces.storeBatch(spans);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** How full the queue is, 0-1: the larger of jobs and bytes. */
  #fill(): number {
    return Math.max(this.#size / this.#ring.length, this.#queueBytes / this.#options.maxQueueBytes);
  }

  #spanHook(span: TraceSpan, job: Exchange, captured: CapturedSpan): void {
    if (this.#options.onSpan === undefined) return;
    try {
      this.#options.onSpan(span, job, captured);
    } catch (error) {
      this.#options.logger.error({ err: error, traceId: job.traceId }, 'span hook failed');
    }
  }

  async #enrich(
    enrich: NonNullable<CapturePipelineOptions['enrich']>,
    job: Exchange,
    captured: CapturedSpan,
  ): Promise<TraceSpan> {
    const span = captured.span;
    try {
      return await enrich(span, job, captured);
    } catch (error) {
      this.#options.logger.error({ err: error, traceId: job.traceId }, 'span enrichment failed');
      return span;
    }
  }

  /** Counts the outcome of a write of `count` spans (`stored` undefined: refused by the breaker). */
  async #write(count: number, stored: Promise<BatchWriteResult> | undefined): Promise<void> {
    if (stored === undefined) {
      this.#droppedStorage += count;
      return;
    }
    try {
      const result = await stored;
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
      this.#droppedStorage += count;
      this.#options.logger.error(
        { err: error, spans: count, breaker: this.#breaker.state },
        'storage write failed; spans dropped',
      );
    }
  }
}
