import type { Migration } from '../migrator.js';
import { migration0001Traces } from './migrations/0001-traces.js';
import { migration0002Metadata } from './migrations/0002-metadata.js';
import { migration0003Cache } from './migrations/0003-cache.js';
import { migration0004ApiKeys } from './migrations/0004-api-keys.js';
import { migration0005Alerts } from './migrations/0005-alerts.js';
import { migration0006AllTenantReads } from './migrations/0006-all-tenant-reads.js';
import { migration0007SpanSessions } from './migrations/0007-span-sessions.js';
import { migration0008SpanActions } from './migrations/0008-span-actions.js';

/** Every SQLite migration, in order. Append new ones; never edit an applied one. */
export const SQLITE_MIGRATIONS: readonly Migration[] = Object.freeze([
  migration0001Traces,
  migration0002Metadata,
  migration0003Cache,
  migration0004ApiKeys,
  migration0005Alerts,
  migration0006AllTenantReads,
  migration0007SpanSessions,
  migration0008SpanActions,
]);
