import { execFileSync } from 'node:child_process';
import { ensureChdb } from './tools/chdb/load-chdb.mjs';
import { ensureMlRuntime } from './tools/ml/ml-runtime.mjs';

/**
 * The CLI tests spawn the built CLI: make sure dist is current (tsc -b is incremental). The
 * ClickHouse tests run on chdb, installed apart from the workspace: install it once, here, rather
 * than in several test workers at the same time.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], { stdio: 'inherit' });
  ensureChdb();
  // The transformer tier's tests run on onnxruntime-node, also installed apart (tools/ml).
  ensureMlRuntime();
}
