// Loads chdb's connection adapter for @clickhouse/client from this folder's own install
// (tools/chdb/node_modules), which the workspace's `npm install` never touches. The ClickHouse tests
// and benchmarks call it; `ensureChdb()` installs the pinned version from tools/chdb/package-lock.json
// the first time, printing what it does, so `npm test` works after a plain `npm ci`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const here = new URL('.', import.meta.url).pathname;

/** Installs chdb into tools/chdb when it is missing; throws with the reason when npm fails. */
export function ensureChdb() {
  if (existsSync(`${here}node_modules/chdb/package.json`)) return;
  process.stdout.write(
    'llmtrace: installing the test-only embedded ClickHouse (npm install --prefix tools/chdb, ~540 MB)\n',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefix', here], { stdio: 'inherit' });
}

/** chdb's `createChdbConnection`, loaded from tools/chdb. */
export function loadCreateChdbConnection() {
  ensureChdb();
  const require = createRequire(`${here}package.json`);
  return require('chdb/connection').createChdbConnection;
}
