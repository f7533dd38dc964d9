#!/usr/bin/env node
// The install step of `npm start` (issue 11, item 6). A first run installs without optional
// dependencies: the only large one is chdb's embedded ClickHouse (~540 MB), which only the storage
// tests use; every optional package in package-lock.json is a dev-only platform binary. CI and
// development install everything with `npm ci` (README "Development"), and this script never prunes
// such a tree: `npm install --omit=optional` would delete what `npm ci` put there.
//
// Decision, using only Node built-ins (nothing is installed yet on a first run):
//   no node_modules                       -> npm install --omit=optional, and mark the tree as ours
//   node_modules newer than the manifests -> nothing to install
//   otherwise (a manifest changed)        -> npm install, --omit=optional only if the tree is ours
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// npm's hidden lock file, written by every install that changes the tree.
const installed = join(root, 'node_modules', '.package-lock.json');
// Our marker: this tree was installed by `npm start`, without optional dependencies.
const marker = join(root, 'node_modules', '.llmtrace-start-install');

function manifests() {
  const files = [join(root, 'package.json'), join(root, 'package-lock.json')];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json');
    if (existsSync(file)) files.push(file);
  }
  return files;
}

function install(omitOptional) {
  const args = ['install', '--no-audit', '--no-fund', ...(omitOptional ? ['--omit=optional'] : [])];
  process.stdout.write(`llmtrace: npm ${args.join(' ')}\n`);
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  if (omitOptional) writeFileSync(marker, 'installed by npm start without optional dependencies\n');
  // An install that changed nothing leaves the hidden lock file as it was; date it now so the next
  // start does not install again for the same manifests.
  const now = new Date();
  if (existsSync(installed)) utimesSync(installed, now, now);
}

if (!existsSync(installed)) {
  install(true);
} else {
  const installedAt = statSync(installed).mtimeMs;
  const stale = manifests().some((file) => statSync(file).mtimeMs > installedAt);
  if (stale) install(existsSync(marker));
}
