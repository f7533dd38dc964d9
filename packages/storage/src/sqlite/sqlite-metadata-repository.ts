import { SqlMetadataRepository } from '../sql/sql-metadata-repository.js';
import type { Clock } from '../clock.js';
import { BetterSqlite3Executor } from './better-sqlite3-executor.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { sqliteDialect } from './sqlite-dialect.js';

/** Options for {@link SqliteMetadataRepository}. */
export interface SqliteMetadataRepositoryOptions {
  readonly now?: Clock;
}

/**
 * The shared {@link SqlMetadataRepository} wired to SQLite: a better-sqlite3 executor and the
 * SQLite dialect. Closing it releases the shared connection.
 *
 * @example
 * const meta = new SqliteMetadataRepository(await SqliteConnection.open('llmtrace.db'));
 */
export class SqliteMetadataRepository extends SqlMetadataRepository {
  constructor(connection: SqliteConnection, options: SqliteMetadataRepositoryOptions = {}) {
    connection.retain();
    super(new BetterSqlite3Executor(connection), sqliteDialect, {
      now: options.now,
      onClose: () => connection.release(),
    });
  }
}
