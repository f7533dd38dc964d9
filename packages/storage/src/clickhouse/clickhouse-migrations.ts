import { LLMTraceError } from '@llmtrace/core';
import type { Migration } from '../migrator.js';

/** What the ClickHouse schema depends on. */
export interface ClickHouseSchemaOptions {
  /** Database holding the tables (created when missing); letters, digits and `_`. */
  readonly database: string;
  /**
   * Rows older than this are dropped by ClickHouse itself (table TTL, applied during merges) — the
   * safety net under the per-tenant retention that `deleteOlderThan` applies. Default 365; at most
   * 7300 (TTL arithmetic is on `DateTime`, which ends in 2106); null keeps rows for ever.
   */
  readonly retentionDays?: number | null;
}

/**
 * The database name, checked once: it is interpolated into statements (identifiers cannot be bound
 * as parameters), so only a plain identifier is accepted.
 */
export function checkDatabaseName(database: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(database)) {
    throw new LLMTraceError(
      'CONFIG_INVALID',
      `clickhouse_database must be letters, digits and _ (starting with a letter or _), got ${JSON.stringify(database)}`,
      { details: { path: 'storage.clickhouse_database' } },
    );
  }
  return database;
}

/** The TTL clause for a time column, or nothing when rows are kept for ever. */
function ttl(options: ClickHouseSchemaOptions, column: string): string {
  const days = options.retentionDays === undefined ? 365 : options.retentionDays;
  if (days === null) return '';
  if (!Number.isSafeInteger(days) || days <= 0 || days > 7300) {
    // Beyond ~20 years `toDateTime(t) + INTERVAL` would pass 2106 and wrap into the past, and the
    // next merge would drop every row as expired.
    throw new LLMTraceError(
      'CONFIG_INVALID',
      `retentionDays must be an integer from 1 to 7300 (or null to keep spans for ever), got ${days}`,
      { details: { field: 'retentionDays' } },
    );
  }
  return `TTL toDateTime(${column}) + INTERVAL ${days} DAY`;
}

/**
 * Every ClickHouse migration, in order. Append new ones; never edit an applied one. ClickHouse has
 * no transactional DDL, so every statement is idempotent (`IF NOT EXISTS`) and a migration that
 * failed halfway is simply run again.
 *
 * Design (see docs/benchmarks.md `## ClickHouse` for the numbers):
 * - `spans` is a ReplacingMergeTree keyed `(tenant_id, start_time, span_id)` with a `version`
 *   column: storing a span again (e.g. with agent actions added later) inserts a newer version,
 *   merges keep only the newest, and reads use FINAL so they never see two. A span's identity is
 *   its tenant and id; its `startTime` is when the upstream call began and never changes.
 * - Monthly partitions and the tenant-then-time order make "a tenant's spans in a time range,
 *   newest first" read only the matching granules; bloom filters on `span_id` and `trace_id` serve
 *   the point lookups. Prompt, response and the JSON columns are ZSTD-compressed.
 * - `traces` holds claims on a trace's creation time: explicit ones from `storeTrace` and implicit
 *   ones (the span's start) written by a materialized view on every span insert, so a batch is a
 *   single INSERT. Readers resolve a trace with `argMax` over `(explicit, version)`: the newest
 *   explicit claim wins, else the earliest span start (implicit versions count down with time).
 */
export function clickhouseMigrations(options: ClickHouseSchemaOptions): readonly Migration[] {
  const db = checkDatabaseName(options.database);
  return Object.freeze([
    {
      name: '0001_spans',
      statements: [
        `CREATE TABLE IF NOT EXISTS ${db}.spans (
          tenant_id String,
          start_time DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
          span_id String,
          trace_id String,
          version UInt64,
          parent_span_id Nullable(String),
          agent_id Nullable(String),
          operation_name LowCardinality(String),
          start_iso String CODEC(ZSTD(1)),
          end_time Nullable(String) CODEC(ZSTD(1)),
          duration_ms Nullable(Float64),
          provider LowCardinality(String),
          model LowCardinality(Nullable(String)),
          prompt String CODEC(ZSTD(3)),
          response Nullable(String) CODEC(ZSTD(3)),
          prompt_tokens Nullable(Int64),
          completion_tokens Nullable(Int64),
          total_tokens Nullable(Int64),
          tokens_estimated Bool,
          ttft_ms Nullable(Float64),
          status_code Nullable(UInt16),
          error_message Nullable(String) CODEC(ZSTD(3)),
          security_score Nullable(UInt8),
          finding_count UInt16,
          finding_types Array(LowCardinality(String)),
          finding_severities Array(LowCardinality(String)),
          findings String CODEC(ZSTD(3)),
          cost_usd Nullable(Float64),
          tags String CODEC(ZSTD(3)),
          agent_actions String CODEC(ZSTD(3)),
          events String CODEC(ZSTD(3)),
          INDEX span_id_bloom span_id TYPE bloom_filter(0.01) GRANULARITY 1,
          INDEX trace_id_bloom trace_id TYPE bloom_filter(0.01) GRANULARITY 1
        )
        ENGINE = ReplacingMergeTree(version)
        PARTITION BY toYYYYMM(start_time)
        ORDER BY (tenant_id, start_time, span_id)
        ${ttl(options, 'start_time')}`,
      ],
    },
    {
      name: '0002_traces',
      statements: [
        `CREATE TABLE IF NOT EXISTS ${db}.traces (
          tenant_id String,
          trace_id String,
          explicit UInt8,
          version UInt64,
          created_at DateTime64(3, 'UTC'),
          created_iso String
        )
        ENGINE = ReplacingMergeTree(version)
        PARTITION BY toYYYYMM(created_at)
        ORDER BY (tenant_id, trace_id, explicit)
        ${ttl(options, 'created_at')}`,
        // Implicit claims count down from year 2286 (1e13 ms), so the earliest start has the
        // highest version and survives merges.
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.spans_to_traces TO ${db}.traces AS
         SELECT tenant_id, trace_id, toUInt8(0) AS explicit,
           toUInt64(greatest(0, 10000000000000 - toUnixTimestamp64Milli(start_time))) AS version,
           start_time AS created_at, start_iso AS created_iso
         FROM ${db}.spans`,
      ],
    },
    {
      // The session a span belongs to (`X-LLMTrace-Session-ID`); a bloom filter skips the granules
      // of other sessions when a session's traces are listed.
      name: '0003_span_sessions',
      statements: [
        `ALTER TABLE ${db}.spans ADD COLUMN IF NOT EXISTS session_id Nullable(String)`,
        `ALTER TABLE ${db}.spans
         ADD INDEX IF NOT EXISTS session_id_bloom session_id TYPE bloom_filter(0.01) GRANULARITY 1`,
      ],
    },
    {
      // Agent actions become filterable (issue 15): `action_flags` holds one bit per kind of action
      // (ACTION_FLAG_BITS in span-columns.ts) and `action_names` the names, written next to the
      // ZSTD-compressed actions JSON. Rows written before read their DEFAULT: the old actions were
      // all `{kind: "tool_call"}`, i.e. unplaced tool calls (bits 1 | 32).
      name: '0004_span_actions',
      statements: [
        `ALTER TABLE ${db}.spans ADD COLUMN IF NOT EXISTS action_flags UInt8
         DEFAULT if(agent_actions = '[]', 0, 33)`,
        `ALTER TABLE ${db}.spans ADD COLUMN IF NOT EXISTS action_names Array(LowCardinality(String))
         DEFAULT arrayMap(x -> JSONExtractString(x, 'name'), JSONExtractArrayRaw(agent_actions))`,
        `ALTER TABLE ${db}.spans
         ADD INDEX IF NOT EXISTS action_names_bloom action_names TYPE bloom_filter(0.01) GRANULARITY 1`,
      ],
    },
  ]);
}
