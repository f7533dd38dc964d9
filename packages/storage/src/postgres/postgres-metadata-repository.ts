import { LLMTraceError } from '@llmtrace/core';
import type { Clock } from '../clock.js';
import { redactUrl } from '../redact-url.js';
import { SqlMetadataRepository } from '../sql/sql-metadata-repository.js';
import { prepareSchema, type Migration, type MigrationResult } from '../migrator.js';
import type { PgPoolLike } from './pg-driver.js';
import { PgExecutor } from './pg-executor.js';
import { postgresDialect } from './postgres-dialect.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { PostgresMigrator } from './postgres-migrator.js';
import { translatePgError } from './translate-pg-error.js';

/** Options for the {@link PostgresMetadataRepository} constructor. */
export interface PostgresMetadataRepositoryOptions {
  readonly now?: Clock;
  /** End the pool when the repository is closed (default true). */
  readonly ownsPool?: boolean;
  /** What the migrator did before (reported by {@link PostgresMetadataRepository.migrations}). */
  readonly migrations?: readonly MigrationResult[];
}

/** Options for {@link PostgresMetadataRepository.open}. */
export interface PostgresOpenOptions {
  readonly now?: Clock;
  /** Apply pending migrations (default true); when false, pending migrations fail the open. */
  readonly migrate?: boolean;
  /** Replaces the built-in migration list (tests). */
  readonly migrations?: readonly Migration[];
  /** Connections per process (default 10; every replica has its own pool). */
  readonly maxConnections?: number;
  /** How long to wait for a connection (default 5000 ms), then `STORAGE_TIMEOUT`. */
  readonly connectTimeoutMs?: number;
  /** Server-side limit per statement (default 10 000 ms), then `STORAGE_TIMEOUT`. */
  readonly statementTimeoutMs?: number;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new LLMTraceError('CONFIG_INVALID', `${name} must be a positive integer, got ${n}`, {
      details: { field: name },
    });
  }
  return n;
}

/**
 * The shared {@link SqlMetadataRepository} on PostgreSQL: a `pg` pool executor and the PostgreSQL
 * dialect (`uuid`, `jsonb`, `timestamptz`; schema in {@link POSTGRES_MIGRATIONS}). Every replica
 * opens its own pool on the same database, so tenants, keys, audit and alerts are shared.
 *
 * @example
 * const meta = await PostgresMetadataRepository.open('postgres://llmtrace@db:5432/llmtrace');
 * await meta.createTenant({ id: 'acme', name: 'Acme' });
 */
export class PostgresMetadataRepository extends SqlMetadataRepository {
  /** What the migrator did when this repository was opened (empty when built from a pool). */
  readonly migrations: readonly MigrationResult[];

  constructor(pool: PgPoolLike, options: PostgresMetadataRepositoryOptions = {}) {
    super(new PgExecutor(pool), postgresDialect, {
      now: options.now,
      onClose: options.ownsPool === false ? undefined : () => pool.end(),
    });
    this.migrations = options.migrations ?? [];
  }

  /**
   * Connects (the `pg` driver is imported here, lazily: STYLE rule 2), checks the server answers,
   * and applies pending migrations. Throws `STORAGE_UNAVAILABLE` naming the server (password
   * redacted) when it cannot be reached or a migration fails (`details.migrations`).
   */
  static async open(
    url: string,
    options: PostgresOpenOptions = {},
  ): Promise<PostgresMetadataRepository> {
    const pool = await createPgPool(url, options);
    const where = redactUrl(url);
    try {
      const migrator = new PostgresMigrator(
        pool,
        options.migrations ?? POSTGRES_MIGRATIONS,
        `the PostgreSQL database at ${where}`,
      );
      const migrations = await prepareSchema(
        migrator,
        `the PostgreSQL database at ${where}`,
        options.migrate,
      );
      return new PostgresMetadataRepository(pool, { now: options.now, migrations });
    } catch (error) {
      await pool.end();
      throw error;
    }
  }
}

/**
 * A `pg` pool for `url` that has answered one query. The driver is loaded here, so a process
 * that never opens PostgreSQL never loads it.
 */
export async function createPgPool(
  url: string,
  options: PostgresOpenOptions = {},
): Promise<PgPoolLike> {
  const max = positiveInt(options.maxConnections, 10, 'maxConnections');
  const connectionTimeoutMillis = positiveInt(options.connectTimeoutMs, 5000, 'connectTimeoutMs');
  const statementTimeout = positiveInt(options.statementTimeoutMs, 10_000, 'statementTimeoutMs');
  const where = redactUrl(url);
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis,
    statement_timeout: statementTimeout,
    application_name: 'llmtrace',
  });
  // An idle pooled connection that breaks (server restart, network) emits 'error' on the pool;
  // unhandled, that would crash the process. The pool drops the connection and the next query
  // opens a new one, so there is nothing else to do here.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    const translated = translatePgError(error, 'connect');
    throw new LLMTraceError(
      translated.code === 'STORAGE_TIMEOUT' ? 'STORAGE_TIMEOUT' : 'STORAGE_UNAVAILABLE',
      `cannot reach PostgreSQL at ${where}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { service: 'postgres', url: where } },
    );
  }
  return pool;
}

/**
 * Applies pending PostgreSQL migrations and reports each one (`llmtrace migrate`). A failed
 * migration is a result; this throws only when the server cannot be reached.
 *
 * @example
 * const results = await migratePostgres('postgres://llmtrace@db/llmtrace');
 */
export async function migratePostgres(
  url: string,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<MigrationResult[]> {
  const pool = await createPgPool(url, { maxConnections: 1 });
  try {
    return await new PostgresMigrator(
      pool,
      migrations,
      `the PostgreSQL database at ${redactUrl(url)}`,
    ).migrate();
  } finally {
    await pool.end();
  }
}
