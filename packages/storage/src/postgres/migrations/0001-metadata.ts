import type { Migration } from '../../migrator.js';

/**
 * Tenants (config as `jsonb`: always read and written whole) and the audit log. Audit ids are
 * generated UUIDs, so they are stored as native `uuid`; `seq` orders events of the same millisecond.
 * The audit index serves "a tenant's events, newest first" and its time-range filters.
 */
export const pgMigration0001Metadata: Migration = {
  name: '0001_metadata',
  statements: [
    `CREATE TABLE tenants (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      plan TEXT NOT NULL,
      config JSONB NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      deleted_at TIMESTAMPTZ
    )`,
    'CREATE INDEX tenants_created ON tenants (created_at, id)',
    `CREATE TABLE audit_events (
      seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      id UUID NOT NULL UNIQUE,
      tenant_id TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      resource_type TEXT NOT NULL,
      resource_id TEXT,
      details JSONB NOT NULL,
      created_at TIMESTAMPTZ NOT NULL
    )`,
    'CREATE INDEX audit_tenant_time ON audit_events (tenant_id, created_at DESC, seq DESC)',
  ],
};
