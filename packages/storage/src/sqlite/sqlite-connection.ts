import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { LLMTraceError } from '@llmtrace/core/errors';
import type BetterSqlite3 from 'better-sqlite3';
import {
  Migrator,
  foreignDatabaseError,
  prepareSchema,
  type Migration,
  type MigrationResult,
} from '../migrator.js';
import { SqlMigrationStore } from '../sql/sql-migration-store.js';
import { BetterSqlite3Executor } from './better-sqlite3-executor.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { translateSqliteError } from './translate-sqlite-error.js';

/** Options for {@link SqliteConnection.open}. */
export interface SqliteOpenOptions {
  /** Apply pending migrations (default true); when false, pending migrations fail the open. */
  readonly migrate?: boolean;
  /** Replaces the built-in migration list (tests). */
  readonly migrations?: readonly Migration[];
  /** How long a statement waits for another connection's lock (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /** Page cache of this connection in MiB (default 8; the trace writer's connection uses 16). */
  readonly cacheMib?: number;
}

/**
 * The only place SQLite pragmas are set (STYLE rule 7, after undici's `SqliteCacheStore`):
 * - WAL: readers never block the writer, and a commit is one sequential append.
 * - synchronous=NORMAL: with WAL a crash can lose the last commits but never corrupts the file;
 *   the capture queue already accepts losing in-flight spans on a crash.
 * - busy_timeout: wait for another process (e.g. `llmtrace migrate`) instead of failing at once.
 * - foreign_keys: SQLite leaves them off per connection unless asked; spans cascade with traces.
 * - cache_size: 8 MiB per connection by default: the operating system caches the file too, and at
 *   32 MiB per connection the two connections' caches were a fifth of the proxy's memory after a
 *   soak. The trace writer had 16 (its inserts touch the right edges of every index); 8 kept RSS
 *   ~11 MB lower in a soak at 500 req/s with no more writer CPU (issue 13, thirteenth pass). 4
 *   cost the writer 35–45 % more CPU per span (sixth pass).
 * - wal_autocheckpoint: checkpoint every ~40 MiB of WAL instead of 4 MiB. Checkpoints (random writes
 *   plus fsync) were half of the ingest time with 1 KB prompts; a page rewritten by many batches
 *   (index leaves) is copied back once per checkpoint instead of once per 4 MiB.
 *   journal_size_limit then truncates the WAL file back after a checkpoint.
 */
function applyPragmas(db: BetterSqlite3.Database, cacheMib: number): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${cacheMib * 1024}`);
  db.pragma('temp_store = MEMORY');
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
}

/**
 * One open SQLite file shared by the SQLite repositories. Opening creates the parent folder, sets
 * the pragmas and applies migrations. Repositories {@link retain} it and {@link release} it when
 * closed; the file is closed when the last one lets go (or on {@link close}).
 *
 * better-sqlite3 is synchronous, so every statement runs to completion before any other code; the
 * only interleaving hazard is an *asynchronous* transaction (`SqlExecutor.transaction`) that spans
 * awaits. While one is open, {@link whenIdle} makes every other user of the connection wait, so no
 * foreign write slips into it.
 *
 * @example
 * const connection = await SqliteConnection.open('./data/llmtrace.db');
 * const traces = new SqliteTraceRepository(connection);
 */
export class SqliteConnection {
  readonly db: BetterSqlite3.Database;
  readonly path: string;
  #migrations: readonly MigrationResult[] = [];
  #refs = 0;
  #exclusive: Promise<void> | null = null;

  /** The file's identity when opened (null for `:memory:`), to notice it being deleted or replaced. */
  #identity: { readonly dev: number; readonly ino: number } | null = null;

  private constructor(db: BetterSqlite3.Database, path: string) {
    this.db = db;
    this.path = path;
  }

  /**
   * Why writes to this connection can no longer reach the configured file, or null. SQLite keeps
   * writing to a deleted (unlinked) file without an error, and everything written is gone at the
   * next start (issue 14 item 10), so repositories check this before writing and in `health()`.
   */
  fileProblem(): string | null {
    if (this.#identity === null) return null;
    const now = fileIdentity(this.path);
    if (now === null) {
      return `the SQLite file ${this.path} was deleted while LLMTrace had it open: nothing written now would survive a restart; restart LLMTrace to create a new file`;
    }
    if (now.dev !== this.#identity.dev || now.ino !== this.#identity.ino) {
      return `the SQLite file ${this.path} was replaced by another file while LLMTrace had it open; restart LLMTrace to use the new file`;
    }
    return null;
  }

  /** What the migrator did when this connection was opened (empty when `migrate: false`). */
  get migrations(): readonly MigrationResult[] {
    return this.#migrations;
  }

  /**
   * Opens (creating when missing) the database at `path`. Throws `STORAGE_UNAVAILABLE` when the
   * file cannot be opened or a migration fails (`details.migrations` then has the per-migration
   * results), and `CONFIG_INVALID` — before writing anything — when the file is not a SQLite
   * database or not LLMTrace's (see `Migrator`).
   */
  static async open(path: string, options: SqliteOpenOptions = {}): Promise<SqliteConnection> {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new LLMTraceError('CONFIG_INVALID', 'busyTimeoutMs must be an integer >= 0');
    }
    const cacheMib = options.cacheMib ?? 8;
    if (!Number.isSafeInteger(cacheMib) || cacheMib < 1) {
      throw new LLMTraceError('CONFIG_INVALID', 'cacheMib must be an integer >= 1');
    }
    let db: BetterSqlite3.Database | undefined;
    try {
      // Loaded lazily so that the memory profile never loads the native driver (STYLE rule 2).
      const { default: Database } = await import('better-sqlite3');
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    } catch (error) {
      db?.close();
      throw openError(path, error);
    }
    const connection = new SqliteConnection(db, path);
    const migrator = new Migrator(
      new SqlMigrationStore(
        new BetterSqlite3Executor(connection),
        sqliteDialect,
        `the SQLite file ${path}`,
      ),
      options.migrations ?? SQLITE_MIGRATIONS,
    );
    try {
      // Before the first write (WAL mode is stored in the file): another application's database,
      // or one from an older or newer LLMTrace, is refused untouched (issue 12 item 6).
      await migrator.pending();
      applyPragmas(db, cacheMib);
      connection.#migrations = await prepareSchema(
        migrator,
        `the SQLite file ${path}`,
        options.migrate,
      );
      // Refreshes planner statistics when they are stale; cheap when they are not.
      // https://www.sqlite.org/pragma.html#pragma_optimize
      db.pragma('optimize = 0x10002');
      // Taken once the schema is written, when the file certainly exists on disk.
      if (path !== ':memory:' && path !== '') connection.#identity = fileIdentity(path);
    } catch (error) {
      db.close();
      const driverCode = error instanceof LLMTraceError ? error.details?.driverCode : undefined;
      if (driverCode === 'SQLITE_NOTADB' || driverCode === 'SQLITE_CORRUPT') {
        throw openError(path, error instanceof LLMTraceError ? error.cause : error);
      }
      if (error instanceof LLMTraceError) {
        throw error.details?.path === undefined && error.code === 'STORAGE_UNAVAILABLE'
          ? new LLMTraceError(error.code, error.message, {
              cause: error.cause,
              details: { ...error.details, path },
            })
          : error;
      }
      throw openError(path, error);
    }
    return connection;
  }

  /** True until the file is closed. */
  get isOpen(): boolean {
    return this.db.open;
  }

  /** Resolves when no asynchronous transaction holds the connection. */
  async whenIdle(): Promise<void> {
    while (this.#exclusive !== null) await this.#exclusive;
  }

  /** True while an asynchronous transaction holds the connection. */
  get busy(): boolean {
    return this.#exclusive !== null;
  }

  /** Runs `fn` while holding the connection exclusively (see the class comment). */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.whenIdle();
    let release!: () => void;
    this.#exclusive = new Promise<void>((resolve) => (release = resolve));
    try {
      return await fn();
    } finally {
      this.#exclusive = null;
      release();
    }
  }

  /** Registers one more user; pair with {@link release}. */
  retain(): void {
    this.#refs += 1;
  }

  /** Drops one user; the file is closed when none is left. */
  release(): void {
    this.#refs -= 1;
    if (this.#refs <= 0) this.close();
  }

  /** Closes the file now (idempotent). `PRAGMA optimize` first refreshes the planner's statistics. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('optimize');
    } catch {
      // Best effort: statistics are an optimisation, and closing must still happen.
    }
    this.db.close();
  }
}

function fileIdentity(path: string): { dev: number; ino: number } | null {
  try {
    const stat = statSync(path);
    return { dev: stat.dev, ino: stat.ino };
  } catch {
    // Missing (deleted) or unreadable: either way not the file that was opened.
    return null;
  }
}

/** The error for a file SQLite cannot open or read, naming it and what to do. */
function openError(path: string, error: unknown): LLMTraceError {
  const translated = translateSqliteError(error, 'open');
  const driverCode = translated.details?.driverCode;
  if (driverCode === 'SQLITE_NOTADB' || driverCode === 'SQLITE_CORRUPT') {
    const foreign = foreignDatabaseError(`the file ${path}`, 'it is not a SQLite database', {
      path,
      driverCode,
    });
    return new LLMTraceError(foreign.code, foreign.message, {
      cause: error,
      details: foreign.details,
    });
  }
  return new LLMTraceError(
    'STORAGE_UNAVAILABLE',
    `cannot open SQLite database at ${path}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error, details: { path, ...translated.details } },
  );
}
