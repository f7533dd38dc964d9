import { LLMTraceError } from '@llmtrace/core';
import { redactUrl } from '../redact-url.js';
import { translateClickHouseError } from './translate-clickhouse-error.js';

/** Query parameters bound server-side (`{name:Type}` in the SQL). */
export type ClickHouseParams = Readonly<Record<string, unknown>>;

/**
 * What the ClickHouse repository and migrator need (STYLE rule 3): run a query and get its rows,
 * run a statement, insert rows in one request. The SQL is the same whatever carries it — HTTP to a
 * server in production, or an in-process engine (chdb) in tests.
 *
 * Contract for implementations: driver errors are rethrown as `LLMTraceError` (see
 * {@link translateClickHouseError}); 64-bit integers come back as JSON numbers.
 */
export interface ClickHouseExecutor {
  query<T extends object>(sql: string, params?: ClickHouseParams): Promise<T[]>;
  command(sql: string, params?: ClickHouseParams): Promise<void>;
  /** Inserts all rows (values in `columns` order) in one request. */
  insert(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void>;
  /** Resolves when the server answers; rejects with `STORAGE_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

type Settings = Record<string, string | number | boolean>;

/**
 * The structural subset of `@clickhouse/client`'s `ClickHouseClient` used by
 * {@link ClickHouseClientExecutor}; a real client (over HTTP, or over chdb's connection adapter)
 * satisfies it.
 */
export interface ClickHouseClientLike {
  query(params: {
    query: string;
    format: 'JSONEachRow';
    query_params?: Record<string, unknown>;
    clickhouse_settings?: Settings;
  }): Promise<{ json(): Promise<unknown> }>;
  command(params: {
    query: string;
    query_params?: Record<string, unknown>;
    clickhouse_settings?: Settings;
  }): Promise<unknown>;
  insert(params: {
    table: string;
    values: readonly (readonly unknown[])[];
    columns: [string, ...string[]];
    format: 'JSONCompactEachRow';
    clickhouse_settings?: Settings;
  }): Promise<unknown>;
  ping(): Promise<{ success: boolean; error?: Error }>;
  close(): Promise<void>;
}

/**
 * Settings sent with every request, so results do not depend on server or profile defaults:
 * 64-bit integers as JSON numbers (counts and token sums stay far below 2^53), and FINAL merging
 * only inside a partition (safe: the partition key is a function of the sorting key, so two
 * versions of a span always share a partition).
 */
const QUERY_SETTINGS: Settings = Object.freeze({
  output_format_json_quote_64bit_integers: 0,
  do_not_merge_across_partitions_select_final: 1,
});
const INSERT_SETTINGS: Settings = Object.freeze({
  input_format_skip_unknown_fields: 0,
});

/**
 * {@link ClickHouseExecutor} over `@clickhouse/client`.
 *
 * @example
 * const executor = await ClickHouseClientExecutor.connect('http://clickhouse:8123');
 * const rows = await executor.query<{ n: number }>('SELECT 1 AS n');
 */
export class ClickHouseClientExecutor implements ClickHouseExecutor {
  readonly #client: ClickHouseClientLike;

  constructor(client: ClickHouseClientLike) {
    this.#client = client;
  }

  /**
   * Connects over HTTP(S) with the official client (imported here, lazily: STYLE rule 2) and
   * checks the server answers. Credentials may be given in the URL. Throws `STORAGE_UNAVAILABLE`
   * naming the server (password redacted) when it does not answer.
   */
  static async connect(
    url: string,
    options: { readonly requestTimeoutMs?: number } = {},
  ): Promise<ClickHouseClientExecutor> {
    const where = redactUrl(url);
    const { createClient } = await import('@clickhouse/client');
    const client = createClient({
      url,
      request_timeout: options.requestTimeoutMs ?? 30_000,
      application: 'llmtrace',
      // Batches are already large; compressing them costs CPU on both sides for little gain on a
      // local network. Responses are small pages.
      compression: { request: false, response: false },
    });
    const executor = new ClickHouseClientExecutor(client);
    try {
      await executor.ping();
    } catch (error) {
      await client.close();
      throw new LLMTraceError(
        'STORAGE_UNAVAILABLE',
        `cannot reach ClickHouse at ${where}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, details: { service: 'clickhouse', url: where } },
      );
    }
    return executor;
  }

  async query<T extends object>(sql: string, params?: ClickHouseParams): Promise<T[]> {
    try {
      const result = await this.#client.query({
        query: sql,
        format: 'JSONEachRow',
        query_params: params,
        clickhouse_settings: QUERY_SETTINGS,
      });
      // The row shape is the caller's declaration (as with SqlExecutor).
      return (await result.json()) as T[];
    } catch (error) {
      throw translateClickHouseError(error, 'query');
    }
  }

  async command(sql: string, params?: ClickHouseParams): Promise<void> {
    try {
      await this.#client.command({
        query: sql,
        query_params: params,
        clickhouse_settings: QUERY_SETTINGS,
      });
    } catch (error) {
      throw translateClickHouseError(error, 'command');
    }
  }

  /**
   * One INSERT in JSONCompactEachRow (values without key names): a third fewer bytes than keyed
   * JSON for a span row, and about twice as fast for ClickHouse to parse (docs/benchmarks.md).
   */
  async insert(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void> {
    const [first, ...rest] = columns;
    if (rows.length === 0 || first === undefined) return;
    try {
      await this.#client.insert({
        table,
        values: rows,
        columns: [first, ...rest],
        format: 'JSONCompactEachRow',
        clickhouse_settings: INSERT_SETTINGS,
      });
    } catch (error) {
      throw translateClickHouseError(error, 'insert');
    }
  }

  async ping(): Promise<void> {
    let result: { success: boolean; error?: Error };
    try {
      result = await this.#client.ping();
    } catch (error) {
      throw translateClickHouseError(error, 'ping');
    }
    if (!result.success) {
      throw translateClickHouseError(result.error ?? new Error('no answer to ping'), 'ping');
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
