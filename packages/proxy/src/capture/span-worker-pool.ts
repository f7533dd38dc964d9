import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { CapturedSpan, SpanJobMessage } from './span-job.js';
import type { SpanSettings } from './span-settings.js';

/**
 * The worker's entry, from `src/` (Vitest runs the TypeScript sources) and from `dist/` alike: both
 * resolve to the compiled `dist/capture/span-worker.js`, the same way storage finds its SQLite
 * writer. Tests therefore need a built `dist` (`tsc -b`, which Vitest's global setup runs).
 */
const WORKER_URL = new URL('../../dist/capture/span-worker.js', import.meta.url);
/** A worker that dies this soon after starting is not restarted at once (a broken build, say). */
const EARLY_CRASH_MS = 1_000;
const RESTART_DELAY_MS = 1_000;

/**
 * Span worker threads for a `capture.workers` setting. `auto` is one worker when the process may
 * run on two or more CPUs (its affinity, not the machine's count: a proxy pinned to one core gets
 * 0) and none otherwise: on one CPU a worker cannot run beside the proxy's thread, so the copy to
 * it, the structured clone back and the context switches are pure cost (issue 13).
 */
export function spanWorkerCount(setting: number | 'auto', cpus = availableParallelism()): number {
  if (setting !== 'auto') return setting;
  return cpus >= 2 ? 1 : 0;
}

/** The job was in a worker that died; it is lost (counted as dropped by the capture pipeline). */
export class WorkerCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashError';
  }
}

interface Pending {
  resolve(span: CapturedSpan): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker | undefined;
  startedAt: number;
  readonly pending: Map<number, Pending>;
}

type Reply =
  | { readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly result: CapturedSpan }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Options of {@link SpanWorkerPool}. */
export interface SpanWorkerPoolOptions {
  /** Worker threads (`capture.workers`, at least 1). */
  readonly size: number;
  /** Everything a worker needs to build spans (its `workerData`). */
  readonly settings: SpanSettings;
  readonly logger: Logger;
}

/**
 * A small pool of span workers (`span-worker.ts`). `build` hands a packed job to the worker with
 * the fewest jobs in flight, its bytes transferred; the promise settles with the built span. A
 * worker that dies is replaced and its jobs in flight reject with {@link WorkerCrashError}; the
 * proxy goes on. `close` waits for every job in flight, then stops the workers.
 *
 * @example
 * const pool = new SpanWorkerPool({ size: 1, settings, logger });
 * const { message, transfer } = packJob(ex);
 * const { span } = await pool.build(message, transfer);
 */
export class SpanWorkerPool {
  readonly #options: SpanWorkerPoolOptions;
  readonly #slots: Slot[] = [];
  #nextId = 0;
  #closing = false;
  #restarts = 0;

  constructor(options: SpanWorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError('a span worker pool needs at least one worker');
    }
    this.#options = options;
    for (let i = 0; i < options.size; i++) {
      const slot: Slot = { worker: undefined, startedAt: 0, pending: new Map() };
      this.#slots.push(slot);
      this.#start(slot);
    }
  }

  /** Workers started again after one died. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The running workers (diagnostics and tests). */
  get workers(): readonly Worker[] {
    return this.#slots.flatMap((slot) => (slot.worker === undefined ? [] : [slot.worker]));
  }

  /** Builds one span on a worker; `transfer` (the job's bytes) is moved, not copied. */
  build(message: SpanJobMessage, transfer: ArrayBuffer[]): Promise<CapturedSpan> {
    let slot: Slot | undefined;
    for (const candidate of this.#slots) {
      if (candidate.worker === undefined) continue;
      if (slot === undefined || candidate.pending.size < slot.pending.size) slot = candidate;
    }
    const worker = slot?.worker;
    if (this.#closing || slot === undefined || worker === undefined) {
      return Promise.reject(new WorkerCrashError('no span worker is running'));
    }
    const id = this.#nextId++;
    const pending = slot.pending;
    return new Promise<CapturedSpan>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ id, job: message }, transfer);
      } catch (error) {
        // A field that cannot be cloned (a bug): this job fails, nothing waits for it.
        pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Waits for every job in flight, then stops the workers. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      this.#slots.map(async (slot) => {
        const inFlight = [...slot.pending.keys()];
        if (inFlight.length > 0) {
          await new Promise<void>((resolve) => {
            const check = (): void => {
              if (inFlight.every((id) => !slot.pending.has(id))) resolve();
              else setTimeout(check, 5);
            };
            check();
          });
        }
        const worker = slot.worker;
        slot.worker = undefined;
        if (worker !== undefined) await worker.terminate();
      }),
    );
  }

  #start(slot: Slot): void {
    const worker = new Worker(WORKER_URL, {
      workerData: this.#options.settings,
      execArgv: [],
      name: 'llmtrace-span-worker',
      // A young generation of at most 16 MB (V8 lets it grow to 48 MB): spans are short-lived
      // garbage, and every MB here is resident memory of the proxy (issue 13). No old-generation
      // limit: a 30 MB request must still be buildable.
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
    });
    slot.worker = worker;
    slot.startedAt = Date.now();
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) return;
      const pending = slot.pending.get(reply.id);
      if (pending === undefined) return;
      slot.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
    });
    worker.on('error', (error) => {
      this.#options.logger.error({ err: error }, 'span worker failed');
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      const lost = [...slot.pending.values()];
      slot.pending.clear();
      for (const job of lost) job.reject(new WorkerCrashError(`span worker exited (${code})`));
      if (this.#closing) return;
      this.#restarts++;
      const early = Date.now() - slot.startedAt < EARLY_CRASH_MS;
      this.#options.logger.error(
        { code, lostJobs: lost.length, restarts: this.#restarts },
        'span worker died; starting a new one',
      );
      if (early) {
        setTimeout(() => {
          if (!this.#closing && slot.worker === undefined) this.#start(slot);
        }, RESTART_DELAY_MS).unref();
      } else this.#start(slot);
    });
  }
}
