#!/usr/bin/env node
// Telemetry benchmark (issue 17): proxy CPU per request and latency with Prometheus metrics and
// OTLP export on vs off, in one run. It prints numbers and asserts nothing.
//
//   npm run build && node scripts/bench-telemetry.mjs [--requests 8000] [--rounds 3] [--concurrency 8]
//   (`--rounds 0`: only the in-process per-span costs)
//
// Each round starts the built proxy (`packages/proxy/dist/cli.js proxy`) once per variant, in
// alternating order, against a mock OpenAI upstream and a local OTLP/HTTP receiver that live in
// this process:
//   off     — metrics.enabled: false, no telemetry.otlp
//   metrics — /metrics served and scraped once a second (a busy Prometheus), no export
//   on      — metrics as above, and every span exported as OTLP/protobuf to the receiver
// Both run as shipped otherwise: lite profile (SQLite in a temp dir), capture, security analysis
// (observe) and cost on. The proxy's CPU is read from /proc/<pid>/stat (user + system, every thread
// of the process, so the SQLite writer thread and the exporter count too) around a closed-loop run
// of `--requests` chat completions at `--concurrency` connections, after a warm-up.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '8000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1500' },
  },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_764_000_000,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Paris is sunny today, 21 °C.' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 52, completion_tokens: 9, total_tokens: 61 },
});
const REQUEST = JSON.stringify({
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'You are a helpful weather assistant. Answer briefly.' },
    { role: 'user', content: 'What is the weather like in Paris today? '.repeat(20) },
  ],
});

async function listen(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

const upstream = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(ANSWER),
    });
    res.end(ANSWER);
  });
});
const upstreamPort = await listen(upstream);

let exportRequests = 0;
let exportBytes = 0;
const receiver = createServer((req, res) => {
  req.on('data', (c) => (exportBytes += c.length));
  req.on('end', () => {
    exportRequests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
const receiverPort = await listen(receiver);

function cpuTicks(pid) {
  // Fields after the command name: utime and stime are the 14th and 15th of the whole line.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

async function waitForHealth(url) {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('proxy did not start');
}

async function drained(url) {
  for (let i = 0; i < 600; i++) {
    const health = await (await fetch(`${url}/health`)).json();
    const otlp = health.telemetry?.otlp;
    if (health.capture.queueDepth === 0 && (otlp === undefined || otlp.queueDepth === 0)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('capture did not drain');
}

async function load(pool, count, concurrency, latencies) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const t0 = performance.now();
      const res = await pool.request({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
        body: REQUEST,
      });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      latencies?.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runVariant(variant) {
  const dir = mkdtempSync(join(tmpdir(), 'llmtrace-bench-tele-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const config = [
    `upstream_url: http://127.0.0.1:${upstreamPort}`,
    `listen: { host: 127.0.0.1, port: ${port} }`,
    `storage: { profile: lite, path: ${join(dir, 'bench.db')} }`,
    'logging: { level: warn, format: json }',
    variant === 'off' ? 'metrics: { enabled: false }' : 'metrics: { enabled: true }',
    variant === 'on'
      ? `telemetry:\n  otlp: { endpoint: http://127.0.0.1:${receiverPort}/v1/traces }`
      : '',
  ].join('\n');
  writeFileSync(join(dir, 'config.yaml'), config);
  const child = spawn(
    process.execPath,
    [join(root, 'packages/proxy/dist/cli.js'), 'proxy', '--config', join(dir, 'config.yaml')],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url);
  const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });
  let scraper;
  try {
    await load(pool, WARMUP, CONCURRENCY);
    if (variant !== 'off') {
      scraper = setInterval(() => {
        fetch(`${url}/metrics`)
          .then((r) => r.arrayBuffer())
          .catch(() => {});
      }, 1000);
    }
    const cpu0 = cpuTicks(child.pid);
    const t0 = performance.now();
    await load(pool, REQUESTS, CONCURRENCY);
    const seconds = (performance.now() - t0) / 1000;
    // Capture (span building, analysis, storage) and export run behind the responses: wait until
    // both queues are empty, so the CPU they spend on this run's requests is counted.
    await drained(url);
    const cpu1 = cpuTicks(child.pid);
    clearInterval(scraper);
    // Sequential latency after the throughput run (capture of that run has drained by then).
    await new Promise((r) => setTimeout(r, 500));
    const latencies = [];
    await load(pool, 1000, 1, latencies);
    latencies.sort((a, b) => a - b);
    let scraped = '';
    if (variant !== 'off') scraped = await (await fetch(`${url}/metrics`)).text();
    return {
      cpuUsPerRequest: (((cpu1 - cpu0) / TICKS_PER_SECOND) * 1e6) / REQUESTS,
      rps: REQUESTS / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      requestsCounted: /llmtrace_requests_total\{[^}]*status_class="2xx"\} (\d+)/.exec(
        scraped,
      )?.[1],
      exported: /llmtrace_otlp_spans_total\{outcome="exported"\} (\d+)/.exec(scraped)?.[1],
    };
  } finally {
    clearInterval(scraper);
    await pool.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

// Per-span cost in this process, without the noise of a whole proxy: the metrics update of one
// captured span, and one span's share of OTLP export (conversion to GenAI spans, protobuf encoding,
// the HTTP request to the receiver — whose own handling runs in this process too and is included).
const SAMPLE_SPAN = {
  spanId: '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e',
  traceId: '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e',
  parentSpanId: null,
  tenantId: 'default',
  agentId: null,
  operationName: 'chat_completion',
  startTime: new Date().toISOString(),
  endTime: new Date().toISOString(),
  durationMs: 12.5,
  provider: 'openai',
  model: 'gpt-4o-2024-08-06',
  prompt: 'x'.repeat(900),
  response: 'Paris is sunny today, 21 °C.',
  promptTokens: 52,
  completionTokens: 9,
  totalTokens: 61,
  tokensEstimated: false,
  timeToFirstTokenMs: null,
  statusCode: 200,
  errorMessage: null,
  securityScore: 0,
  securityFindings: [],
  estimatedCostUsd: 0.0002,
  tags: { finish_reason: 'stop' },
  agentActions: [],
  events: [],
};
{
  const dist = join(root, 'packages/proxy/dist/telemetry');
  const { ProxyMetrics } = await import(join(dist, 'proxy-metrics.js'));
  const { createOtlpSpanExport } = await import(join(dist, 'otlp-span-export.js'));
  const { pino } = await import('pino');
  const cpuUs = (fn) => async () => {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  const metrics = new ProxyMetrics({ version: '0', tenantLabel: false, maxLabelSets: 100 });
  const METRIC_SPANS = 200_000;
  const metricsRun = cpuUs(() => {
    for (let i = 0; i < METRIC_SPANS; i++) metrics.spanFinished(SAMPLE_SPAN, 0.05);
  });
  const EXPORT_SPANS = 20_000;
  const exportRun = cpuUs(async () => {
    const otlp = await createOtlpSpanExport(
      {
        endpoint: `http://127.0.0.1:${receiverPort}/v1/traces`,
        protocol: 'http/protobuf',
        headers: {},
        timeoutMs: 10_000,
      },
      {
        serviceName: 'bench',
        version: '0',
        captureContent: false,
        queueSize: EXPORT_SPANS,
        batchSize: 512,
        flushIntervalMs: 1000,
        logger: pino({ level: 'silent' }),
      },
    );
    for (let i = 0; i < EXPORT_SPANS; i++) otlp.add(SAMPLE_SPAN, { requestModel: 'gpt-4o' });
    await otlp.flush();
    if (otlp.stats().exported !== EXPORT_SPANS) throw new Error('export incomplete');
    await otlp.close();
  });
  await metricsRun();
  await exportRun(); // warm-up
  const m = [];
  const e = [];
  for (let i = 0; i < 3; i++) {
    m.push((await metricsRun()) / METRIC_SPANS);
    e.push((await exportRun()) / EXPORT_SPANS);
  }
  console.log(
    `per span, in process (median of 3): metrics update ${median(m).toFixed(2)} µs CPU, OTLP export ${median(e).toFixed(2)} µs CPU`,
  );
}

const VARIANTS = ['off', 'metrics', 'on'];
const results = { off: [], metrics: [], on: [] };
console.log(
  `telemetry benchmark: ${ROUNDS} rounds × {${VARIANTS.join(', ')}}, ${REQUESTS} requests at c=${CONCURRENCY} (+${WARMUP} warm-up), Node ${process.version}`,
);
for (let round = 0; round < ROUNDS; round++) {
  // Rotated each round, so a drift in machine load does not always hit the same variant.
  const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
  for (const variant of order) {
    const r = await runVariant(variant);
    results[variant].push(r);
    console.log(
      `round ${round + 1} ${variant.padEnd(7)}: ${r.cpuUsPerRequest.toFixed(0)} µs CPU/req, ${r.rps.toFixed(0)} req/s, sequential p50 ${r.p50.toFixed(3)} ms p99 ${r.p99.toFixed(3)} ms` +
        (variant !== 'off'
          ? ` (metrics counted ${r.requestsCounted} ok requests, ${r.exported} spans exported)`
          : ''),
    );
  }
}
const delta = (v, base, digits) =>
  `${v - base >= 0 ? '+' : ''}${(v - base).toFixed(digits)} (${(((v - base) / base) * 100).toFixed(1)} %)`;
if (ROUNDS > 0) {
  console.log(
    '\nmedians                 off    metrics         on   metrics vs off        on vs off',
  );
  for (const [label, key, digits] of [
    ['CPU µs/request', 'cpuUsPerRequest', 0],
    ['req/s (c=' + CONCURRENCY + ')', 'rps', 0],
    ['sequential p50 ms', 'p50', 3],
    ['sequential p99 ms', 'p99', 3],
  ]) {
    const [off, metrics, on] = VARIANTS.map((v) => median(results[v].map((r) => r[key])));
    console.log(
      `${label.padEnd(18)} ${off.toFixed(digits).padStart(9)} ${metrics.toFixed(digits).padStart(10)} ${on.toFixed(digits).padStart(10)}   ${delta(metrics, off, digits).padEnd(18)} ${delta(on, off, digits)}`,
    );
  }
}
console.log(
  `OTLP receiver: ${exportRequests} export requests, ${(exportBytes / 1024).toFixed(0)} KiB`,
);
upstream.close();
receiver.close();
