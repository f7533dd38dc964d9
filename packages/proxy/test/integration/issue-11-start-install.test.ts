import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// Issue 11, item 6: `npm start` never downloads the 540 MB embedded ClickHouse that only tests use
// — it is not in the workspace at all (tools/chdb) — and installs everything else, optional native
// bindings included (the dashboard's build tools need theirs: an `--omit=optional` install broke
// `npm start` on a fresh clone). The install step runs here against a stand-in `npm` that records
// its arguments.

const REPO = resolve(import.meta.dirname, '../../../..');
const SCRIPT = join(REPO, 'scripts/start-install.mjs');

let root: string;
let log: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'llmtrace-start-install-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(SCRIPT, join(root, 'scripts/start-install.mjs'));
  writeFileSync(join(root, 'package.json'), '{"name":"x","private":true}\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  mkdirSync(join(root, 'packages/core'), { recursive: true });
  writeFileSync(join(root, 'packages/core/package.json'), '{"name":"@x/core"}\n');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  log = join(root, 'npm.log');
  // The stand-in records its arguments and, like npm, leaves a hidden lock file behind.
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh\necho "$*" >> "${log}"\nmkdir -p node_modules && echo '{}' > node_modules/.package-lock.json\n`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function start(): string[] {
  const result = spawnSync(process.execPath, [join(root, 'scripts/start-install.mjs')], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: `${join(root, 'bin')}:${process.env['PATH'] ?? ''}` },
  });
  expect(result.status, result.stderr).toBe(0);
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

function age(file: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(root, file), when, when);
}

describe('issue 11: npm start installs without the test-only embedded ClickHouse', () => {
  it('a first run installs the whole lock file, optional native bindings included', () => {
    expect(start()).toEqual(['install --no-audit --no-fund']);
  });

  it('a current tree is not installed again', () => {
    start();
    expect(start()).toHaveLength(1);
  });

  it('a changed manifest installs again', () => {
    start();
    for (const f of ['package.json', 'package-lock.json', 'packages/core/package.json']) age(f, 60);
    age('node_modules/.package-lock.json', 30);
    writeFileSync(join(root, 'packages/core/package.json'), '{"name":"@x/core","version":"2"}\n');
    expect(start()).toEqual(['install --no-audit --no-fund', 'install --no-audit --no-fund']);
  });

  it('the workspace lock file holds no chdb: only tools/chdb (tests, benchmarks) installs it', () => {
    const lock = readFileSync(join(REPO, 'package-lock.json'), 'utf8');
    expect(lock).not.toMatch(/chdb/);
    const tools = JSON.parse(readFileSync(join(REPO, 'tools/chdb/package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    expect(tools.packages['node_modules/chdb']?.version).toBe('3.4.0');
  });
});

describe('issue 11: every locked package supports the Node.js the README names', () => {
  it('no package in package-lock.json requires a newer Node than engines.node allows (EBADENGINE)', () => {
    const { satisfies, minVersion } = createRequire(import.meta.url)('semver') as {
      satisfies: (version: string, range: string) => boolean;
      minVersion: (range: string) => { version: string } | null;
    };
    const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    const oldest = minVersion(root.engines.node)?.version;
    expect(oldest).toBe('20.19.0');
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
    };
    const refused = Object.entries(lock.packages)
      .filter(([path, pkg]) => {
        const node = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
        return path !== '' && node !== undefined && !satisfies(oldest ?? '', node);
      })
      .map(([path, pkg]) => `${path} (${JSON.stringify(pkg.engines)})`);
    expect(refused).toEqual([]);
  });
});
