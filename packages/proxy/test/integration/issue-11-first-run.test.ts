import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { eventually, send } from '../support/harness.js';

// Issue 11, "Done when": the README's first-run path — clone, `npm start`, an SDK call, `curl
// …/api/v1/traces` — run on a copy of the repository with nothing beside it, so a file outside the
// repository (a sibling folder, an untracked file) or a step the README does not say breaks this test.

const REPO = resolve(import.meta.dirname, '../../../..');
const run = promisify(execFile);

let root: string;
let checkout: string;
let upstream: MockUpstream;
let child: ChildProcess | undefined;
let out = '';

/**
 * The curl commands of the README's first-run block (the `shell` block that reads traces back),
 * continuation lines joined.
 */
function firstRunCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```shell\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');
  const block = blocks.find((b) => b.includes('/api/v1/traces')) ?? '';
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('curl '));
}

/** The repository as a clone has it: git-tracked files only, in an otherwise empty folder. */
function copyTrackedFiles(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(REPO, f)));
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    // Timestamps are kept so that `npm start` sees the installed tree as current (see below).
    cpSync(join(REPO, file), join(to, file), { preserveTimestamps: true });
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'llmtrace-first-run-'));
  checkout = join(root, 'llmtrace');
  copyTrackedFiles(checkout);
  // The install step reuses this repository's installed packages as hard links (no network, no
  // minutes of compiling better-sqlite3); `npm start`'s own install step then finds the tree current.
  try {
    execFileSync('cp', ['-al', join(REPO, 'node_modules'), join(checkout, 'node_modules')]);
  } catch {
    // Another filesystem (hard links impossible): a full copy is slower but tests the same thing.
    rmSync(join(checkout, 'node_modules'), { recursive: true, force: true });
    execFileSync('cp', ['-a', join(REPO, 'node_modules'), join(checkout, 'node_modules')]);
  }
  upstream = await startMockUpstream();
}, 120_000);

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) {
    // npm start runs a shell that runs node: stop the whole group, gracefully.
    process.kill(-child.pid, 'SIGTERM');
    await new Promise<void>((r) => {
      const timer = setTimeout(() => {
        if (child?.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        r();
      }, 10_000);
      child?.once('exit', () => {
        clearTimeout(timer);
        r();
      });
    });
  }
  await upstream.close();
  rmSync(root, { recursive: true, force: true });
}, 30_000);

describe('issue 11: the README first run on a copy of the repository with nothing beside it', () => {
  it('npm start, an OpenAI-SDK-style call, and curl /api/v1/traces shows its trace', async () => {
    child = spawn('npm', ['start'], {
      cwd: checkout,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? root,
        // The README's override of single values; port 0 so parallel runs never collide.
        LLMTRACE_UPSTREAM_URL: upstream.url,
        LLMTRACE_LISTEN__PORT: '0',
      },
    });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));

    const url = await eventually(() => /"url":"(http:[^"]+)"/.exec(out)?.[1], 240_000).catch(
      (error: unknown) => {
        throw new Error(`npm start did not come up:\n${out}`, { cause: error });
      },
    );
    // The first screen says where to point clients and where everything is.
    expect(out).toContain(`OpenAI SDKs           base_url ${url}/v1`);
    expect(out).toContain(`SQLite file ${join(checkout, 'llmtrace.db')}`);
    expect(out).not.toContain('EBADENGINE');
    // npm start gives the proxy glibc's malloc setting (README, Memory), so the proxy has no hint.
    expect(out).not.toContain("glibc's malloc keeps freed memory");

    // What the official OpenAI SDKs send: bearer key, JSON body, their own headers.
    const response = await send(url, {
      path: '/v1/chat/completions',
      headers: {
        authorization: 'Bearer sk-first-run-test-key',
        'user-agent': 'OpenAI/JS 5.0.0',
        'x-stainless-lang': 'js',
        accept: 'application/json',
      },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello from the first run' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
    const traceId = response.headers['x-llmtrace-trace-id'];
    expect(typeof traceId).toBe('string');

    // Then the README's own commands, as written there (only the address is this run's): its curl
    // call, and its read-back, which must list both calls; traces are written off the request path.
    const [call, readBack, ...rest] = firstRunCommands(
      readFileSync(join(checkout, 'README.md'), 'utf8'),
    ).map((command) => command.replaceAll('http://127.0.0.1:8080', url));
    expect(rest).toEqual([]);
    expect(call).toContain('/v1/chat/completions');
    expect(readBack).toBe(`curl -s ${url}/api/v1/traces`);
    // Asynchronous: the mock upstream answers from this very process.
    const shell = async (command: string): Promise<string> =>
      (
        await run('bash', ['-c', command], {
          encoding: 'utf8',
          env: { PATH: process.env['PATH'] ?? '', OPENAI_API_KEY: 'sk-first-run-readme-key' },
        })
      ).stdout;
    expect(await shell(call ?? '')).toContain('chat.completion');
    const listed = await eventually(async () => {
      const body = await shell(readBack ?? '');
      const total = (JSON.parse(body) as { total?: number }).total;
      return total === 2 && body.includes(String(traceId)) ? body : undefined;
    }, 15_000).catch(async (error: unknown) => {
      throw new Error(`traces never listed; last answer: ${await shell(readBack ?? '')}`, {
        cause: error,
      });
    });
    expect(listed).toContain(String(traceId));
  }, 300_000);
});
