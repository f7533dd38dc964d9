/**
 * The structural subset of the `pg` driver the PostgreSQL adapter uses (STYLE rule 3, after
 * kysely's `PostgresPool`): a real `pg.Pool` satisfies it, and nothing outside `storage/postgres`
 * ever names a `pg` type.
 */

/** What a query resolves with. */
export interface PgQueryResultLike<R> {
  readonly rows: R[];
  /** Rows inserted/updated/deleted or returned; null for statements that report none. */
  readonly rowCount: number | null;
}

/** Something that runs a parameterised statement: a pool or one checked-out client. */
export interface PgQueryableLike {
  query<R extends object>(text: string, values?: unknown[]): Promise<PgQueryResultLike<R>>;
}

/** A client checked out of the pool; `release` returns it (`true`/an error destroys it). */
export interface PgPoolClientLike extends PgQueryableLike {
  release(destroy?: Error | boolean): void;
}

/** A connection pool (`pg.Pool`). */
export interface PgPoolLike extends PgQueryableLike {
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
}
