import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import {
  LLMTraceError,
  type BatchWriteResult,
  type ErrorCode,
  type HealthStatus,
  type Page,
  type SpanQuery,
  type TenantId,
  type TenantStats,
  type TraceCounts,
  type TraceCursor,
  type TraceEvent,
  type TraceRepository,
  type TraceSpan,
} from '@llmtrace/core';
import type { SqliteTraceRepository } from './sqlite-trace-repository.js';

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { code: ErrorCode; message: string };
}

// Resolved from the package root so it works from src (tests) and dist alike; the worker always
// runs the built file.
const WORKER_URL = new URL('../../dist/sqlite/sqlite-writer-worker.js', import.meta.url);

/** Young-generation size of the writer thread's heap, in MB. */
const WRITER_YOUNG_GENERATION_MB = 8;

/**
 * Spans per message to the writer thread. `postMessage` clones a message on the caller's thread in
 * one go (~0.4 ms for 64 spans with 1 KB prompts, ~3.5 ms for 500), so a larger batch goes in parts
 * with a turn of the event loop between them; the writer commits the parts as one transaction
 * (a commit writes each index page it touches once: whole batches cost it less per span).
 */
export const WRITER_MESSAGE_SPANS = 64;

/**
 * Group commit on the writer thread: a batch waits up to WRITER_GROUP_MS for others and is
 * committed with them, up to WRITER_GROUP_SPANS spans (the default `capture.batch_size`) in one
 * transaction; {@link SqliteWriterTraceRepository.flush} commits at once. A commit writes each
 * index page it touches once, so a larger one costs less per span (issue 13, sixth pass), and the
 * proxy can hand spans over a few at a time without paying per commit (tenth pass).
 */
export const WRITER_GROUP_SPANS = 500;
export const WRITER_GROUP_MS = 50;

/** A batch, or its last part (`key` names the parts sent before it). */
export interface BatchMessage {
  readonly key?: number;
  readonly spans: readonly TraceSpan[];
}

/** A write refused because close() has begun or finished. */
function closedError(): LLMTraceError {
  return new LLMTraceError('STORAGE_UNAVAILABLE', 'the SQLite writer thread is closed');
}

/**
 * A SQLite trace repository whose writes run on a worker thread with its own connection, so that
 * transactions and WAL checkpoints (milliseconds to tens of milliseconds each) never stall the
 * proxy's event loop. Reads stay on the caller's connection: with WAL they see every committed
 * write at once.
 *
 * @example
 * const traces = await SqliteWriterTraceRepository.start(path, new SqliteTraceRepository(connection));
 */
export class SqliteWriterTraceRepository implements TraceRepository {
  readonly #reader: SqliteTraceRepository;
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  #nextId = 1;
  #nextBatchKey = 1;
  #dead: Error | undefined;
  /** Why the last write failed on the writer thread (cleared by the next success), for `health()`. */
  #lastWriteError: string | null = null;
  #closing: Promise<void> | undefined;

  private constructor(reader: SqliteTraceRepository, worker: Worker) {
    this.#reader = reader;
    this.#worker = worker;
    worker.on('message', (reply: Reply) => {
      const waiter = this.#pending.get(reply.id);
      if (waiter === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else {
        // Keep the code of the worker's error (e.g. VALIDATION_FAILED for a bad span).
        waiter.reject(
          new LLMTraceError(
            reply.error?.code ?? 'STORAGE_UNAVAILABLE',
            reply.error?.message ?? 'write failed',
          ),
        );
      }
    });
    const fail = (error: Error): void => {
      this.#dead = new LLMTraceError(
        'STORAGE_UNAVAILABLE',
        `SQLite writer thread stopped: ${error.message}`,
        { cause: error },
      );
      for (const waiter of this.#pending.values()) waiter.reject(this.#dead);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.#closing === undefined) fail(new Error(`exit code ${code}`));
    });
  }

  /**
   * Starts the writer thread on `path` (already migrated) next to `reader`'s connection; `group`
   * overrides the group commit's bounds (WRITER_GROUP_SPANS, WRITER_GROUP_MS).
   */
  static async start(
    path: string,
    reader: SqliteTraceRepository,
    group: { readonly spans?: number; readonly ms?: number } = {},
  ): Promise<SqliteWriterTraceRepository> {
    const groupSpans = group.spans ?? WRITER_GROUP_SPANS;
    const groupMs = group.ms ?? WRITER_GROUP_MS;
    if (!(groupSpans >= 1 && groupMs >= 0)) {
      throw new RangeError('group commit needs at least 1 span and a wait of 0 ms or more');
    }
    // A plain Node environment: the built worker imports the built packages (no test-runner flags).
    // A small young generation: the writer's garbage is short-lived batches, and V8's default
    // (up to 48 MB per thread) was the largest part of its memory (issue 13).
    const worker = new Worker(WORKER_URL, {
      workerData: { path, groupSpans, groupMs },
      execArgv: [],
      resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB },
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: Reply): void => {
        if (reply.id !== 0) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        if (reply.ok) resolve();
        else
          reject(
            new LLMTraceError(
              reply.error?.code ?? 'STORAGE_UNAVAILABLE',
              reply.error?.message ?? 'writer failed to start',
            ),
          );
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new SqliteWriterTraceRepository(reader, worker);
  }

  /** Why a write cannot be sent: the thread stopped, or close() has begun. */
  #refusal(): Error | undefined {
    if (this.#dead !== undefined) return this.#dead;
    if (this.#closing !== undefined) {
      return closedError();
    }
    return undefined;
  }

  #call<T>(
    op: 'batch' | 'commit' | 'span' | 'trace' | 'traces' | 'close',
    payload?: unknown,
  ): Promise<T> {
    const refusal = op === 'close' ? this.#dead : this.#refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ id, op, payload });
    });
  }

  /**
   * A write on the thread; its outcome is remembered for `health()` (bad input aside). The payload
   * is cloned into the message at once and not held here while the reply is awaited: an `async`
   * function keeps its arguments alive across every `await`, and a group commit can take up to
   * WRITER_GROUP_MS, long enough for a saturated proxy's young generation to promote every span
   * of the hand-off (issue 13, nineteenth pass).
   */
  #write<T>(op: 'batch' | 'span' | 'trace' | 'traces', payload: unknown): Promise<T> {
    return this.#remembered(this.#call<T>(op, payload));
  }

  async #remembered<T>(reply: Promise<T>): Promise<T> {
    try {
      const result = await reply;
      this.#lastWriteError = null;
      return result;
    } catch (error) {
      if (!(error instanceof LLMTraceError && error.code === 'VALIDATION_FAILED')) {
        const reason = error instanceof Error ? error.message : String(error);
        this.#lastWriteError = `last write failed at ${new Date().toISOString()}: ${reason}`;
      }
      throw error;
    }
  }

  storeTrace(trace: TraceEvent): Promise<void> {
    return this.#write('trace', trace);
  }

  storeSpan(span: TraceSpan): Promise<void> {
    return this.#write('span', span);
  }

  storeBatch(spans: readonly TraceSpan[]): Promise<BatchWriteResult> {
    // One message (what the proxy's hand-offs are): sent now, and `spans` is not held meanwhile.
    if (spans.length <= WRITER_MESSAGE_SPANS) {
      return this.#write('batch', { spans } satisfies BatchMessage);
    }
    return this.#storeInParts(spans);
  }

  async #storeInParts(spans: readonly TraceSpan[]): Promise<BatchWriteResult> {
    const key = this.#nextBatchKey++;
    let start = 0;
    for (; start + WRITER_MESSAGE_SPANS < spans.length; start += WRITER_MESSAGE_SPANS) {
      const refusal = this.#refusal();
      if (refusal !== undefined) throw refusal;
      // No reply: the writer keeps the part until the batch's last message.
      const part: BatchMessage = { key, spans: spans.slice(start, start + WRITER_MESSAGE_SPANS) };
      this.#worker.postMessage({ id: 0, op: 'part', payload: part });
      await nextTurn();
    }
    return this.#write('batch', { key, spans: spans.slice(start) } satisfies BatchMessage);
  }

  storeTraces(traces: readonly TraceEvent[]): Promise<void> {
    return this.#write('traces', traces);
  }

  /** Commits the batches waiting on the writer thread for their group; resolves once they are. */
  async flush(): Promise<void> {
    if (this.#refusal() !== undefined) return;
    await this.#call('commit');
  }

  exportTraces(after: TraceCursor | null, limit: number): Promise<TraceEvent[]> {
    return this.#reader.exportTraces(after, limit);
  }

  countAll(): Promise<TraceCounts> {
    return this.#reader.countAll();
  }

  queryTraces(query: SpanQuery): Promise<Page<TraceEvent>> {
    return this.#reader.queryTraces(query);
  }

  querySpans(query: SpanQuery): Promise<Page<TraceSpan>> {
    return this.#reader.querySpans(query);
  }

  getTrace(tenantId: TenantId | undefined, traceId: string): Promise<TraceEvent | null> {
    return this.#reader.getTrace(tenantId, traceId);
  }

  getSpan(tenantId: TenantId | undefined, spanId: string): Promise<TraceSpan | null> {
    return this.#reader.getSpan(tenantId, spanId);
  }

  getStats(
    tenantId: TenantId | undefined,
    range: { readonly from?: string; readonly to?: string },
  ): Promise<TenantStats> {
    return this.#reader.getStats(tenantId, range);
  }

  countOlderThan(tenantId: TenantId, before: string): Promise<number> {
    return this.#reader.countOlderThan(tenantId, before);
  }

  deleteOlderThan(tenantId: TenantId, before: string): Promise<number> {
    return this.#reader.deleteOlderThan(tenantId, before);
  }

  async health(): Promise<HealthStatus> {
    if (this.#dead !== undefined) return { ok: false, latencyMs: 0, error: this.#dead.message };
    const reader = await this.#reader.health();
    if (reader.ok && this.#lastWriteError !== null) {
      return { ok: false, latencyMs: reader.latencyMs, error: this.#lastWriteError };
    }
    return reader;
  }

  /** Waits for queued writes, stops the thread, then closes the reader. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#dead === undefined) {
        await this.#call('close').catch(() => undefined);
        await this.#worker.terminate();
        // A stopped worker drops messages silently: later writes are refused, and any reply still
        // owed is settled here instead of never.
        this.#dead = closedError();
        for (const waiter of this.#pending.values()) waiter.reject(this.#dead);
        this.#pending.clear();
      }
      await this.#reader.close();
    })();
    return this.#closing;
  }
}
