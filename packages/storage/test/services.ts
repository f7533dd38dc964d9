import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Where the tests find PostgreSQL and Redis (STYLE rule 22: they run against real servers, and a
 * missing server fails the run — never a skip). Override with LLMTRACE_TEST_POSTGRES_URL /
 * LLMTRACE_TEST_REDIS_URL.
 */
export const POSTGRES_URL =
  process.env.LLMTRACE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.LLMTRACE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const HOW_TO_START = {
  postgres:
    'start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start` (or run .ci/run, which starts it), ' +
    'or point LLMTRACE_TEST_POSTGRES_URL at a server with a database the tests may create schemas in',
  redis:
    'start it with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""` (or run .ci/run), ' +
    'or point LLMTRACE_TEST_REDIS_URL at a server the tests may write prefixed keys to',
} as const;

/** The error a suite fails with when its service does not answer. */
export function serviceMissing(service: 'postgres' | 'redis', url: string, cause: unknown): Error {
  const name = service === 'postgres' ? 'PostgreSQL' : 'Redis';
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `${name} is required by the storage tests and is not reachable at ${url} (${reason}): ${HOW_TO_START[service]}.`,
    { cause },
  );
}

/** A name unique to this run, usable as an SQL identifier or a key prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/**
 * Null when PostgreSQL answers at {@link POSTGRES_URL}, else the error every test of the suite
 * fails with (register it with {@link failEveryTestWithout}).
 */
export async function checkPostgres(): Promise<Error | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return serviceMissing('postgres', POSTGRES_URL, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Null when Redis answers at {@link REDIS_URL}, else the error every test of the suite fails with. */
export async function checkRedis(): Promise<Error | null> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return serviceMissing('redis', REDIS_URL, error);
  } finally {
    client.disconnect();
  }
}
