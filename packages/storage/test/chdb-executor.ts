import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { ClickHouseClientExecutor } from '../src/clickhouse/index.js';

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

/**
 * The production {@link ClickHouseClientExecutor} — the official `@clickhouse/client` — running on
 * chdb, an in-process ClickHouse engine, through chdb's connection adapter
 * (`createClient({ connection })`, chdb README "chDB ↔ @clickhouse/client integration"). No
 * ClickHouse server can be installed on this machine; this keeps the client and the SQL of
 * production and swaps only the transport. `:memory:` engines are shared within a process.
 */
export function chdbExecutor(): ClickHouseClientExecutor {
  // chdb types its Connection against @clickhouse/client-common 1.23.0, while @clickhouse/client
  // 1.23.1 bundles its own copy of those types; the copies differ only in the keys listed in
  // ClickHouseSettings, so TypeScript sees two unrelated types for one runtime contract.
  const connection = createChdbConnection({ path: ':memory:' }) as unknown as ClientConnection;
  return new ClickHouseClientExecutor(createClient({ connection }));
}
