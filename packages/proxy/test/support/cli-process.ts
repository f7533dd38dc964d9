import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The built CLI the process tests start (Vitest's global setup runs `tsc -b` first). */
export const CLI = join(resolve(import.meta.dirname, '../../../..'), 'packages/proxy/dist/cli.js');

/** A started CLI process: everything it printed so far, and its exit code once it exits. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * Starts `node [nodeArgs] cli.js [args]` with stdout and stderr collected together. The caller
 * kills it (SIGKILL in a `finally` or `afterEach`).
 *
 * @example
 * const proxy = startCli(['proxy', '--config', file]);
 * const url = await eventually(() => /"url":"(http:[^"]+)"/.exec(proxy.output())?.[1]);
 */
export function startCli(
  args: readonly string[],
  options: { readonly nodeArgs?: readonly string[]; readonly env?: NodeJS.ProcessEnv } = {},
): CliProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/**
 * Starts `llmtrace proxy` for a test of the process itself (its settings, what it logs at start):
 * in-memory storage, JSON logs, any free port, and an upstream nobody answers on. Its config file
 * goes in `dir`.
 *
 * @example
 * const proxy = startBareProxy(dir, { nodeArgs: ['--trace-gc'] });
 */
export function startBareProxy(
  dir: string,
  options: { readonly nodeArgs?: readonly string[]; readonly env?: NodeJS.ProcessEnv } = {},
): CliProcess {
  const file = join(dir, 'proxy.yaml');
  writeFileSync(
    file,
    'upstream_url: http://127.0.0.1:9\nlisten:\n  port: 0\nstorage:\n  profile: memory\nlogging:\n  format: json\n',
  );
  return startCli(['proxy', '--config', file], options);
}
