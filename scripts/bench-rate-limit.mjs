// Rate-limit benchmark (issue 19): cost of one atomic reservation of the four per-minute counters
// (tenant RPM + TPM, agent RPM + TPM) — what the admit step pays per request when every limit is
// on — on each cache backend. Prints numbers only; asserts nothing (DESIGN.md "Testing").
//
//   npx tsc -b packages/storage && node scripts/bench-rate-limit.mjs [--calls 5000] [--redis redis://127.0.0.1:6379]
//
// Sequential: one call at a time (latency). Concurrent: 50 in flight (throughput; on Redis the
// auto-pipelined scripts share writes).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createStorage } from '@llmtrace/storage';
import { RedisCacheLayer } from '@llmtrace/storage/redis';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const CALLS = Number(values.calls);

const entries = (i) => {
  const w = Math.floor(Date.now() / 60_000);
  const t = `t${i % 10}`;
  return [
    { key: `rl:r:${t}:${w}`, amount: 1, limit: 1e12, ttlSeconds: 180 },
    { key: `rl:t:${t}:${w}`, amount: 250, limit: 1e12, ttlSeconds: 180 },
    { key: `rl:r:${t}/agent:${w}`, amount: 1, limit: 1e12, ttlSeconds: 180 },
    { key: `rl:t:${t}/agent:${w}`, amount: 250, limit: 1e12, ttlSeconds: 180 },
  ];
};

async function run(label, cache) {
  for (let i = 0; i < 200; i++) await cache.reserveAll(entries(i)); // warm-up
  let cpu = process.cpuUsage();
  let t = performance.now();
  for (let i = 0; i < CALLS; i++) await cache.reserveAll(entries(i));
  let ms = performance.now() - t;
  let c = process.cpuUsage(cpu);
  console.log(
    `${label.padEnd(7)} sequential: ${((ms * 1000) / CALLS).toFixed(1)} µs/call wall, ${((c.user + c.system) / CALLS).toFixed(1)} µs/call CPU`,
  );
  cpu = process.cpuUsage();
  t = performance.now();
  for (let i = 0; i < CALLS; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => cache.reserveAll(entries(i + j))));
  }
  ms = performance.now() - t;
  c = process.cpuUsage(cpu);
  console.log(
    `${label.padEnd(7)} 50 in flight: ${Math.round(CALLS / (ms / 1000))} calls/s, ${((c.user + c.system) / CALLS).toFixed(1)} µs/call CPU`,
  );
}

console.log(
  `machine: ${cpus().length} CPUs, node ${process.version}, load avg ${loadavg()[0].toFixed(2)}`,
);
const memory = await createStorage({ profile: 'memory' });
await run('memory', memory.cache);
await memory.close();
const dir = mkdtempSync(join(tmpdir(), 'llmtrace-bench-rl-'));
try {
  const lite = await createStorage({ profile: 'lite', path: join(dir, 'bench.db') });
  await run('sqlite', lite.cache);
  await lite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const redis = await RedisCacheLayer.connect(values.redis, {
  keyPrefix: `llmtrace-bench-${randomUUID()}:`,
});
await run('redis', redis);
await redis.close();
