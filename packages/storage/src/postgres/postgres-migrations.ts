import type { Migration } from '../migrator.js';
import { pgMigration0001Metadata } from './migrations/0001-metadata.js';
import { pgMigration0002ApiKeys } from './migrations/0002-api-keys.js';
import { pgMigration0003Alerts } from './migrations/0003-alerts.js';
import { pgMigration0005Canaries } from './migrations/0005-canaries.js';

/** Every PostgreSQL migration, in order. Append new ones; never edit an applied one. */
export const POSTGRES_MIGRATIONS: readonly Migration[] = Object.freeze([
  pgMigration0001Metadata,
  pgMigration0002ApiKeys,
  pgMigration0003Alerts,
  pgMigration0005Canaries,
]);
