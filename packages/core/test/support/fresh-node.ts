import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Core's built runtime settings, for programs run in a fresh node (Vitest's setup builds it). */
export const RUNTIME_DIST = resolve(import.meta.dirname, '../../dist/runtime/index.js');

/**
 * Runs `program`, an ES module's source, in a fresh node process with V8 and node flags
 * `nodeArgs`, and returns what it printed: V8's settings are process-wide and some can be set only
 * once, so each case needs its own process.
 *
 * @example
 * const out = runInFreshNode(`console.log(1)`, ['--trace-gc']);
 */
export function runInFreshNode(program: string, nodeArgs: readonly string[] = []): string {
  return execFileSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', program], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}
