import type { Migration } from '../../migrator.js';

/**
 * Canary tokens per tenant (issue 19). The value is kept because the detector must find it and its
 * encodings in answers; the API never returns it. The unique hash refuses a tenant registering the
 * same value twice.
 */
export const pgMigration0005Canaries: Migration = {
  name: '0005_canaries',
  statements: [
    `CREATE TABLE canaries (
      seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      tenant_id TEXT NOT NULL,
      label TEXT NOT NULL,
      prefix TEXT NOT NULL,
      value TEXT NOT NULL,
      value_hash TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      UNIQUE (tenant_id, value_hash)
    )`,
  ],
};
