import type { Migration } from '../../migrator.js';

/**
 * Tenants (config as a JSON column: it is always read and written whole) and the audit log.
 * `seq` orders audit events created in the same millisecond.
 */
export const migration0002Metadata: Migration = {
  name: '0002_metadata',
  statements: [
    `CREATE TABLE tenants (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      plan TEXT NOT NULL,
      config TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      deleted_at TEXT
    )`,
    'CREATE INDEX tenants_created ON tenants (created_at, id)',
    `CREATE TABLE audit_events (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      tenant_id TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      resource_type TEXT NOT NULL,
      resource_id TEXT,
      details TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
    'CREATE INDEX audit_tenant_time ON audit_events (tenant_id, created_at, seq)',
  ],
};
