import {
  LLMTraceError,
  toLLMTraceError,
  type BatchWriteResult,
  type TraceRepository,
  type TraceSpan,
} from '@llmtrace/core';

/** Options for {@link BatchedSpanWriter}; each has a default matching the `capture` config. */
export interface BatchedSpanWriterOptions {
  /** Spans waiting to be written; beyond this, `enqueue` drops and counts (default 10 000). */
  readonly maxQueue?: number;
  /** Spans per `storeBatch` call, i.e. per transaction (default 500). */
  readonly batchSize?: number;
  /** Longest a span waits before a partial batch is written (default 200 ms). */
  readonly flushIntervalMs?: number;
  /** Told about every span that could not be written (see {@link BatchFailure}). */
  readonly onError?: (failure: BatchFailure) => void;
}

/**
 * Spans that did not make it to storage: a whole batch whose `storeBatch` threw (`rejected`), or the
 * spans a batch reported in `failed` (`partial`). The spans are included so the caller can spool or
 * log them; the writer itself does not retry.
 */
export type BatchFailure =
  | {
      readonly kind: 'rejected';
      readonly error: LLMTraceError;
      readonly spans: readonly TraceSpan[];
    }
  | {
      readonly kind: 'partial';
      readonly failed: BatchWriteResult['failed'];
      readonly spans: readonly TraceSpan[];
    };

/** Running totals of a {@link BatchedSpanWriter}; `failed` counts spans, not batches. */
export interface BatchedSpanWriterCounters {
  readonly enqueued: number;
  readonly written: number;
  readonly failed: number;
  readonly dropped: number;
  readonly queueDepth: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved <= 0) {
    throw new LLMTraceError(
      'CONFIG_INVALID',
      `BatchedSpanWriter option ${name} must be a positive integer, got ${String(value)}`,
      { details: { option: name } },
    );
  }
  return resolved;
}

/**
 * Decouples span producers (the capture pipeline) from storage: `enqueue` is O(1) and never waits,
 * one consumer loop writes batches through {@link TraceRepository.storeBatch}.
 *
 * - The queue is a fixed ring buffer of `maxQueue` slots (undici's `FixedQueue` idea): no per-item
 *   shift, no growth. A full queue drops the span, returns false and counts it in `dropped`.
 * - A write starts when `batchSize` spans are waiting, or `flushIntervalMs` after the first span
 *   arrived in an empty queue, or on `flush()`. Once started, the loop writes everything queued (in
 *   chunks of `batchSize`) before it stops.
 * - Failures never escape the loop: a throwing `storeBatch` counts the batch's spans in `failed` and
 *   reports them to `onError`; spans a batch reports as failed are counted and reported the same way.
 *   There is no retry here — the caller's circuit breaker and spool decide what to do.
 *
 * @example
 * const writer = new BatchedSpanWriter(storage.traces, { batchSize: 500, flushIntervalMs: 200 });
 * writer.enqueue(span);
 * await writer.close(); // drains
 */
export class BatchedSpanWriter {
  readonly #repository: Pick<TraceRepository, 'storeBatch'>;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #onError: ((failure: BatchFailure) => void) | undefined;
  readonly #slots: (TraceSpan | undefined)[];
  #head = 0;
  #size = 0;
  #enqueued = 0;
  #written = 0;
  #failed = 0;
  #dropped = 0;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #draining: Promise<void> | undefined;

  constructor(
    repository: Pick<TraceRepository, 'storeBatch'>,
    options: BatchedSpanWriterOptions = {},
  ) {
    this.#repository = repository;
    const maxQueue = positiveInteger('maxQueue', options.maxQueue, 10_000);
    this.#batchSize = positiveInteger('batchSize', options.batchSize, 500);
    this.#flushIntervalMs = positiveInteger('flushIntervalMs', options.flushIntervalMs, 200);
    this.#onError = options.onError;
    this.#slots = new Array<TraceSpan | undefined>(maxQueue);
  }

  /** Queues a span for writing; false (and `dropped` + 1) when the queue is full or closed. */
  enqueue(span: TraceSpan): boolean {
    if (this.#closed || this.#size === this.#slots.length) {
      this.#dropped += 1;
      return false;
    }
    this.#slots[(this.#head + this.#size) % this.#slots.length] = span;
    this.#size += 1;
    this.#enqueued += 1;
    if (this.#draining === undefined) {
      if (this.#size >= this.#batchSize) {
        // Off the producer's stack: a synchronous backend would otherwise write inside enqueue().
        this.#immediate ??= setImmediate(() => {
          this.#immediate = undefined;
          void this.#kick();
        });
      } else {
        this.#armTimer();
      }
    }
    return true;
  }

  get counters(): BatchedSpanWriterCounters {
    return {
      enqueued: this.#enqueued,
      written: this.#written,
      failed: this.#failed,
      dropped: this.#dropped,
      queueDepth: this.#size,
    };
  }

  /** Resolves once every span queued before the call is written or counted as failed; never rejects. */
  flush(): Promise<void> {
    return this.#kick();
  }

  /** Stops accepting spans and drains the queue. Idempotent; does not close the repository. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#kick();
  }

  #armTimer(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#kick();
    }, this.#flushIntervalMs);
    // A pending flush must not keep the process alive; close() drains explicitly.
    this.#timer.unref();
  }

  #kick(): Promise<void> {
    if (this.#draining !== undefined) return this.#draining;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#immediate !== undefined) {
      clearImmediate(this.#immediate);
      this.#immediate = undefined;
    }
    if (this.#size === 0) return Promise.resolve();
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      // Spans that arrived after the loop's last check wait for the timer like any other.
      if (this.#size > 0) this.#armTimer();
    });
    return this.#draining;
  }

  async #drain(): Promise<void> {
    while (this.#size > 0) {
      const batch = this.#take(Math.min(this.#batchSize, this.#size));
      try {
        const result = await this.#repository.storeBatch(batch);
        this.#written += result.written;
        if (result.failed.length > 0) {
          this.#failed += result.failed.length;
          const ids = new Set(result.failed.map((f) => f.spanId));
          this.#report({
            kind: 'partial',
            failed: result.failed,
            spans: batch.filter((s) => ids.has(s.spanId)),
          });
        }
      } catch (error) {
        this.#failed += batch.length;
        this.#report({ kind: 'rejected', error: toLLMTraceError(error), spans: batch });
      }
    }
  }

  #take(count: number): TraceSpan[] {
    const batch = new Array<TraceSpan>(count);
    const capacity = this.#slots.length;
    for (let i = 0; i < count; i++) {
      const index = (this.#head + i) % capacity;
      batch[i] = this.#slots[index] as TraceSpan;
      this.#slots[index] = undefined;
    }
    this.#head = (this.#head + count) % capacity;
    this.#size -= count;
    return batch;
  }

  #report(failure: BatchFailure): void {
    try {
      this.#onError?.(failure);
    } catch {
      // A faulty callback must not stop the writer; the spans are already counted in `failed`.
    }
  }
}
