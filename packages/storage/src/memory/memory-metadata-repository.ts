import { randomUUID } from 'node:crypto';
import {
  LLMTraceError,
  type AlertQuery,
  type AlertRecord,
  type ApiKey,
  type AuditEvent,
  type AuditQuery,
  type Canary,
  type HealthStatus,
  type NewCanary,
  type StoredCanary,
  type MetadataRecordKind,
  type MetadataRecords,
  type MetadataRepository,
  type NewAlertRecord,
  type NewApiKey,
  type NewAuditEvent,
  type NewTenant,
  type Page,
  type StoredApiKey,
  type Tenant,
  type TenantConfig,
  type TenantId,
  type TenantPatch,
} from '@llmtrace/core';
import { assertPageBounds } from '../assert-page-bounds.js';
import { systemClock, type Clock } from '../clock.js';
import { parseTime } from '../parse-time.js';
import { tenantRecords } from '../tenant-records.js';

/** Options for {@link MemoryMetadataRepository}. */
export interface MemoryMetadataRepositoryOptions {
  readonly now?: Clock;
}

interface StoredKey {
  key: ApiKey;
  readonly keyHash: string;
  readonly seq: number;
}

/** An append-only record (audit event, alert) with its time and insertion order. */
interface Logged<T> {
  readonly record: T;
  readonly createdMs: number;
  readonly seq: number;
}

/** Filters a log by tenant, time range and `match`, newest first, and pages it. */
function pageOfLog<T extends { readonly tenantId: string }>(
  log: readonly Logged<T>[],
  query: { tenantId?: string; from?: string; to?: string; limit: number; offset: number },
  match: (record: T) => boolean,
): Page<T> {
  assertPageBounds(query.limit, query.offset);
  const fromMs = query.from === undefined ? undefined : parseTime(query.from, 'from');
  const toMs = query.to === undefined ? undefined : parseTime(query.to, 'to');
  const matched = log
    .filter(
      ({ record, createdMs }) =>
        (query.tenantId === undefined || record.tenantId === query.tenantId) &&
        (fromMs === undefined || createdMs >= fromMs) &&
        (toMs === undefined || createdMs < toMs) &&
        match(record),
    )
    .sort((a, b) => b.createdMs - a.createdMs || b.seq - a.seq);
  return {
    items: matched
      .slice(query.offset, query.offset + query.limit)
      .map((l) => structuredClone(l.record)),
    total: matched.length,
    limit: query.limit,
    offset: query.offset,
  };
}

/** Up to `limit` of `records` in id order after `afterId` (code-unit order, as exported). */
function pageById<T extends { readonly id: string }>(
  records: Iterable<T>,
  afterId: string | null,
  limit: number,
): T[] {
  assertPageBounds(limit, 0);
  return [...records]
    .filter((r) => afterId === null || r.id > afterId)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, limit)
    .map((r) => structuredClone(r));
}

/**
 * {@link MetadataRepository} in process memory, with the semantics of the SQL one: tenants listed
 * by creation time then id, audit and alerts newest first, soft-deleted tenants frozen. Values are copied in
 * and out.
 *
 * @example
 * const meta = new MemoryMetadataRepository();
 */
export class MemoryMetadataRepository implements MetadataRepository {
  readonly #now: Clock;
  readonly #tenants = new Map<TenantId, Tenant>();
  readonly #audit: Logged<AuditEvent>[] = [];
  readonly #alerts: Logged<AlertRecord>[] = [];
  readonly #keys = new Map<string, StoredKey>();
  readonly #canaries: { canary: Canary; value: string; valueHash: string }[] = [];
  readonly #keysByHash = new Map<string, StoredKey>();
  #seq = 0;
  #closed = false;

  constructor(options: MemoryMetadataRepositoryOptions = {}) {
    this.#now = options.now ?? systemClock;
  }

  createTenant(input: NewTenant): Promise<Tenant> {
    return this.#run(() => {
      const tenant = tenantRecords.newTenant(input, this.#nowIso());
      if (this.#tenants.has(tenant.id)) {
        throw new LLMTraceError('STORAGE_CONFLICT', `tenant ${tenant.id} already exists`, {
          details: { tenantId: tenant.id },
        });
      }
      this.#tenants.set(tenant.id, tenant);
      return structuredClone(tenant);
    });
  }

  getTenant(id: TenantId): Promise<Tenant | null> {
    return this.#run(() => {
      const tenant = this.#tenants.get(id);
      return tenant === undefined ? null : structuredClone(tenant);
    });
  }

  updateTenant(id: TenantId, patch: TenantPatch): Promise<Tenant | null> {
    return this.#run(() => {
      const valid = tenantRecords.patch(patch);
      const tenant = this.#tenants.get(id);
      if (tenant === undefined || tenant.deletedAt !== null) return null;
      const updated: Tenant = {
        ...tenant,
        name: valid.name ?? tenant.name,
        plan: valid.plan ?? tenant.plan,
        updatedAt: this.#nowIso(),
      };
      this.#tenants.set(id, updated);
      return structuredClone(updated);
    });
  }

  listTenants(options: {
    readonly includeDeleted?: boolean;
    readonly limit: number;
    readonly offset: number;
  }): Promise<Page<Tenant>> {
    return this.#run(() => {
      assertPageBounds(options.limit, options.offset);
      const all = [...this.#tenants.values()]
        .filter((t) => options.includeDeleted === true || t.deletedAt === null)
        .sort((a, b) =>
          a.createdAt !== b.createdAt
            ? a.createdAt < b.createdAt
              ? -1
              : 1
            : a.id < b.id
              ? -1
              : a.id > b.id
                ? 1
                : 0,
        );
      return {
        items: all
          .slice(options.offset, options.offset + options.limit)
          .map((t) => structuredClone(t)),
        total: all.length,
        limit: options.limit,
        offset: options.offset,
      };
    });
  }

  deleteTenant(id: TenantId): Promise<boolean> {
    return this.#run(() => {
      const tenant = this.#tenants.get(id);
      if (tenant === undefined || tenant.deletedAt !== null) return false;
      const now = this.#nowIso();
      this.#tenants.set(id, { ...tenant, deletedAt: now, updatedAt: now });
      return true;
    });
  }

  getTenantConfig(id: TenantId): Promise<TenantConfig | null> {
    return this.#run(() => {
      const tenant = this.#tenants.get(id);
      return tenant === undefined ? null : structuredClone(tenant.config);
    });
  }

  upsertTenantConfig(id: TenantId, config: TenantConfig): Promise<TenantConfig> {
    return this.#run(() => {
      const valid = tenantRecords.config(config);
      const tenant = this.#tenants.get(id);
      if (tenant === undefined || tenant.deletedAt !== null) {
        throw new LLMTraceError('NOT_FOUND', `tenant ${id} does not exist`, {
          details: { tenantId: id },
        });
      }
      this.#tenants.set(id, { ...tenant, config: valid, updatedAt: this.#nowIso() });
      return structuredClone(valid);
    });
  }

  createApiKey(input: NewApiKey): Promise<ApiKey> {
    return this.#run(() => {
      const key = tenantRecords.apiKey(input, this.#nowIso());
      if (this.#keys.has(key.id) || this.#keysByHash.has(input.keyHash)) {
        throw new LLMTraceError(
          'STORAGE_CONFLICT',
          `API key ${key.id} or its hash already exists`,
          {
            details: { keyId: key.id },
          },
        );
      }
      this.#seq += 1;
      const stored: StoredKey = { key, keyHash: input.keyHash, seq: this.#seq };
      this.#keys.set(key.id, stored);
      this.#keysByHash.set(input.keyHash, stored);
      return structuredClone(key);
    });
  }

  listApiKeys(tenantId: TenantId): Promise<ApiKey[]> {
    return this.#run(() =>
      [...this.#keys.values()]
        .filter((s) => s.key.tenantId === tenantId)
        .sort((a, b) => Date.parse(b.key.createdAt) - Date.parse(a.key.createdAt) || b.seq - a.seq)
        .map((s) => structuredClone(s.key)),
    );
  }

  findApiKeyByHash(keyHash: string): Promise<ApiKey | null> {
    return this.#run(() => {
      const stored = this.#keysByHash.get(keyHash);
      return stored === undefined ? null : structuredClone(stored.key);
    });
  }

  revokeApiKey(tenantId: TenantId, keyId: string): Promise<boolean> {
    return this.#run(() => {
      const stored = this.#keys.get(keyId);
      if (
        stored === undefined ||
        stored.key.tenantId !== tenantId ||
        stored.key.revokedAt !== null
      ) {
        return false;
      }
      stored.key = { ...stored.key, revokedAt: this.#nowIso() };
      return true;
    });
  }

  createCanary(input: NewCanary): Promise<Canary> {
    return this.#run(() => {
      const canary = tenantRecords.canary(input, this.#nowIso());
      const taken = this.#canaries.some(
        (c) =>
          c.canary.id === canary.id ||
          (c.canary.tenantId === canary.tenantId && c.valueHash === input.valueHash),
      );
      if (taken) {
        throw new LLMTraceError('STORAGE_CONFLICT', 'this tenant already has that canary', {
          details: { canaryId: canary.id },
        });
      }
      this.#canaries.push({ canary, value: input.value, valueHash: input.valueHash });
      return structuredClone(canary);
    });
  }

  listCanaries(tenantId: TenantId): Promise<StoredCanary[]> {
    return this.#run(() =>
      this.#canaries
        .filter((c) => c.canary.tenantId === tenantId)
        .map((c) => ({ ...structuredClone(c.canary), value: c.value })),
    );
  }

  deleteCanary(tenantId: TenantId, canaryId: string): Promise<boolean> {
    return this.#run(() => {
      const i = this.#canaries.findIndex(
        (c) => c.canary.tenantId === tenantId && c.canary.id === canaryId,
      );
      if (i < 0) return false;
      this.#canaries.splice(i, 1);
      return true;
    });
  }

  recordAudit(input: NewAuditEvent): Promise<AuditEvent> {
    return this.#run(() => {
      const event = tenantRecords.auditEvent(input, randomUUID(), this.#nowIso());
      this.#seq += 1;
      this.#audit.push({ record: event, createdMs: Date.parse(event.createdAt), seq: this.#seq });
      return structuredClone(event);
    });
  }

  queryAudit(query: AuditQuery): Promise<Page<AuditEvent>> {
    return this.#run(() =>
      pageOfLog(
        this.#audit,
        query,
        (event) =>
          (query.action === undefined || event.action === query.action) &&
          (query.actor === undefined || event.actor === query.actor) &&
          (query.resourceType === undefined || event.resourceType === query.resourceType),
      ),
    );
  }

  recordAlert(input: NewAlertRecord): Promise<AlertRecord> {
    return this.#run(() => {
      const alert = tenantRecords.alert(input, randomUUID(), this.#nowIso());
      this.#seq += 1;
      this.#alerts.push({ record: alert, createdMs: Date.parse(alert.createdAt), seq: this.#seq });
      return structuredClone(alert);
    });
  }

  queryAlerts(query: AlertQuery): Promise<Page<AlertRecord>> {
    return this.#run(() =>
      pageOfLog(
        this.#alerts,
        query,
        (alert) =>
          (query.status === undefined || alert.status === query.status) &&
          (query.channel === undefined || alert.channel === query.channel),
      ),
    );
  }

  exportRecords(
    kind: MetadataRecordKind,
    afterId: string | null,
    limit: number,
  ): Promise<MetadataRecords> {
    return this.#run((): MetadataRecords => {
      switch (kind) {
        case 'tenants':
          return { kind, records: pageById(this.#tenants.values(), afterId, limit) };
        case 'api_keys':
          return {
            kind,
            records: pageById(
              [...this.#keys.values()].map((k): StoredApiKey => ({ ...k.key, keyHash: k.keyHash })),
              afterId,
              limit,
            ),
          };
        case 'audit':
          return {
            kind,
            records: pageById(
              this.#audit.map((l) => l.record),
              afterId,
              limit,
            ),
          };
        case 'alerts':
          return {
            kind,
            records: pageById(
              this.#alerts.map((l) => l.record),
              afterId,
              limit,
            ),
          };
      }
    });
  }

  importRecords(
    input: MetadataRecords,
  ): Promise<{ readonly written: number; readonly skipped: number }> {
    return this.#run(() => {
      const batch = tenantRecords.imported(input);
      let written = 0;
      const log = <T extends { readonly id: string; readonly createdAt: string }>(
        target: Logged<T>[],
        records: readonly T[],
      ): void => {
        const ids = new Set(target.map((l) => l.record.id));
        for (const record of records) {
          if (ids.has(record.id)) continue;
          ids.add(record.id);
          this.#seq += 1;
          target.push({ record, createdMs: Date.parse(record.createdAt), seq: this.#seq });
          written += 1;
        }
      };
      switch (batch.kind) {
        case 'tenants':
          for (const tenant of batch.records) {
            if (this.#tenants.has(tenant.id)) continue;
            this.#tenants.set(tenant.id, tenant);
            written += 1;
          }
          break;
        case 'api_keys':
          for (const { keyHash, ...key } of batch.records) {
            if (this.#keys.has(key.id) || this.#keysByHash.has(keyHash)) continue;
            this.#seq += 1;
            const stored: StoredKey = { key, keyHash, seq: this.#seq };
            this.#keys.set(key.id, stored);
            this.#keysByHash.set(keyHash, stored);
            written += 1;
          }
          break;
        case 'audit':
          log(this.#audit, batch.records);
          break;
        case 'alerts':
          log(this.#alerts, batch.records);
          break;
      }
      return { written, skipped: batch.records.length - written };
    });
  }

  countRecords(kind: MetadataRecordKind): Promise<number> {
    return this.#run(() => {
      switch (kind) {
        case 'tenants':
          return this.#tenants.size;
        case 'api_keys':
          return this.#keys.size;
        case 'audit':
          return this.#audit.length;
        case 'alerts':
          return this.#alerts.length;
      }
    });
  }

  health(): Promise<HealthStatus> {
    return Promise.resolve(
      this.#closed
        ? { ok: false, latencyMs: 0, error: 'metadata repository is closed' }
        : { ok: true, latencyMs: 0 },
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #nowIso(): string {
    return new Date(this.#now()).toISOString();
  }

  #run<T>(fn: () => T): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new LLMTraceError('STORAGE_UNAVAILABLE', 'metadata repository is closed'),
      );
    }
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
