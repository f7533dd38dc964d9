import type { Migration } from '../../migrator.js';

/**
 * Per-tenant API keys. Only the SHA-256 of a key is stored (`key_hash`, unique: the lookup on every
 * authenticated request). `seq` orders keys created in the same millisecond. No foreign key to
 * `tenants`: keys may belong to tenants that exist only by configuration (e.g. the default tenant).
 */
export const migration0004ApiKeys: Migration = {
  name: '0004_api_keys',
  statements: [
    `CREATE TABLE api_keys (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      tenant_id TEXT NOT NULL,
      name TEXT NOT NULL,
      role TEXT NOT NULL,
      prefix TEXT NOT NULL,
      key_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    )`,
    'CREATE INDEX api_keys_tenant_created ON api_keys (tenant_id, created_at, seq)',
  ],
};
