import type { Storage } from '@llmtrace/core';
import type { Logger } from 'pino';
import { pruneTraces } from './prune-traces.js';

/** How often retention runs. */
const INTERVAL_MS = 60 * 60 * 1000;

/** What the retention job has done, for `/health` and `/metrics`. */
export interface RetentionStats {
  /** `retention_days` in force for tenants without their own (0: forever). */
  readonly defaultDays: number;
  readonly runs: number;
  /** Spans deleted since start. */
  readonly deletedSpans: number;
  readonly failedRuns: number;
  readonly lastRun: {
    readonly at: string;
    readonly deletedSpans: number;
    readonly tenants: number;
    readonly error: string | null;
  } | null;
}

/**
 * Deletes traces past each tenant's retention (its own `retention_days`, else the global one;
 * issue 19). Runs at start and then hourly; `runOnce` is exposed for tests and operators, and
 * `stats()` reports what it deleted.
 */
export class RetentionJob {
  readonly #storage: Storage;
  readonly #logger: Logger;
  readonly #defaultDays: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #runs = 0;
  #failedRuns = 0;
  #deleted = 0;
  #lastRun: RetentionStats['lastRun'] = null;

  constructor(storage: Storage, logger: Logger, options: { readonly defaultDays?: number } = {}) {
    this.#storage = storage;
    this.#logger = logger;
    this.#defaultDays = options.defaultDays ?? 0;
  }

  start(): void {
    const tick = (): void => {
      this.runOnce().catch((error: unknown) =>
        this.#logger.error({ err: error }, 'retention run failed'),
      );
    };
    this.#timer = setInterval(tick, INTERVAL_MS);
    this.#timer.unref();
    setImmediate(tick);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  /** One pass over every tenant; returns the number of spans deleted. */
  runOnce(now: Date = new Date()): Promise<number> {
    this.#running ??= this.#run(now).finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Runs, spans deleted, and the last run's outcome. */
  stats(): RetentionStats {
    return {
      defaultDays: this.#defaultDays,
      runs: this.#runs,
      deletedSpans: this.#deleted,
      failedRuns: this.#failedRuns,
      lastRun: this.#lastRun,
    };
  }

  async #run(now: Date): Promise<number> {
    let deleted = 0;
    let tenants = 0;
    try {
      const result = await pruneTraces(this.#storage, {
        defaultDays: this.#defaultDays,
        now,
        onTenant: (t) => {
          // Counted as it goes, so a run that fails halfway still reports what it removed.
          deleted += t.spans;
          this.#deleted += t.spans;
          tenants = t.index;
          if (t.spans > 0)
            this.#logger.info(
              { tenantId: t.tenantId, deleted: t.spans, before: t.before },
              'retention removed old traces',
            );
        },
      });
      this.#lastRun = {
        at: now.toISOString(),
        deletedSpans: deleted,
        tenants: result.tenants,
        error: null,
      };
      return deleted;
    } catch (error) {
      this.#failedRuns++;
      // /health shows that the run failed, not the driver's message (it may name hosts).
      this.#lastRun = {
        at: now.toISOString(),
        deletedSpans: deleted,
        tenants,
        error: 'retention run failed; see the log',
      };
      throw error;
    } finally {
      this.#runs++;
    }
  }
}
