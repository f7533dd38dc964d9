import type { SqlDialect } from '../sql/sql-dialect.js';

/**
 * PostgreSQL flavour of the shared SQL repositories: `$1…` placeholders, `jsonb` (sent as JSON
 * text, read back already parsed by `pg`), `timestamptz` (sent as ISO text, read back as a `Date`).
 */
export const postgresDialect: SqlDialect = Object.freeze({
  name: 'postgres',
  // The shared statements never contain `?` inside a literal, so every `?` is a placeholder.
  compile: (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  },
  encodeJson: (value: unknown) => JSON.stringify(value),
  decodeJson: (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value),
  encodeTime: (iso: string) => new Date(iso).toISOString(),
  decodeTime: (value: unknown) =>
    value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString(),
  now: `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  listTables:
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  dedicatedDatabase: false,
});
