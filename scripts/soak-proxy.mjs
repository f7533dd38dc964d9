#!/usr/bin/env node
// Soak test of the built proxy (issue 13): a steady open-loop load through LLMTrace — capture,
// SQLite storage and analysis on — against a local mock upstream, printing the proxy's RSS, heap and
// event-loop p99 every interval and a final verdict line. Asserts nothing in CI; run it by hand:
//   npm run build && node scripts/soak-proxy.mjs                       # 10 minutes at 500 req/s
//   node scripts/soak-proxy.mjs --duration 120 --rate 300 --every 30   # shorter
//   node scripts/soak-proxy.mjs --heap-snapshot                        # also write a heap snapshot at the end
// Flags: --duration <s> (600), --rate <req/s> (500), --every <s> (60), --stream <share 0..1> (0.25),
// --rss-limit <MB> (150), --workers <n|auto> (capture.workers, auto), --cpus <list> (pin the proxy
// with taskset, e.g. 0 — the layout of the side-by-side harness, where it shares one CPU), --heap-snapshot,
// --node-args '<flags>' (node/V8 flags for the proxy's process, for A/B runs), --glibc-tunables
// '<value>' (the proxy's GLIBC_TUNABLES: by default what `npm start` and the Docker image set, '' for
// glibc's own malloc rules), --no-stream-usage
// (streams end without a usage chunk, as OpenAI's do unless the client asks for one: the proxy
// then counts the tokens itself).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MALLOC_TUNABLES } from '../packages/core/dist/runtime/index.js';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    rate: { type: 'string', default: '500' },
    every: { type: 'string', default: '60' },
    stream: { type: 'string', default: '0.25' },
    'rss-limit': { type: 'string', default: '150' },
    workers: { type: 'string', default: 'auto' },
    cpus: { type: 'string' },
    'heap-snapshot': { type: 'boolean', default: false },
    'node-args': { type: 'string', default: '' },
    'glibc-tunables': { type: 'string', default: MALLOC_TUNABLES },
    'no-stream-usage': { type: 'boolean', default: false },
  },
});
const durationS = Number(flags.duration);
const rate = Number(flags.rate);
const everyS = Number(flags.every);
const streamShare = Number(flags.stream);
const rssLimitMb = Number(flags['rss-limit']);
for (const [name, value] of Object.entries({ durationS, rate, everyS, rssLimitMb })) {
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`soak-proxy: --${name} must be a positive number`);
    process.exit(2);
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/proxy/dist/cli.js');

// ── mock upstream: a chat completion, or the same answer streamed as 23 SSE events ─────────────
const ANSWER = JSON.stringify({
  id: 'chatcmpl-soak',
  object: 'chat.completion',
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'The quick brown fox jumps over the lazy dog.' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 24, completion_tokens: 11, total_tokens: 35 },
});
const words =
  'The quick brown fox jumps over the lazy dog and runs far away into the woods now'.split(' ');
const FRAMES = [
  ...words.map(
    (w, i) =>
      `data: ${JSON.stringify({ id: 'c', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: (i === 0 ? '' : ' ') + w } }] })}\n\n`,
  ),
  `data: ${JSON.stringify({ id: 'c', model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...(flags['no-stream-usage'] ? {} : { usage: { prompt_tokens: 24, completion_tokens: words.length, total_tokens: 24 + words.length } }) })}\n\n`,
  'data: [DONE]\n\n',
];
const upstream = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const body = Buffer.concat(parts).toString();
    if (body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const frame of FRAMES) res.write(frame);
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(ANSWER);
    }
  });
});
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${upstream.address().port}`;

// ── the proxy, as users run it ───────────────────────────────────────────────────────────────────
const dir = mkdtempSync(join(tmpdir(), 'llmtrace-soak-'));
// A port the system says is free right now.
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
writeFileSync(
  join(dir, 'soak.yaml'),
  [
    `upstream_url: ${upstreamUrl}`,
    `listen: { host: 127.0.0.1, port: ${port} }`,
    `storage: { profile: lite, path: ${join(dir, 'soak.db')} }`,
    `capture: { workers: ${flags.workers === 'auto' ? 'auto' : Number(flags.workers)} }`,
    'logging: { level: warn, format: json }',
    '',
  ].join('\n'),
);
const proxyArgs = [
  '--heapsnapshot-signal=SIGUSR2',
  ...flags['node-args'].split(' ').filter((arg) => arg !== ''),
  cli,
  'proxy',
  '--config',
  join(dir, 'soak.yaml'),
];
const proxyEnv = { ...process.env, GLIBC_TUNABLES: flags['glibc-tunables'] };
if (flags['glibc-tunables'] === '') delete proxyEnv.GLIBC_TUNABLES;
const spawnOptions = { cwd: dir, env: proxyEnv, stdio: ['ignore', 'inherit', 'inherit'] };
const proxy =
  flags.cpus === undefined
    ? spawn(process.execPath, proxyArgs, spawnOptions)
    : spawn('taskset', ['-c', flags.cpus, process.execPath, ...proxyArgs], spawnOptions);
let stopping = false;
proxy.once('exit', (code) => {
  if (!stopping) {
    console.error(`soak-proxy: the proxy exited early (${code})`);
    process.exit(1);
  }
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    await fetch(`${base}/health`);
    break;
  } catch {
    if (i > 200) throw new Error('the proxy did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Proxy process figures from its own /metrics (prom-client default metrics; lag is per scrape). */
async function scrape() {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const dropped = text
    .split('\n')
    .filter((l) => l.startsWith('llmtrace_traces_dropped_total'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return {
    rssMb: rssOf(proxy.pid) ?? value('process_resident_memory_bytes') / 2 ** 20,
    heapMb: value('nodejs_heap_size_used_bytes') / 2 ** 20,
    lagP99Ms: value('nodejs_eventloop_lag_p99_seconds') * 1000,
    cpuS: value('process_cpu_seconds_total'),
    dropped,
  };
}

/** Resident set of a process in MB, from /proc (Linux), else undefined. */
function rssOf(pid) {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

// ── open-loop load: `rate` requests per second, whatever the answers' speed ────────────────────
const agent = new Agent({ keepAlive: true, maxSockets: 128 });
const plain = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short about foxes, please.' }],
});
const streamed = JSON.stringify({
  model: 'gpt-4o-mini',
  stream: true,
  messages: [{ role: 'user', content: 'Say something short about foxes, please.' }],
});
let latencies = [];
let sent = 0;
let failed = 0;
let inFlight = 0;
function fire(i) {
  const body = (i % 100) / 100 < streamShare ? streamed : plain;
  const t0 = performance.now();
  inFlight++;
  const req = request(
    `${base}/v1/chat/completions`,
    { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
    (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        inFlight--;
        if (res.statusCode === 200) latencies.push(performance.now() - t0);
        else failed++;
      });
    },
  );
  req.on('error', () => {
    inFlight--;
    failed++;
  });
  req.end(body);
  sent++;
}

const percentile = (sorted, p) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const rows = [];
const started = performance.now();
const startCpu = (await scrape()).cpuS;
console.log(
  `soak: ${rate} req/s for ${durationS} s (${Math.round(streamShare * 100)}% streamed${flags['no-stream-usage'] ? ', without usage' : ''}), capture.workers=${flags.workers}, GLIBC_TUNABLES=${flags['glibc-tunables'] || '(unset)'}, proxy pid ${proxy.pid}`,
);
console.log('  t(s)   sent  failed  lat p50  lat p99  loop p99   heap MB   RSS MB  dropped');
const TICK_MS = 10;
let due = 0;
const load = setInterval(() => {
  const elapsedS = (performance.now() - started) / 1000;
  const target = Math.floor(elapsedS * rate);
  // Never more than one second of backlog in flight, so a stalled proxy does not grow this process.
  while (due < target && inFlight < rate) fire(due++);
  due = Math.max(due, target);
}, TICK_MS);

await new Promise((resolve) => {
  const report = setInterval(async () => {
    const t = (performance.now() - started) / 1000;
    const sorted = latencies.sort((a, b) => a - b);
    latencies = [];
    const m = await scrape();
    const row = { t, ...m, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
    rows.push(row);
    console.log(
      `${t.toFixed(0).padStart(6)} ${String(sent).padStart(6)} ${String(failed).padStart(7)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${m.lagP99Ms.toFixed(2).padStart(9)} ${m.heapMb.toFixed(1).padStart(9)} ${m.rssMb.toFixed(1).padStart(8)} ${String(m.dropped).padStart(8)}`,
    );
    if (t >= durationS - 0.5) {
      clearInterval(report);
      resolve();
    }
  }, everyS * 1000);
});
clearInterval(load);
await new Promise((r) => setTimeout(r, 1000));
const end = await scrape();
if (flags['heap-snapshot']) {
  proxy.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 5000));
  const snap = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
  console.log(`heap snapshot: ${snap === undefined ? 'not written' : join(dir, snap)}`);
}
stopping = true;
const exited = new Promise((r) => proxy.once('exit', r));
proxy.kill('SIGTERM');
await exited;
upstream.close();
agent.destroy();

const cpuPerRequestUs = ((end.cpuS - startCpu) / Math.max(1, sent)) * 1e6;
const rss = rows.map((r) => r.rssMb);
// Flat: the last interval's RSS within 10% (or 15 MB) of the second interval's (the first warms up).
const settled = rss[Math.min(1, rss.length - 1)];
const growth = rss.at(-1) - settled;
const flat = growth <= Math.max(15, settled * 0.1);
const pass = flat && Math.max(...rss) <= rssLimitMb && failed === 0;
console.log(
  `verdict: ${pass ? 'PASS' : 'FAIL'} — RSS max ${Math.max(...rss).toFixed(1)} MB (limit ${rssLimitMb}), growth after warm-up ${growth.toFixed(1)} MB (${flat ? 'flat' : 'growing'}), ${sent} sent, ${failed} failed, ${end.dropped} traces dropped, proxy CPU ${cpuPerRequestUs.toFixed(0)} µs/request`,
);
if (!flags['heap-snapshot']) rmSync(dir, { recursive: true, force: true });
process.exit(pass ? 0 : 1);
