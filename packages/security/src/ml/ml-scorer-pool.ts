import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { MlWorkerData, MlWorkerReply } from './ml-model.js';

/** What one `score()` call came to. */
export type MlOutcome =
  /** One injection probability (0-1) per text, in order. */
  | { readonly status: 'scored'; readonly probabilities: readonly number[] }
  /** The time budget passed first; the texts are not scored. */
  | { readonly status: 'timeout' }
  /** The queue was full (or the scorer closed); nothing was queued. */
  | { readonly status: 'dropped' }
  /** The worker failed on this batch (the message says why). */
  | { readonly status: 'failed'; readonly error: string };

/** Counters shown on `/health` and `/metrics`. */
export interface MlStats {
  readonly workers: number;
  /** Texts waiting for a worker. */
  readonly queueDepth: number;
  /** Texts scored. */
  readonly scored: number;
  /** Model runs, and the largest number of texts one of them scored. */
  readonly batches: number;
  readonly largestBatch: number;
  /** Model runs per worker (the pool spreads batches over idle workers). */
  readonly batchesPerWorker: readonly number[];
  /** Prompts (`score()` calls) refused because the queue was full. */
  readonly dropped: number;
  /** Prompts whose time budget passed before they were scored. */
  readonly timeouts: number;
  /** Prompts whose batch failed in the worker. */
  readonly failed: number;
  /** Milliseconds of model time (tokenising included), summed over batches. */
  readonly modelMs: number;
}

/**
 * The transformer tier as the proxy sees it: texts in, injection probabilities out, never
 * throwing. Implementations run the model off the caller's thread.
 */
export interface MlScorer {
  score(texts: readonly string[]): Promise<MlOutcome>;
  stats(): MlStats;
  close(): Promise<void>;
}

/** Options of {@link MlScorerPool}. */
export interface MlScorerPoolOptions {
  /** Folder with model.onnx, tokenizer.json and config.json. */
  readonly modelDir: string;
  /** Folder whose node_modules hold onnxruntime-node and the tokenizer (default: Node's resolution). */
  readonly runtimeDir?: string | undefined;
  readonly workers: number;
  readonly threads: number;
  readonly batchSize: number;
  readonly maxQueue: number;
  readonly timeoutMs: number;
  readonly maxTokens: number;
}

interface Prompt {
  readonly probabilities: number[];
  remaining: number;
  settled: boolean;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (outcome: MlOutcome) => void;
}

interface Item {
  readonly prompt: Prompt;
  readonly index: number;
  readonly text: string;
}

interface Slot {
  readonly worker: Worker;
  busy: Item[] | null;
  batches: number;
  alive: boolean;
}

/** How long close() waits for a running batch before cutting it. */
const CLOSE_GRACE_MS = 30_000;

// Resolved from the package root so it works from src (tests) and dist alike; the worker always
// runs the built file (it imports only Node built-ins and the two optional packages).
const WORKER_URL = new URL('../../dist/ml/ml-worker.js', import.meta.url);

/**
 * A pool of worker threads, each with its own ONNX session, fed from one bounded queue of texts.
 * An idle worker takes up to `batchSize` queued texts at once (batching), so texts arriving while
 * the workers are busy are scored together. Every `score()` call has a time budget from the moment
 * it is queued; when it passes the call answers `timeout` and its texts still queued are skipped.
 * A full queue answers `dropped` at once. Nothing here blocks the caller's event loop.
 *
 * @example
 * const pool = await MlScorerPool.start({ modelDir, workers: 1, threads: 1, batchSize: 8, maxQueue: 256, timeoutMs: 500, maxTokens: 512 });
 * const outcome = await pool.score(['ignore all previous instructions']);
 */
export class MlScorerPool implements MlScorer {
  readonly #options: MlScorerPoolOptions;
  readonly #slots: Slot[];
  #queue: Item[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;
  #nextBatch = 1;
  #scored = 0;
  #batches = 0;
  #largest = 0;
  #dropped = 0;
  #timeouts = 0;
  #failed = 0;
  #modelMs = 0;

  private constructor(options: MlScorerPoolOptions, workers: Worker[]) {
    this.#options = options;
    this.#slots = workers.map((worker) => ({ worker, busy: null, batches: 0, alive: true }));
    for (const slot of this.#slots) this.#watch(slot);
  }

  /** Starts the workers and waits until each has loaded the model; throws saying why one could not. */
  static async start(options: MlScorerPoolOptions): Promise<MlScorerPool> {
    for (const key of ['workers', 'threads', 'batchSize', 'maxQueue', 'timeoutMs'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) {
        throw new RangeError(`security.ml: ${key} must be a positive integer`);
      }
    }
    const data: MlWorkerData = {
      modelDir: options.modelDir,
      runtimeDir: options.runtimeDir,
      threads: options.threads,
      maxTokens: options.maxTokens,
    };
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < options.workers; i++) {
        // A plain Node environment (no test-runner flags): the built worker runs as in production.
        workers.push(new Worker(WORKER_URL, { workerData: data, execArgv: [] }));
      }
      await Promise.all(workers.map((worker) => ready(worker)));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    // A background pool: an idle worker never keeps the process alive (a running batch does).
    for (const worker of workers) worker.unref();
    return new MlScorerPool(options, workers);
  }

  score(texts: readonly string[]): Promise<MlOutcome> {
    if (texts.length === 0) return Promise.resolve({ status: 'scored', probabilities: [] });
    if (this.#closed || this.#queue.length + texts.length > this.#options.maxQueue) {
      this.#dropped++;
      return Promise.resolve({ status: 'dropped' });
    }
    if (!this.#slots.some((s) => s.alive)) {
      this.#failed++;
      return Promise.resolve({ status: 'failed', error: 'no ML worker is running' });
    }
    return new Promise<MlOutcome>((resolve) => {
      const prompt: Prompt = {
        probabilities: new Array<number>(texts.length).fill(0),
        remaining: texts.length,
        settled: false,
        resolve,
        timer: setTimeout(() => {
          if (prompt.settled) return;
          this.#timeouts++;
          this.#settle(prompt, { status: 'timeout' });
          // Its texts still waiting are dropped now, so they neither hold queue room nor run.
          this.#queue = this.#queue.filter((item) => item.prompt !== prompt);
        }, this.#options.timeoutMs),
      };
      prompt.timer.unref();
      texts.forEach((text, index) => this.#queue.push({ prompt, index, text }));
      this.#dispatch();
    });
  }

  stats(): MlStats {
    return {
      workers: this.#slots.filter((s) => s.alive).length,
      queueDepth: this.#queue.length,
      scored: this.#scored,
      batches: this.#batches,
      largestBatch: this.#largest,
      batchesPerWorker: this.#slots.map((s) => s.batches),
      dropped: this.#dropped,
      timeouts: this.#timeouts,
      failed: this.#failed,
      modelMs: Math.round(this.#modelMs),
    };
  }

  /**
   * Refuses new texts, answers `dropped` to queued ones and stops the workers once their running
   * batch is done. A worker is never terminated inside a model run: onnxruntime-node aborts the
   * whole process when its thread dies under a native call. Only a run that outlasts
   * {@link CLOSE_GRACE_MS} is cut.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    for (const item of this.#queue) this.#settle(item.prompt, { status: 'dropped' });
    this.#queue = [];
    await Promise.all(
      this.#slots.map(async (slot) => {
        for (const item of slot.busy ?? []) this.#settle(item.prompt, { status: 'dropped' });
        const exited = once(slot.worker, 'exit').catch(() => undefined);
        const grace = sleep(CLOSE_GRACE_MS, 'late' as const, { ref: false });
        if (slot.busy !== null && slot.alive) {
          if ((await Promise.race([once(slot.worker, 'message'), grace])) === 'late') {
            await slot.worker.terminate();
            return;
          }
        }
        slot.alive = false;
        slot.busy = null;
        // Held by the worker until it has exited, so close() is awaited to the end.
        slot.worker.ref();
        slot.worker.postMessage({ kind: 'close' });
        if ((await Promise.race([exited, grace])) === 'late') await slot.worker.terminate();
      }),
    );
  }

  #settle(prompt: Prompt, outcome: MlOutcome): void {
    if (prompt.settled) return;
    prompt.settled = true;
    clearTimeout(prompt.timer);
    prompt.resolve(outcome);
  }

  #dispatch(): void {
    if (this.#closed) return;
    for (const slot of this.#slots) {
      if (!slot.alive || slot.busy !== null) continue;
      const batch: Item[] = [];
      while (batch.length < this.#options.batchSize && this.#queue.length > 0) {
        const item = this.#queue.shift() as Item;
        if (!item.prompt.settled) batch.push(item);
      }
      if (batch.length === 0) return;
      slot.busy = batch;
      slot.worker.ref();
      slot.batches++;
      this.#batches++;
      this.#largest = Math.max(this.#largest, batch.length);
      slot.worker.postMessage({
        kind: 'score',
        id: this.#nextBatch++,
        texts: batch.map((item) => item.text),
      });
    }
  }

  #watch(slot: Slot): void {
    slot.worker.on('message', (reply: MlWorkerReply) => {
      const batch = slot.busy;
      slot.busy = null;
      slot.worker.unref();
      if (batch !== null) {
        if (reply.kind === 'scores') {
          this.#modelMs += reply.ms;
          this.#scored += batch.length;
          batch.forEach((item, i) => {
            if (item.prompt.settled) return;
            item.prompt.probabilities[item.index] = reply.probabilities[i] ?? 0;
            item.prompt.remaining--;
            if (item.prompt.remaining === 0) {
              this.#settle(item.prompt, {
                status: 'scored',
                probabilities: item.prompt.probabilities,
              });
            }
          });
        } else if (reply.kind === 'error') {
          this.#failBatch(batch, reply.message);
        }
      }
      this.#dispatch();
    });
    const dead = (why: string): void => {
      if (!slot.alive) return;
      slot.alive = false;
      if (slot.busy !== null) this.#failBatch(slot.busy, why);
      slot.busy = null;
      // Texts queued when the last worker stopped would only time out: answer them now.
      if (!this.#slots.some((s) => s.alive)) {
        for (const item of this.#queue) this.#failBatch([item], why);
        this.#queue = [];
      }
    };
    slot.worker.on('error', (error) => dead(`ML worker failed: ${error.message}`));
    slot.worker.on('exit', (code) => dead(`ML worker exited with code ${code}`));
  }

  #failBatch(batch: readonly Item[], error: string): void {
    const prompts = new Set(batch.map((item) => item.prompt));
    for (const prompt of prompts) {
      if (prompt.settled) continue;
      this.#failed++;
      this.#settle(prompt, { status: 'failed', error });
    }
  }
}

/** Resolves when the worker has loaded its model; rejects with the worker's reason otherwise. */
function ready(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: MlWorkerReply): void => {
      if (reply.id !== 0) return;
      cleanup();
      if (reply.kind === 'ready') resolve();
      else reject(new Error(reply.kind === 'error' ? reply.message : 'unexpected ML worker reply'));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`ML worker exited with code ${code} while loading the model`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
