import type { Migration } from '../../migrator.js';

/**
 * Alert history (sent, suppressed by cooldown, failed). The index serves "a tenant's alerts,
 * newest first" and its time-range filters; status/channel filters are checked inside that range.
 */
export const pgMigration0003Alerts: Migration = {
  name: '0003_alerts',
  statements: [
    `CREATE TABLE alerts (
      seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      id UUID NOT NULL UNIQUE,
      tenant_id TEXT NOT NULL,
      channel TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('security', 'budget')),
      status TEXT NOT NULL CHECK (status IN ('sent', 'suppressed', 'failed')),
      severity TEXT NOT NULL,
      title TEXT NOT NULL,
      details JSONB NOT NULL,
      trace_id TEXT,
      created_at TIMESTAMPTZ NOT NULL
    )`,
    'CREATE INDEX alerts_tenant_time ON alerts (tenant_id, created_at DESC, seq DESC)',
  ],
};
