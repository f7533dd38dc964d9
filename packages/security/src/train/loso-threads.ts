import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { leaveOneSourceOut, losoReport, losoSources } from './leave-one-source-out.js';
import type {
  FoldOptions,
  LosoFold,
  LosoOptions,
  LosoReport,
  TrainingSet,
} from './leave-one-source-out.js';

/** What a LOSO worker thread starts with. */
export interface LosoWorkerData {
  readonly set: TrainingSet;
  readonly options: FoldOptions;
}

/** A worker's answer to one fold. */
export type LosoWorkerReply = { readonly fold: LosoFold } | { readonly error: string };

/** Options of {@link leaveOneSourceOutInParallel}. */
export interface ParallelLosoOptions extends LosoOptions {
  /** Worker threads (default: one per available CPU); 1 runs every fold on this thread. */
  readonly threads?: number;
}

// Resolved from the package root so it works from src (tests) and dist alike; the worker always
// runs the built file.
const WORKER_URL = new URL('../../dist/train/loso-worker.js', import.meta.url);

/**
 * {@link leaveOneSourceOut} with its folds spread over worker threads: the same report, number for
 * number (every fold is deterministic and the folds are pooled in source order), in about 1/n of
 * the time on n free CPUs. Each worker gets its own copy of the training set. A fold that throws,
 * or a worker that dies, rejects the whole run and stops the other workers.
 *
 * @example
 * const report = await leaveOneSourceOutInParallel(prepareTrainingSet(records), { threads: 2 });
 */
export async function leaveOneSourceOutInParallel(
  set: TrainingSet,
  options: ParallelLosoOptions = {},
): Promise<LosoReport> {
  const { onProgress, threads: asked, ...foldOptions } = options;
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1)) {
    throw new RangeError(`threads must be a positive integer, got ${String(asked)}`);
  }
  const sources = losoSources(set);
  const threads = Math.min(asked ?? availableParallelism(), sources.length);
  if (threads <= 1) return leaveOneSourceOut(set, options);
  const started = performance.now();
  const data: LosoWorkerData = { set, options: foldOptions };
  const workers: Worker[] = [];
  try {
    // Started inside the try: if one cannot start, the ones already running are stopped too.
    for (let i = 0; i < threads; i++) {
      // A plain Node environment (no test-runner flags): the built worker runs as a script would.
      workers.push(new Worker(WORKER_URL, { workerData: data, execArgv: [] }));
    }
    const folds = await runFolds(workers, sources, onProgress);
    return losoReport(folds, foldOptions, (performance.now() - started) / 1000);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Sends each idle worker the next source until every fold has answered; folds in `sources` order. */
function runFolds(
  workers: readonly Worker[],
  sources: readonly string[],
  onProgress: LosoOptions['onProgress'],
): Promise<LosoFold[]> {
  return new Promise<LosoFold[]>((resolve, reject) => {
    const folds = new Array<LosoFold | undefined>(sources.length);
    let next = 0;
    let done = 0;
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const send = (worker: Worker): number | undefined => {
      if (next >= sources.length) return undefined;
      worker.postMessage(sources[next]);
      return next++;
    };
    for (const worker of workers) {
      let running = send(worker);
      worker.on('message', (reply: LosoWorkerReply) => {
        if (failed || running === undefined) return;
        if ('error' in reply) {
          fail(new Error(`LOSO fold ${sources[running]}: ${reply.error}`));
          return;
        }
        folds[running] = reply.fold;
        done++;
        onProgress?.(done, sources.length);
        if (done === sources.length) resolve(folds as LosoFold[]);
        else running = send(worker);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (running !== undefined && folds[running] === undefined) {
          fail(new Error(`LOSO worker exited (${code}) during fold ${sources[running]}`));
        }
      });
    }
  });
}
