import { LLMTraceError, type Storage, type TenantId } from '@llmtrace/core';

/** What to prune: every tenant by its retention, or one tenant, or everything before a time. */
export interface PruneOptions {
  /** `retention_days`: days kept for tenants without their own setting; 0 keeps them forever. */
  readonly defaultDays: number;
  readonly now?: Date;
  /** Count what would be deleted, delete nothing. */
  readonly dryRun?: boolean;
  /** Only this tenant (it must exist). */
  readonly tenantId?: TenantId;
  /** Delete traces created before this time instead of each tenant's retention. */
  readonly before?: Date;
  /** Called after each tenant, in order (progress output of `llmtrace prune`). */
  readonly onTenant?: (progress: TenantPruned) => void;
}

/** One tenant's share of a prune. */
export interface TenantPruned {
  readonly tenantId: TenantId;
  /** The cutoff, or null when the tenant keeps its traces forever (retention 0). */
  readonly before: string | null;
  /** Spans deleted (or, in a dry run, that would be). */
  readonly spans: number;
  /** 1-based position among the tenants considered, and how many there are. */
  readonly index: number;
  readonly total: number;
}

/** The outcome of a prune. */
export interface PruneResult {
  readonly spans: number;
  readonly tenants: number;
  readonly dryRun: boolean;
}

const PAGE = 500;
const DAY_MS = 86_400_000;

/**
 * Deletes traces past their retention (issue 19, part 4), tenant by tenant: a tenant's own
 * `retention_days`, else the global default, 0 meaning forever; soft-deleted tenants included.
 * Shared by the hourly {@link RetentionJob} and `llmtrace prune`; works on every storage profile
 * (SQLite, or ClickHouse traces with PostgreSQL tenants).
 */
export async function pruneTraces(storage: Storage, options: PruneOptions): Promise<PruneResult> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun === true;
  const tenants: { readonly id: TenantId; readonly days: number | null }[] = [];
  if (options.tenantId !== undefined) {
    const tenant = await storage.metadata.getTenant(options.tenantId);
    if (tenant === null) {
      throw new LLMTraceError('NOT_FOUND', `tenant ${options.tenantId} does not exist`);
    }
    tenants.push({ id: tenant.id, days: tenant.config.retentionDays });
  } else {
    for (let offset = 0; ; offset += PAGE) {
      const page = await storage.metadata.listTenants({
        includeDeleted: true,
        limit: PAGE,
        offset,
      });
      for (const t of page.items) tenants.push({ id: t.id, days: t.config.retentionDays });
      if (offset + PAGE >= page.total || page.items.length === 0) break;
    }
  }
  let spans = 0;
  for (const [i, tenant] of tenants.entries()) {
    const days = tenant.days ?? options.defaultDays;
    const cutoff = options.before ?? (days === 0 ? null : new Date(now.getTime() - days * DAY_MS));
    const before = cutoff === null ? null : cutoff.toISOString();
    let n = 0;
    if (before !== null) {
      n = dryRun
        ? await storage.traces.countOlderThan(tenant.id, before)
        : await storage.traces.deleteOlderThan(tenant.id, before);
    }
    spans += n;
    options.onTenant?.({
      tenantId: tenant.id,
      before,
      spans: n,
      index: i + 1,
      total: tenants.length,
    });
  }
  return { spans, tenants: tenants.length, dryRun };
}
