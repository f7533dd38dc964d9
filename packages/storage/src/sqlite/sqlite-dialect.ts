import type { SqlDialect } from '../sql/sql-dialect.js';

/**
 * SQLite flavour of the shared SQL repositories: `?` placeholders, JSON as text, times as ISO-8601
 * UTC text with milliseconds (fixed width, so text order is time order).
 */
export const sqliteDialect: SqlDialect = Object.freeze({
  name: 'sqlite',
  compile: (sql: string) => sql,
  encodeJson: (value: unknown) => JSON.stringify(value),
  decodeJson: (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value),
  encodeTime: (iso: string) => new Date(iso).toISOString(),
  decodeTime: (value: unknown) => String(value),
  now: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
  // sqlite_% are SQLite's own (sqlite_sequence, sqlite_stat1).
  listTables:
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  dedicatedDatabase: true,
});
