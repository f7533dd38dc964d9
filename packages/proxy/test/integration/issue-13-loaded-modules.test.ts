// Issue 13, twelfth pass: what the running proxy keeps loaded is resident memory (module sources
// and their compiled code stay in the heap for the life of the process). Fastify's JSON-schema
// compilers (ajv, fast-json-stringify) were loaded at start and never used: the API validates with
// zod; undici's index (fetch, WebSocket, cache) was loaded for its Agent. This starts the built CLI
// with a probe that lists the CommonJS modules loaded, after the API has answered and a request
// was forwarded, and checks they are not among them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../support/cli-process.js';
import { CHAT_REQUEST, eventually, send } from '../support/harness.js';

/** Prints the paths in node's CommonJS module cache on SIGUSR2, one JSON line. */
const PROBE = `data:text/javascript,${encodeURIComponent(
  "import { createRequire } from 'node:module';" +
    "process.on('SIGUSR2', () => process.stdout.write('LOADED ' + JSON.stringify(Object.keys(createRequire(process.cwd() + '/').cache)) + '\\n'));",
)}`;

let dir: string;
let running: CliProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmtrace-loaded-modules-'));
});
afterEach(() => {
  running?.child.kill('SIGKILL');
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the running proxy', () => {
  it('answers its API and forwards without loading fastify’s JSON-schema compilers or undici’s index', async () => {
    const config = join(dir, 'proxy.yaml');
    writeFileSync(
      config,
      `upstream_url: http://127.0.0.1:9\nlisten:\n  port: 0\nstorage:\n  profile: lite\n  path: ${join(dir, 'llmtrace.db')}\nlogging:\n  format: json\n`,
    );
    const proxy = startCli(['proxy', '--config', config], { nodeArgs: ['--import', PROBE] });
    running = proxy;
    const url = await eventually(() => /"url":"(http:[^"]+)"/.exec(proxy.output())?.[1], 15_000);

    // The API answers: a validated query (zod), a 404 and a bad request through fastify's handlers.
    const traces = await send(url, { method: 'GET', path: '/api/v1/traces?limit=5' });
    expect(traces.status).toBe(200);
    expect(JSON.parse(traces.body.toString())).toMatchObject({ items: [], total: 0 });
    const bad = await send(url, { method: 'GET', path: '/api/v1/traces?limit=-1' });
    expect(bad.status).toBe(400);
    const missing = await send(url, { method: 'GET', path: '/api/v1/no-such-route' });
    expect(missing.status).toBe(404);

    // A proxied call goes through the upstream pool (nothing listens on port 9: a 502).
    const forwarded = await send(url, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: CHAT_REQUEST,
    });
    expect(forwarded.status).toBe(502);

    proxy.child.kill('SIGUSR2');
    const line = await eventually(() => /^LOADED (.*)$/m.exec(proxy.output())?.[1], 10_000);
    const loaded = JSON.parse(line) as string[];
    // The probe sees the real cache: fastify itself is there.
    expect(loaded.some((path) => path.includes('/node_modules/fastify/'))).toBe(true);
    // Fastify's error serializer keeps two small files of fast-json-stringify; its compiler, ajv
    // and their helpers stay out.
    const compilers =
      /\/node_modules\/(ajv|ajv-formats|fast-uri|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\/|\/fast-json-stringify\/index\.js$/;
    expect(loaded.filter((path) => compilers.test(path))).toEqual([]);
    // The upstream pool is undici's Agent alone; the index (fetch, WebSocket, cache) is loaded only
    // by the first alert delivery.
    expect(loaded.some((path) => path.endsWith('/undici/lib/dispatcher/agent.js'))).toBe(true);
    expect(loaded.filter((path) => /\/undici\/(index\.js|lib\/web\/)/.test(path))).toEqual([]);
  }, 60_000);
});
