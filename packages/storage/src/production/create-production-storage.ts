import { LLMTraceError, toLLMTraceError, type Storage } from '@llmtrace/core';
import {
  ClickHouseClientExecutor,
  type ClickHouseExecutor,
} from '../clickhouse/clickhouse-executor.js';
import { clickhouseMigrator, migrateClickHouse } from '../clickhouse/clickhouse-migrator.js';
import { clickhouseMigrations } from '../clickhouse/clickhouse-migrations.js';
import { ClickHouseTraceRepository } from '../clickhouse/clickhouse-trace-repository.js';
import type { CreateStorageOptions, StorageProfile } from '../storage-profile.js';
import {
  PostgresMetadataRepository,
  migratePostgres,
} from '../postgres/postgres-metadata-repository.js';
import { RedisCacheLayer } from '../redis/redis-cache-layer.js';
import { prepareSchema, type MigrationResult } from '../migrator.js';
import { composeStorage } from '../compose-storage.js';

/** The `production` variant of {@link StorageProfile}. */
export type ProductionProfile = Extract<StorageProfile, { readonly profile: 'production' }>;

/** Options of {@link createProductionStorage} beyond those every profile takes. */
export interface ProductionStorageOptions extends CreateStorageOptions {
  /** ClickHouse table TTL in days (default 365, null keeps spans for ever). */
  readonly clickhouseRetentionDays?: number | null;
  /** Prefix of every Redis key (default `llmtrace:`). */
  readonly redisKeyPrefix?: string;
  /**
   * Runs the ClickHouse SQL through this executor instead of connecting to `clickhouse_url` over
   * HTTP — how the tests run the same code on an in-process engine (chdb).
   */
  readonly clickhouseExecutor?: ClickHouseExecutor;
}

async function openTraces(
  profile: ProductionProfile,
  options: ProductionStorageOptions,
): Promise<ClickHouseTraceRepository> {
  const database = profile.clickhouse_database;
  const migrations = clickhouseMigrations({
    database,
    retentionDays: options.clickhouseRetentionDays,
  });
  const executor =
    options.clickhouseExecutor ?? (await ClickHouseClientExecutor.connect(profile.clickhouse_url));
  const owned = options.clickhouseExecutor === undefined;
  try {
    await prepareSchema(
      clickhouseMigrator(executor, database, migrations),
      `the ClickHouse database ${database}`,
      options.migrate,
    );
    return new ClickHouseTraceRepository(executor, { database, ownsExecutor: owned });
  } catch (error) {
    if (owned) await executor.close();
    throw error;
  }
}

/**
 * The `production` profile: ClickHouse traces, PostgreSQL metadata, Redis cache and counters. The
 * three are opened (and migrated, unless `migrate: false`) in parallel; when any fails, the others
 * are closed and one `STORAGE_UNAVAILABLE` names every service that failed. This module is loaded
 * by `createStorage` only for this profile, and each adapter imports its driver only when it
 * connects (STYLE rule 2).
 *
 * @example
 * const storage = await createProductionStorage({ profile: 'production',
 *   clickhouse_url: 'http://clickhouse:8123', clickhouse_database: 'llmtrace',
 *   postgres_url: 'postgres://llmtrace@postgres/llmtrace', redis_url: 'redis://redis:6379' });
 */
export async function createProductionStorage(
  profile: ProductionProfile,
  options: ProductionStorageOptions = {},
): Promise<Storage> {
  const [traces, metadata, cache] = await Promise.allSettled([
    openTraces(profile, options),
    PostgresMetadataRepository.open(profile.postgres_url, {
      now: options.now,
      migrate: options.migrate,
    }),
    RedisCacheLayer.connect(profile.redis_url, { keyPrefix: options.redisKeyPrefix }),
  ]);
  if (
    traces.status === 'fulfilled' &&
    metadata.status === 'fulfilled' &&
    cache.status === 'fulfilled'
  ) {
    return composeStorage({ traces: traces.value, metadata: metadata.value, cache: cache.value });
  }
  const opened = [traces, metadata, cache].flatMap((r) =>
    r.status === 'fulfilled' ? [r.value] : [],
  );
  await Promise.allSettled(opened.map((part) => part.close()));
  const errors = [traces, metadata, cache].flatMap((r) =>
    r.status === 'rejected' ? [toLLMTraceError(r.reason)] : [],
  );
  const first = errors[0];
  if (errors.length === 1 && first !== undefined) throw first;
  throw new LLMTraceError(
    first?.code ?? 'STORAGE_UNAVAILABLE',
    errors.map((e) => e.message).join('; '),
    {
      cause: first,
      details: { errors: errors.map((e) => ({ code: e.code, message: e.message })) },
    },
  );
}

/**
 * Applies pending PostgreSQL and ClickHouse migrations (Redis has no schema) and reports each one,
 * named `postgres/…` and `clickhouse/…`. Throws only when a server cannot be reached.
 *
 * @example
 * const results = await migrateProduction(config.storage);
 */
export async function migrateProduction(
  profile: ProductionProfile,
  options: Pick<ProductionStorageOptions, 'clickhouseRetentionDays'> = {},
): Promise<MigrationResult[]> {
  const [postgres, clickhouse] = await Promise.all([
    migratePostgres(profile.postgres_url),
    migrateClickHouse(profile.clickhouse_url, {
      database: profile.clickhouse_database,
      retentionDays: options.clickhouseRetentionDays,
    }),
  ]);
  return [
    ...postgres.map((r) => ({ ...r, name: `postgres/${r.name}` })),
    ...clickhouse.map((r) => ({ ...r, name: `clickhouse/${r.name}` })),
  ];
}
