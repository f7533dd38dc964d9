#!/usr/bin/env node
// `npm run bench`: runs every benchmark and prints numbers (it asserts nothing).
//   storage  — scripts/bench-storage.mjs (SQLite ingest and query latency)
//   security — scripts/bench-security.mjs (analyses/s, p50/p99)
//   proxy    — scripts/bench-proxy.sh (the shared side-by-side harness: direct vs LLMTrace, and nginx /
//              Portkey when available)
// Pick some with arguments: `npm run bench -- proxy`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const all = ['storage', 'security', 'proxy'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
let failed = 0;
for (const name of wanted) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}" (choose from ${all.join(', ')})`);
    process.exit(2);
  }
  const script =
    name === 'proxy'
      ? join(root, 'scripts/bench-proxy.sh')
      : join(root, `scripts/bench-${name}.mjs`);
  if (!existsSync(script)) {
    console.error(`== ${name}: ${script} is missing`);
    failed++;
    continue;
  }
  console.log(`\n== ${name} benchmark`);
  const cmd = name === 'proxy' ? ['bash', [script]] : [process.execPath, [script]];
  const result = spawnSync(cmd[0], cmd[1], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
