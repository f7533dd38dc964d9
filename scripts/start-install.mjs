#!/usr/bin/env node
// The install step of `npm start`. It installs the workspace from package-lock.json when nothing is
// installed yet or a manifest changed since the last install, and does nothing otherwise, so a
// second `npm start` starts at once. The one large package the project uses, chdb's embedded
// ClickHouse (~540 MB), is not part of the workspace: it lives in tools/chdb and only the ClickHouse
// tests and benchmarks install it. (An earlier version used `--omit=optional` to leave chdb out;
// that also dropped the native bindings of the dashboard's build tools, which npm lists as optional.)
//
// Only Node built-ins: nothing is installed yet on a first run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// npm's hidden lock file, written by every install that changes the tree.
const installed = join(root, 'node_modules', '.package-lock.json');

function manifests() {
  const files = [join(root, 'package.json'), join(root, 'package-lock.json')];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json');
    if (existsSync(file)) files.push(file);
  }
  return files;
}

function install() {
  const args = ['install', '--no-audit', '--no-fund'];
  process.stdout.write(`llmtrace: npm ${args.join(' ')}\n`);
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // An install that changed nothing leaves the hidden lock file as it was; date it now so the next
  // start does not install again for the same manifests.
  const now = new Date();
  if (existsSync(installed)) utimesSync(installed, now, now);
}

const stale =
  !existsSync(installed) ||
  manifests().some((file) => statSync(file).mtimeMs > statSync(installed).mtimeMs);
if (stale) install();
