import {
  isErrorCode,
  type MetadataRepository,
  type TenantConfig,
  type TenantId,
} from '@llmtrace/core';
import type { Logger } from 'pino';

/** What the proxy path needs to know about a tenant. */
export interface TenantState {
  readonly deleted: boolean;
  readonly config: TenantConfig | null;
}

/** How long a tenant's state is served from memory before it is refreshed in the background. */
const REFRESH_MS = 5_000;

/**
 * An in-memory view of tenants for the proxy path: lookups are synchronous (never a storage round
 * trip per request); unknown tenants are created on their first request and stale entries refreshed
 * in the background. API changes call `refresh` so deletions and new settings apply at once.
 */
export class TenantDirectory {
  readonly #meta: MetadataRepository;
  readonly #logger: Logger;
  readonly #entries = new Map<TenantId, { state: TenantState; loadedAt: number }>();
  readonly #loading = new Map<TenantId, Promise<void>>();

  constructor(metadata: MetadataRepository, logger: Logger) {
    this.#meta = metadata;
    this.#logger = logger;
  }

  /** The cached state (undefined while the tenant is being loaded for the first time). */
  get(tenantId: TenantId): TenantState | undefined {
    const entry = this.#entries.get(tenantId);
    if (entry === undefined || Date.now() - entry.loadedAt > REFRESH_MS)
      void this.refresh(tenantId);
    return entry?.state;
  }

  /** The cached state without triggering a refresh. */
  peek(tenantId: TenantId): TenantState | undefined {
    return this.#entries.get(tenantId)?.state;
  }

  /** Reloads a tenant from storage, creating it when it does not exist yet. */
  refresh(tenantId: TenantId): Promise<void> {
    let loading = this.#loading.get(tenantId);
    if (loading === undefined) {
      loading = this.#load(tenantId)
        .catch((error: unknown) => {
          this.#logger.warn({ err: error, tenantId }, 'could not load tenant; using defaults');
        })
        .finally(() => this.#loading.delete(tenantId));
      this.#loading.set(tenantId, loading);
    }
    return loading;
  }

  async #load(tenantId: TenantId): Promise<void> {
    let tenant = await this.#meta.getTenant(tenantId);
    if (tenant === null) {
      try {
        tenant = await this.#meta.createTenant({ id: tenantId, name: tenantId, plan: 'auto' });
        await this.#meta.recordAudit({
          tenantId,
          actor: 'system',
          action: 'tenant.auto_create',
          resourceType: 'tenant',
          resourceId: tenantId,
          details: { reason: 'first proxied request' },
        });
      } catch (error) {
        // Another replica created it first: read theirs.
        if (!isErrorCode(error, 'STORAGE_CONFLICT')) throw error;
        tenant = await this.#meta.getTenant(tenantId);
      }
    }
    this.#entries.set(tenantId, {
      state: { deleted: tenant?.deletedAt != null, config: tenant?.config ?? null },
      loadedAt: Date.now(),
    });
  }
}
