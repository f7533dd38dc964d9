import { createClient } from '@clickhouse/client';
import { loadCreateChdbConnection } from '../../../tools/chdb/load-chdb.mjs';
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
  // chdb is installed apart from the workspace (tools/chdb/package.json), so that `npm install`
  // never downloads its ~540 MB engine; the loader installs it on first use. Its connection is typed
  // `unknown` there: it implements @clickhouse/client's Connection contract at run time.
  const createChdbConnection = loadCreateChdbConnection();
  const connection = createChdbConnection({ path: ':memory:' }) as ClientConnection;
  return new ClickHouseClientExecutor(createClient({ connection }));
}
