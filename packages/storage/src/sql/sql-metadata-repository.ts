import { randomUUID } from 'node:crypto';
import {
  LLMTraceError,
  isErrorCode,
  type AlertQuery,
  type AlertRecord,
  type ApiKey,
  type AuditEvent,
  type AuditQuery,
  type Canary,
  type NewCanary,
  type StoredCanary,
  type HealthStatus,
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
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';
import { probeHealth } from '../probe-health.js';

/** Options for {@link SqlMetadataRepository}. */
export interface SqlMetadataRepositoryOptions {
  /** Time source for `createdAt`/`updatedAt`/`deletedAt` and audit times. */
  readonly now?: Clock;
  /** Called once by {@link SqlMetadataRepository.close} (e.g. to release a pool or connection). */
  readonly onClose?: () => void | Promise<void>;
}

interface TenantRow {
  id: string;
  name: string;
  plan: string;
  config: unknown;
  created_at: unknown;
  updated_at: unknown;
  deleted_at: unknown;
}

interface AuditRow {
  id: string;
  tenant_id: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  details: unknown;
  created_at: unknown;
}

interface AlertRow {
  id: string;
  tenant_id: string;
  channel: string;
  kind: string;
  status: string;
  severity: string;
  title: string;
  details: unknown;
  trace_id: string | null;
  created_at: unknown;
}

interface CanaryRow {
  id: string;
  tenant_id: string;
  label: string;
  prefix: string;
  value: string;
  created_at: unknown;
}

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  role: string;
  prefix: string;
  created_at: unknown;
  revoked_at: unknown;
}

interface CountRow {
  n: number | string;
}

const TENANT_COLUMNS = 'id, name, plan, config, created_at, updated_at, deleted_at';
const KEY_COLUMNS = 'id, tenant_id, name, role, prefix, created_at, revoked_at';
const AUDIT_COLUMNS =
  'id, tenant_id, actor, action, resource_type, resource_id, details, created_at';
const ALERT_COLUMNS =
  'id, tenant_id, channel, kind, status, severity, title, details, trace_id, created_at';

/** Table and columns of each record kind `llmtrace copy` moves (constants, never input). */
const RECORD_TABLES: Readonly<Record<MetadataRecordKind, { table: string; columns: string }>> =
  Object.freeze({
    tenants: { table: 'tenants', columns: TENANT_COLUMNS },
    api_keys: { table: 'api_keys', columns: `${KEY_COLUMNS}, key_hash` },
    audit: { table: 'audit_events', columns: AUDIT_COLUMNS },
    alerts: { table: 'alerts', columns: ALERT_COLUMNS },
  });

/** The statements of one record kind for export and import, compiled once. */
interface RecordStatements {
  readonly first: string;
  readonly after: string;
  readonly insert: string;
  readonly count: string;
}

/** One optional equality filter of a tenant log query: its column and the value asked for. */
type LogFilter = readonly [column: string, value: string | undefined];

/** The statements of one filter shape of a tenant log (audit, alerts), compiled once. */
interface LogStatements {
  readonly items: string;
  readonly count: string;
}

/**
 * {@link MetadataRepository} in portable SQL over a {@link SqlExecutor} and a {@link SqlDialect}:
 * SQLite supplies both today, and PostgreSQL only needs its own executor and dialect (the schema is
 * created by each engine's migrations). Statements are compiled once here; audit and alert queries
 * are compiled once per filter shape.
 *
 * Soft-deleted tenants are returned by `getTenant` (with `deletedAt`) but can no longer be updated,
 * deleted again or re-configured; their id stays taken.
 *
 * @example
 * const meta = new SqlMetadataRepository(executor, sqliteDialect);
 * await meta.createTenant({ id: 'acme', name: 'Acme' });
 */
export class SqlMetadataRepository implements MetadataRepository {
  readonly #executor: SqlExecutor;
  readonly #dialect: SqlDialect;
  readonly #now: Clock;
  readonly #onClose: (() => void | Promise<void>) | undefined;
  readonly #sql: Readonly<
    Record<
      | 'insertTenant'
      | 'selectTenant'
      | 'updateTenant'
      | 'listLive'
      | 'listAll'
      | 'countLive'
      | 'countAll'
      | 'deleteTenant'
      | 'selectConfig'
      | 'updateConfig'
      | 'insertAudit'
      | 'insertAlert'
      | 'insertKey'
      | 'listKeys'
      | 'keyByHash'
      | 'revokeKey'
      | 'insertCanary'
      | 'listCanaries'
      | 'deleteCanary'
      | 'ping',
      string
    >
  >;
  readonly #records: Readonly<Record<MetadataRecordKind, RecordStatements>>;
  /** Compiled log queries by table and filter shape (at most 2^filters per table). */
  readonly #logQueries = new Map<string, LogStatements>();
  #closed = false;

  constructor(
    executor: SqlExecutor,
    dialect: SqlDialect,
    options: SqlMetadataRepositoryOptions = {},
  ) {
    this.#executor = executor;
    this.#dialect = dialect;
    this.#now = options.now ?? systemClock;
    this.#onClose = options.onClose;
    const c = (sql: string) => dialect.compile(sql);
    this.#sql = Object.freeze({
      insertTenant: c(`INSERT INTO tenants (${TENANT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, NULL)`),
      selectTenant: c(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = ?`),
      updateTenant: c(
        `UPDATE tenants SET name = COALESCE(?, name), plan = COALESCE(?, plan), updated_at = ?
         WHERE id = ? AND deleted_at IS NULL RETURNING ${TENANT_COLUMNS}`,
      ),
      listLive: c(
        `SELECT ${TENANT_COLUMNS} FROM tenants WHERE deleted_at IS NULL
         ORDER BY created_at, id LIMIT ? OFFSET ?`,
      ),
      listAll: c(`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY created_at, id LIMIT ? OFFSET ?`),
      countLive: c('SELECT count(*) AS n FROM tenants WHERE deleted_at IS NULL'),
      countAll: c('SELECT count(*) AS n FROM tenants'),
      deleteTenant: c(
        'UPDATE tenants SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL',
      ),
      selectConfig: c('SELECT config FROM tenants WHERE id = ?'),
      updateConfig: c(
        'UPDATE tenants SET config = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL',
      ),
      insertAudit: c(`INSERT INTO audit_events (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      insertAlert: c(`INSERT INTO alerts (${ALERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertKey: c(
        `INSERT INTO api_keys (${KEY_COLUMNS}, key_hash) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)`,
      ),
      listKeys: c(
        `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = ? ORDER BY created_at DESC, seq DESC`,
      ),
      keyByHash: c(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`),
      revokeKey: c(
        'UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL',
      ),
      insertCanary: c(
        `INSERT INTO canaries (id, tenant_id, label, prefix, value, value_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      listCanaries: c(
        `SELECT id, tenant_id, label, prefix, value, created_at FROM canaries WHERE tenant_id = ?
         ORDER BY seq`,
      ),
      deleteCanary: c('DELETE FROM canaries WHERE tenant_id = ? AND id = ?'),
      ping: c('SELECT 1 AS n'),
    });
    const records = (kind: MetadataRecordKind): RecordStatements => {
      const { table, columns } = RECORD_TABLES[kind];
      const placeholders = columns
        .split(',')
        .map(() => '?')
        .join(', ');
      return {
        first: c(`SELECT ${columns} FROM ${table} ORDER BY id LIMIT ?`),
        after: c(`SELECT ${columns} FROM ${table} WHERE id > ? ORDER BY id LIMIT ?`),
        // No conflict target: a duplicate id, or for keys a duplicate hash, skips the row.
        insert: c(
          `INSERT INTO ${table} (${columns}) VALUES (${placeholders}) ON CONFLICT DO NOTHING`,
        ),
        count: c(`SELECT count(*) AS n FROM ${table}`),
      };
    };
    this.#records = Object.freeze({
      tenants: records('tenants'),
      api_keys: records('api_keys'),
      audit: records('audit'),
      alerts: records('alerts'),
    });
  }

  async createTenant(input: NewTenant): Promise<Tenant> {
    this.#assertOpen();
    const tenant = tenantRecords.newTenant(input, this.#nowIso());
    const d = this.#dialect;
    try {
      await this.#executor.execute(this.#sql.insertTenant, [
        tenant.id,
        tenant.name,
        tenant.plan,
        d.encodeJson(tenant.config),
        d.encodeTime(tenant.createdAt),
        d.encodeTime(tenant.updatedAt),
      ]);
    } catch (error) {
      if (isErrorCode(error, 'STORAGE_CONFLICT')) {
        throw new LLMTraceError('STORAGE_CONFLICT', `tenant ${tenant.id} already exists`, {
          cause: error,
          details: { tenantId: tenant.id },
        });
      }
      throw error;
    }
    return tenant;
  }

  async getTenant(id: TenantId): Promise<Tenant | null> {
    this.#assertOpen();
    const rows = await this.#executor.query<TenantRow>(this.#sql.selectTenant, [id]);
    return rows[0] === undefined ? null : this.#toTenant(rows[0]);
  }

  async updateTenant(id: TenantId, patch: TenantPatch): Promise<Tenant | null> {
    this.#assertOpen();
    const valid = tenantRecords.patch(patch);
    const rows = await this.#executor.query<TenantRow>(this.#sql.updateTenant, [
      valid.name ?? null,
      valid.plan ?? null,
      this.#dialect.encodeTime(this.#nowIso()),
      id,
    ]);
    return rows[0] === undefined ? null : this.#toTenant(rows[0]);
  }

  async listTenants(options: {
    readonly includeDeleted?: boolean;
    readonly limit: number;
    readonly offset: number;
  }): Promise<Page<Tenant>> {
    this.#assertOpen();
    assertPageBounds(options.limit, options.offset);
    const all = options.includeDeleted === true;
    const [countRows, rows] = await Promise.all([
      this.#executor.query<CountRow>(all ? this.#sql.countAll : this.#sql.countLive),
      this.#executor.query<TenantRow>(all ? this.#sql.listAll : this.#sql.listLive, [
        options.limit,
        options.offset,
      ]),
    ]);
    return {
      items: rows.map((r) => this.#toTenant(r)),
      total: Number(countRows[0]?.n ?? 0),
      limit: options.limit,
      offset: options.offset,
    };
  }

  async deleteTenant(id: TenantId): Promise<boolean> {
    this.#assertOpen();
    const now = this.#dialect.encodeTime(this.#nowIso());
    const result = await this.#executor.execute(this.#sql.deleteTenant, [now, now, id]);
    return result.rowsAffected > 0;
  }

  async getTenantConfig(id: TenantId): Promise<TenantConfig | null> {
    this.#assertOpen();
    const rows = await this.#executor.query<{ config: unknown }>(this.#sql.selectConfig, [id]);
    return rows[0] === undefined
      ? null
      : (this.#dialect.decodeJson(rows[0].config) as TenantConfig);
  }

  async upsertTenantConfig(id: TenantId, config: TenantConfig): Promise<TenantConfig> {
    this.#assertOpen();
    const valid = tenantRecords.config(config);
    const result = await this.#executor.execute(this.#sql.updateConfig, [
      this.#dialect.encodeJson(valid),
      this.#dialect.encodeTime(this.#nowIso()),
      id,
    ]);
    if (result.rowsAffected === 0) {
      throw new LLMTraceError('NOT_FOUND', `tenant ${id} does not exist`, {
        details: { tenantId: id },
      });
    }
    return valid;
  }

  async createApiKey(input: NewApiKey): Promise<ApiKey> {
    this.#assertOpen();
    const key = tenantRecords.apiKey(input, this.#nowIso());
    try {
      await this.#executor.execute(this.#sql.insertKey, [
        key.id,
        key.tenantId,
        key.name,
        key.role,
        key.prefix,
        this.#dialect.encodeTime(key.createdAt),
        input.keyHash,
      ]);
    } catch (error) {
      if (isErrorCode(error, 'STORAGE_CONFLICT')) {
        // Never echo the hash: it identifies a credential.
        throw new LLMTraceError(
          'STORAGE_CONFLICT',
          `API key ${key.id} or its hash already exists`,
          {
            cause: error,
            details: { keyId: key.id },
          },
        );
      }
      throw error;
    }
    return key;
  }

  async listApiKeys(tenantId: TenantId): Promise<ApiKey[]> {
    this.#assertOpen();
    const rows = await this.#executor.query<ApiKeyRow>(this.#sql.listKeys, [tenantId]);
    return rows.map((r) => this.#toApiKey(r));
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKey | null> {
    this.#assertOpen();
    const rows = await this.#executor.query<ApiKeyRow>(this.#sql.keyByHash, [keyHash]);
    return rows[0] === undefined ? null : this.#toApiKey(rows[0]);
  }

  async revokeApiKey(tenantId: TenantId, keyId: string): Promise<boolean> {
    this.#assertOpen();
    const result = await this.#executor.execute(this.#sql.revokeKey, [
      this.#dialect.encodeTime(this.#nowIso()),
      tenantId,
      keyId,
    ]);
    return result.rowsAffected > 0;
  }

  async createCanary(input: NewCanary): Promise<Canary> {
    this.#assertOpen();
    const canary = tenantRecords.canary(input, this.#nowIso());
    try {
      await this.#executor.execute(this.#sql.insertCanary, [
        canary.id,
        canary.tenantId,
        canary.label,
        canary.prefix,
        input.value,
        input.valueHash,
        this.#dialect.encodeTime(canary.createdAt),
      ]);
    } catch (error) {
      if (isErrorCode(error, 'STORAGE_CONFLICT')) {
        // Never echo the value: it is the secret a leak check looks for.
        throw new LLMTraceError('STORAGE_CONFLICT', 'this tenant already has that canary', {
          cause: error,
          details: { canaryId: canary.id },
        });
      }
      throw error;
    }
    return canary;
  }

  async listCanaries(tenantId: TenantId): Promise<StoredCanary[]> {
    this.#assertOpen();
    const rows = await this.#executor.query<CanaryRow>(this.#sql.listCanaries, [tenantId]);
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      label: r.label,
      prefix: r.prefix,
      value: r.value,
      createdAt: this.#dialect.decodeTime(r.created_at),
    }));
  }

  async deleteCanary(tenantId: TenantId, canaryId: string): Promise<boolean> {
    this.#assertOpen();
    const result = await this.#executor.execute(this.#sql.deleteCanary, [tenantId, canaryId]);
    return result.rowsAffected > 0;
  }

  async recordAudit(input: NewAuditEvent): Promise<AuditEvent> {
    this.#assertOpen();
    const event = tenantRecords.auditEvent(input, randomUUID(), this.#nowIso());
    const d = this.#dialect;
    await this.#executor.execute(this.#sql.insertAudit, [
      event.id,
      event.tenantId,
      event.actor,
      event.action,
      event.resourceType,
      event.resourceId,
      d.encodeJson(event.details),
      d.encodeTime(event.createdAt),
    ]);
    return event;
  }

  async queryAudit(query: AuditQuery): Promise<Page<AuditEvent>> {
    this.#assertOpen();
    const rows = await this.#queryLog<AuditRow>('audit_events', AUDIT_COLUMNS, query, [
      ['action', query.action],
      ['actor', query.actor],
      ['resource_type', query.resourceType],
    ]);
    return { ...rows, items: rows.items.map((r) => this.#toAudit(r)) };
  }

  async recordAlert(input: NewAlertRecord): Promise<AlertRecord> {
    this.#assertOpen();
    const alert = tenantRecords.alert(input, randomUUID(), this.#nowIso());
    const d = this.#dialect;
    await this.#executor.execute(this.#sql.insertAlert, [
      alert.id,
      alert.tenantId,
      alert.channel,
      alert.kind,
      alert.status,
      alert.severity,
      alert.title,
      d.encodeJson(alert.details),
      alert.traceId,
      d.encodeTime(alert.createdAt),
    ]);
    return alert;
  }

  async queryAlerts(query: AlertQuery): Promise<Page<AlertRecord>> {
    this.#assertOpen();
    const rows = await this.#queryLog<AlertRow>('alerts', ALERT_COLUMNS, query, [
      ['status', query.status],
      ['channel', query.channel],
    ]);
    return { ...rows, items: rows.items.map((r) => this.#toAlert(r)) };
  }

  async exportRecords(
    kind: MetadataRecordKind,
    afterId: string | null,
    limit: number,
  ): Promise<MetadataRecords> {
    this.#assertOpen();
    assertPageBounds(limit, 0);
    const sql = this.#records[kind];
    // The row shape is each statement's declaration, as everywhere over SqlExecutor.
    const page = <R extends object>(): Promise<R[]> =>
      afterId === null
        ? this.#executor.query<R>(sql.first, [limit])
        : this.#executor.query<R>(sql.after, [afterId, limit]);
    switch (kind) {
      case 'tenants':
        return { kind, records: (await page<TenantRow>()).map((r) => this.#toTenant(r)) };
      case 'api_keys':
        return {
          kind,
          records: (await page<ApiKeyRow & { key_hash: string }>()).map((r): StoredApiKey => ({
            ...this.#toApiKey(r),
            keyHash: r.key_hash,
          })),
        };
      case 'audit':
        return { kind, records: (await page<AuditRow>()).map((r) => this.#toAudit(r)) };
      case 'alerts':
        return { kind, records: (await page<AlertRow>()).map((r) => this.#toAlert(r)) };
    }
  }

  /** One transaction per batch; every record is checked against its schema first. */
  async importRecords(
    input: MetadataRecords,
  ): Promise<{ readonly written: number; readonly skipped: number }> {
    this.#assertOpen();
    const batch = tenantRecords.imported(input);
    const d = this.#dialect;
    const time = (iso: string | null): unknown => (iso === null ? null : d.encodeTime(iso));
    const params: unknown[][] =
      batch.kind === 'tenants'
        ? batch.records.map((t) => [
            t.id,
            t.name,
            t.plan,
            d.encodeJson(t.config),
            time(t.createdAt),
            time(t.updatedAt),
            time(t.deletedAt),
          ])
        : batch.kind === 'api_keys'
          ? batch.records.map((k) => [
              k.id,
              k.tenantId,
              k.name,
              k.role,
              k.prefix,
              time(k.createdAt),
              time(k.revokedAt),
              k.keyHash,
            ])
          : batch.kind === 'audit'
            ? batch.records.map((e) => [
                e.id,
                e.tenantId,
                e.actor,
                e.action,
                e.resourceType,
                e.resourceId,
                d.encodeJson(e.details),
                time(e.createdAt),
              ])
            : batch.records.map((a) => [
                a.id,
                a.tenantId,
                a.channel,
                a.kind,
                a.status,
                a.severity,
                a.title,
                d.encodeJson(a.details),
                a.traceId,
                time(a.createdAt),
              ]);
    const insert = this.#records[batch.kind].insert;
    const written = await this.#executor.transaction(async (tx) => {
      let n = 0;
      for (const row of params) n += (await tx.execute(insert, row)).rowsAffected;
      return n;
    });
    return { written, skipped: params.length - written };
  }

  async countRecords(kind: MetadataRecordKind): Promise<number> {
    this.#assertOpen();
    const rows = await this.#executor.query<CountRow>(this.#records[kind].count);
    return Number(rows[0]?.n ?? 0);
  }

  health(): Promise<HealthStatus> {
    return probeHealth(() => {
      this.#assertOpen();
      return this.#executor.query(this.#sql.ping);
    });
  }

  /** Idempotent; runs `onClose` once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#onClose?.();
  }

  /**
   * One page of a tenant's log table (`audit_events`, `alerts`), newest first with insertion order
   * breaking ties (`seq`), filtered and paginated in SQL. Statements are compiled once per filter
   * shape; `table`, `columns` and filter columns are constants of this file, never caller input.
   */
  async #queryLog<R extends object>(
    table: string,
    columns: string,
    query: {
      readonly tenantId?: TenantId;
      readonly from?: string;
      readonly to?: string;
      readonly limit: number;
      readonly offset: number;
    },
    filters: readonly LogFilter[],
  ): Promise<Page<R>> {
    assertPageBounds(query.limit, query.offset);
    const d = this.#dialect;
    // No tenant: every tenant's log (the API with auth off, or the admin key).
    const conditions = query.tenantId === undefined ? [] : ['tenant_id = ?'];
    const params: unknown[] = query.tenantId === undefined ? [] : [query.tenantId];
    let shape = `${table}:${query.tenantId === undefined ? '*' : ''}`;
    const add = (condition: string, value: unknown): void => {
      shape += `${condition};`;
      conditions.push(condition);
      params.push(value);
    };
    for (const [column, value] of filters) {
      if (value !== undefined) add(`${column} = ?`, value);
    }
    if (query.from !== undefined) {
      add('created_at >= ?', d.encodeTime(new Date(parseTime(query.from, 'from')).toISOString()));
    }
    if (query.to !== undefined) {
      add('created_at < ?', d.encodeTime(new Date(parseTime(query.to, 'to')).toISOString()));
    }
    let statements = this.#logQueries.get(shape);
    if (statements === undefined) {
      const where = conditions.length === 0 ? '1 = 1' : conditions.join(' AND ');
      statements = {
        items: d.compile(
          `SELECT ${columns} FROM ${table} WHERE ${where}
           ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?`,
        ),
        count: d.compile(`SELECT count(*) AS n FROM ${table} WHERE ${where}`),
      };
      this.#logQueries.set(shape, statements);
    }
    const [countRows, rows] = await Promise.all([
      this.#executor.query<CountRow>(statements.count, params),
      this.#executor.query<R>(statements.items, [...params, query.limit, query.offset]),
    ]);
    return {
      items: rows,
      total: Number(countRows[0]?.n ?? 0),
      limit: query.limit,
      offset: query.offset,
    };
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new LLMTraceError('STORAGE_UNAVAILABLE', 'metadata repository is closed');
  }

  #nowIso(): string {
    return new Date(this.#now()).toISOString();
  }

  #toTenant(row: TenantRow): Tenant {
    const d = this.#dialect;
    return {
      id: row.id,
      name: row.name,
      plan: row.plan,
      config: d.decodeJson(row.config) as TenantConfig,
      createdAt: d.decodeTime(row.created_at),
      updatedAt: d.decodeTime(row.updated_at),
      deletedAt: row.deleted_at === null ? null : d.decodeTime(row.deleted_at),
    };
  }

  #toAlert(row: AlertRow): AlertRecord {
    const d = this.#dialect;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      channel: row.channel,
      // Written from a validated AlertRecord; these columns hold only the schema's enum values.
      kind: row.kind as AlertRecord['kind'],
      status: row.status as AlertRecord['status'],
      severity: row.severity as AlertRecord['severity'],
      title: row.title,
      details: d.decodeJson(row.details) as Record<string, unknown>,
      traceId: row.trace_id,
      createdAt: d.decodeTime(row.created_at),
    };
  }

  #toApiKey(row: ApiKeyRow): ApiKey {
    const d = this.#dialect;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      name: row.name,
      // Written from a validated ApiKey; the column holds only ApiKeyRole values.
      role: row.role as ApiKey['role'],
      prefix: row.prefix,
      createdAt: d.decodeTime(row.created_at),
      revokedAt: row.revoked_at === null ? null : d.decodeTime(row.revoked_at),
    };
  }

  #toAudit(row: AuditRow): AuditEvent {
    const d = this.#dialect;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      actor: row.actor,
      action: row.action,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      details: d.decodeJson(row.details) as Record<string, unknown>,
      createdAt: d.decodeTime(row.created_at),
    };
  }
}
