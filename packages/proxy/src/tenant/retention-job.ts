import type { Storage } from '@llmtrace/core';
import type { Logger } from 'pino';

/** How often retention runs. */
const INTERVAL_MS = 60 * 60 * 1000;
const PAGE = 500;

/**
 * Deletes traces older than each tenant's `retentionDays`. Runs at start and then hourly; `runOnce`
 * is exposed for tests and operators.
 */
export class RetentionJob {
  readonly #storage: Storage;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(storage: Storage, logger: Logger) {
    this.#storage = storage;
    this.#logger = logger;
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

  /** One pass over every tenant with a retention; returns the number of spans deleted. */
  runOnce(now: Date = new Date()): Promise<number> {
    this.#running ??= this.#run(now).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #run(now: Date): Promise<number> {
    let deleted = 0;
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.#storage.metadata.listTenants({
        includeDeleted: true,
        limit: PAGE,
        offset,
      });
      for (const tenant of page.items) {
        const days = tenant.config.retentionDays;
        if (days === null) continue;
        const before = new Date(now.getTime() - days * 86_400_000).toISOString();
        const n = await this.#storage.traces.deleteOlderThan(tenant.id, before);
        if (n > 0)
          this.#logger.info(
            { tenantId: tenant.id, deleted: n, before },
            'retention removed old traces',
          );
        deleted += n;
      }
      if (offset + PAGE >= page.total) break;
    }
    return deleted;
  }
}
