// How many traces `kill -9` loses (issue 14, item 10): runs the built proxy (lite profile, SQLite)
// against an in-process mock upstream, sends steady load, SIGKILLs the proxy mid-load, restarts it
// on the same file and compares the responses the clients got with the traces stored.
// Prints numbers only; asserts nothing (DESIGN.md "Testing").
//
//   npx tsc -b && node scripts/bench-kill9.mjs [--runs 3] [--seconds 3] [--concurrency 16]
//     [--flush-ms 200]
//
// "lost" counts requests whose 200 reached the client before the kill but whose trace is not stored
// after the restart; "window" is lost ÷ the completed-request rate, i.e. how many milliseconds of
// traffic a crash costs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    'flush-ms': { type: 'string', default: '200' },
  },
});
const CLI = new URL('../packages/proxy/dist/cli.js', import.meta.url).pathname;
const ANSWER = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
});
const BODY = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello!' }] });

function post(port, path, body) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', agent: false },
      (res) => {
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts) }));
        res.on('error', () => resolve({ status: 0 }));
      },
    );
    req.on('error', () => resolve({ status: 0 }));
    req.setHeader('content-type', 'application/json');
    req.end(body);
  });
}

async function startProxy(configPath, port) {
  const child = spawn(process.execPath, [CLI, 'proxy', '--config', configPath], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    const r = await post(port, '/health');
    if (r.status === 200) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('proxy did not start');
}

async function storedTraces(port) {
  const r = await post(port, '/api/v1/traces?limit=1');
  return JSON.parse(r.body.toString()).total;
}

const upstream = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(ANSWER);
  });
});
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamPort = upstream.address().port;
console.log(
  `machine: ${cpus().length} CPUs, node ${process.version}; load ${values.concurrency} concurrent ` +
    `clients for ${values.seconds} s, then SIGKILL; capture.flush_interval_ms ${values['flush-ms']}`,
);
const results = [];
for (let run = 1; run <= Number(values.runs); run++) {
  const dir = mkdtempSync(join(tmpdir(), 'llmtrace-bench-kill9-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const configPath = join(dir, 'llmtrace.yaml');
  writeFileSync(
    configPath,
    [
      `upstream_url: http://127.0.0.1:${upstreamPort}`,
      `listen: { host: 127.0.0.1, port: ${port} }`,
      `storage: { profile: lite, path: ${join(dir, 'traces.db')} }`,
      `capture: { flush_interval_ms: ${values['flush-ms']} }`,
      'logging: { level: error, access_log: false }',
      '',
    ].join('\n'),
  );
  let child = await startProxy(configPath, port);
  let acked = 0;
  let killed = false;
  const started = performance.now();
  const client = async () => {
    while (!killed) {
      const r = await post(port, '/v1/chat/completions', BODY);
      if (r.status === 200 && !killed) acked += 1;
    }
  };
  const clients = Array.from({ length: Number(values.concurrency) }, client);
  await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
  killed = true;
  child.kill('SIGKILL');
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients);
  await new Promise((r) => child.once('exit', r));
  child = await startProxy(configPath, port);
  const stored = await storedTraces(port);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  const rate = acked / elapsed;
  const lost = Math.max(0, acked - stored);
  results.push({ acked, stored, lost, rate });
  console.log(
    `run ${run}: ${acked} answered (${Math.round(rate)} req/s), ${stored} stored after restart, ` +
      `${lost} lost = ${((100 * lost) / acked).toFixed(2)} % ≈ ${Math.round((1000 * lost) / rate)} ms of traffic`,
  );
}
upstream.close();
const worst = results.reduce((a, b) => (b.lost / b.rate > a.lost / a.rate ? b : a));
console.log(`worst window: ${Math.round((1000 * worst.lost) / worst.rate)} ms of traffic`);
