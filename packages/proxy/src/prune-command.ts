import { TenantId, toLLMTraceError, type Config, type Storage } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import { pruneTraces, type PruneResult } from './tenant/prune-traces.js';

/** Options of `llmtrace prune`, as commander hands them over. */
export interface PruneCommandOptions {
  readonly dryRun?: boolean;
  readonly tenant?: string;
  readonly before?: string;
}

/** Where `llmtrace prune` writes: progress and problems to `err`, the summary to `out`. */
export interface PruneOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `llmtrace prune` (issue 19, part 4): deletes traces past each tenant's retention now, with one
 * progress line per tenant — or counts them with `--dry-run`. `--tenant` limits it to one tenant,
 * `--before` replaces the retention with a fixed cutoff. Returns the exit code.
 */
export async function runPrune(
  config: Config,
  options: PruneCommandOptions,
  io: PruneOutput,
  open: (config: Config) => Promise<Storage> = (c) => createStorage(c.storage, { migrate: false }),
): Promise<number> {
  const tenant = options.tenant === undefined ? undefined : TenantId.safeParse(options.tenant);
  if (tenant !== undefined && !tenant.success) {
    io.err(
      `llmtrace prune: --tenant ${options.tenant} is not a tenant id (letters, digits, . _ : -)`,
    );
    return 2;
  }
  let before: Date | undefined;
  if (options.before !== undefined) {
    before = new Date(options.before);
    if (!ISO_TIME.test(options.before) || Number.isNaN(before.getTime())) {
      io.err(
        `llmtrace prune: --before ${options.before} is not a date; use ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z`,
      );
      return 2;
    }
    if (before.getTime() > Date.now()) {
      io.err(`llmtrace prune: --before ${options.before} is in the future; nothing would be kept`);
      return 2;
    }
  }
  const dryRun = options.dryRun === true;
  const verb = dryRun ? 'would delete' : 'deleted';
  const rule =
    before !== undefined
      ? `traces created before ${before.toISOString()}`
      : config.retention_days === 0
        ? 'each tenant retention_days (tenants without one keep traces forever)'
        : `each tenant retention_days, else ${config.retention_days} days`;
  io.err(
    `llmtrace prune: ${config.storage.profile} storage, ${tenant?.data ?? 'every tenant'}, ${rule}${dryRun ? ' (dry run: nothing is deleted)' : ''}`,
  );
  let storage: Storage | undefined;
  let result: PruneResult;
  try {
    storage = await open(config);
    result = await pruneTraces(storage, {
      defaultDays: config.retention_days,
      dryRun,
      ...(tenant === undefined ? {} : { tenantId: tenant.data }),
      ...(before === undefined ? {} : { before }),
      onTenant: (t) => {
        const where = `[${t.index}/${t.total}] ${t.tenantId}:`;
        io.err(
          t.before === null
            ? `${where} keeps traces forever (retention_days 0)`
            : `${where} ${verb} ${t.spans} span${t.spans === 1 ? '' : 's'} created before ${t.before}`,
        );
      },
    });
  } catch (error) {
    const e = toLLMTraceError(error);
    io.err(`llmtrace prune: ${e.status >= 500 ? `storage failed (${e.code})` : e.message}`);
    return 1;
  } finally {
    await storage?.close();
  }
  io.out(
    `${result.dryRun ? 'dry run: would delete' : 'deleted'} ${result.spans} span${result.spans === 1 ? '' : 's'} from ${result.tenants} tenant${result.tenants === 1 ? '' : 's'}`,
  );
  return 0;
}
