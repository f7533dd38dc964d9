import type { Migration } from '../../migrator.js';

/**
 * Alert history (sent, suppressed by cooldown, failed). `seq` orders alerts recorded in the same
 * millisecond; the index serves "a tenant's alerts, newest first" and its time-range filters.
 */
export const migration0005Alerts: Migration = {
  name: '0005_alerts',
  statements: [
    `CREATE TABLE alerts (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      tenant_id TEXT NOT NULL,
      channel TEXT NOT NULL,
      kind TEXT NOT NULL,
      status TEXT NOT NULL,
      severity TEXT NOT NULL,
      title TEXT NOT NULL,
      details TEXT NOT NULL,
      trace_id TEXT,
      created_at TEXT NOT NULL
    )`,
    'CREATE INDEX alerts_tenant_time ON alerts (tenant_id, created_at, seq)',
  ],
};
