import type { Migration } from '../../migrator.js';

/**
 * Per-tenant API keys; only the SHA-256 of a key is stored (`key_hash`, unique: the lookup on
 * every authenticated request). Key ids are chosen by the caller, so they stay `text`. No foreign
 * key to `tenants`: keys may belong to tenants that exist only by configuration.
 */
export const pgMigration0002ApiKeys: Migration = {
  name: '0002_api_keys',
  statements: [
    `CREATE TABLE api_keys (
      seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      tenant_id TEXT NOT NULL,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
      prefix TEXT NOT NULL,
      key_hash TEXT NOT NULL UNIQUE,
      created_at TIMESTAMPTZ NOT NULL,
      revoked_at TIMESTAMPTZ
    )`,
    'CREATE INDEX api_keys_tenant_created ON api_keys (tenant_id, created_at DESC, seq DESC)',
  ],
};
