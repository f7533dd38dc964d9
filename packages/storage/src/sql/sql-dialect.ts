/**
 * What differs between SQL engines for the statements the SQL repositories issue. Statements are
 * written once with `?` placeholders and compiled by the dialect at construction.
 */
export interface SqlDialect {
  readonly name: string;
  /** Rewrites `?` placeholders into the engine's style (`?` for SQLite, `$1…` for PostgreSQL). */
  compile(sql: string): string;
  /** A JSON value as a statement parameter. */
  encodeJson(value: unknown): unknown;
  /** A JSON column value as read back (text for SQLite, already parsed for `jsonb`). */
  decodeJson(value: unknown): unknown;
  /** An ISO time as a statement parameter (normalised so that stored times sort correctly). */
  encodeTime(iso: string): unknown;
  /** A time column as read back, as an ISO-8601 UTC string. */
  decodeTime(value: unknown): string;
  /** SQL expression for the current time in the encoding of {@link encodeTime}. */
  readonly now: string;
  /** A query listing the tables (`name`) of the file or schema the repositories use. */
  readonly listTables: string;
  /**
   * True when the database holds LLMTrace's tables only (a SQLite file), so any other table means
   * the file is someone else's; false for a PostgreSQL schema that other applications may share.
   */
  readonly dedicatedDatabase: boolean;
}
