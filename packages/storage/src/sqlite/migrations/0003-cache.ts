import type { Migration } from '../../migrator.js';

/**
 * The key/value cache. Counters are stored as the JavaScript decimal string of the number, which
 * reads back as exactly the same double. `expires_at` is epoch ms, NULL for no expiry.
 */
export const migration0003Cache: Migration = {
  name: '0003_cache',
  statements: [
    'CREATE TABLE cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)',
    'CREATE INDEX cache_expires ON cache (expires_at) WHERE expires_at IS NOT NULL',
  ],
};
