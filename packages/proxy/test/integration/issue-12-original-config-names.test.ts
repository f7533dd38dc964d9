import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, startCli } from '../support/cli-process.js';
import { eventually, send } from '../support/harness.js';

// Issue 12, item 4: configs and container environments written for the original LLMTrace keep
// working, each old name with a warning that names the new one; `validate` suggests the closest key.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmtrace-names-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
}

/** A port that was free a moment ago (the old variable takes an explicit host:port). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe("issue 12: the original's config and env names", () => {
  it('validate reads the old keys, warning with file:line:col and the new key', () => {
    const file = join(dir, 'old.yaml');
    writeFileSync(
      file,
      [
        'listen_addr: 0.0.0.0:8080',
        'storage:',
        '  database_path: ./old.db',
        'logging:',
        '  format: text',
        '',
      ].join('\n'),
    );
    const result = run(['validate', '--config', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('is valid');
    expect(result.stderr).toContain(`${file}:1:1 listen_addr: is an old name`);
    expect(result.stderr).toContain('listen.host=0.0.0.0 and listen.port=8080');
    expect(result.stderr).toContain(`${file}:3:3 storage.database_path: is an old name`);
    expect(result.stderr).toContain('rename it to storage.path');
    expect(result.stderr).toContain(`${file}:5:3 logging.format: text is an old value`);
  });

  it('validate suggests the closest known key for an unknown one', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'storage:\n  pathh: ./x.db\nport: 9000\nsecurity:\n  mdoe: flag\n');
    const result = run(['validate', '--config', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${file}:2:3 storage.pathh: unknown key "pathh" (did you mean storage.path?)`,
    );
    expect(result.stderr).toContain(
      `${file}:3:1 port: unknown key "port" (did you mean listen.port?)`,
    );
    expect(result.stderr).toContain(
      'security.mdoe: unknown key "mdoe" (did you mean security.mode?)',
    );
  });

  it('validate says which variant reads a key that the chosen one does not', () => {
    const file = join(dir, 'variant.yaml');
    writeFileSync(
      file,
      [
        'storage: { profile: memory, path: ./x.db }',
        'alerts:',
        '  enabled: true',
        '  channels:',
        '    - { type: webhook, url: "http://127.0.0.1:9/h", routing_key: abc }',
        '',
      ].join('\n'),
    );
    const result = run(['validate', '--config', file]);
    expect(result.status).toBe(1);
    // Not "did you mean storage.path?" for storage.path itself.
    expect(result.stderr).not.toContain('did you mean');
    expect(result.stderr).toContain(
      'storage.path: unknown key "path": it is read only when storage.profile is lite',
    );
    expect(result.stderr).toContain(
      'alerts.channels[0].routing_key: unknown key "routing_key": it is read only when alerts.channels[0].type is pagerduty',
    );
    // Set through the environment, the picking field is named as a variable too.
    const ok = join(dir, 'empty.yaml');
    writeFileSync(ok, 'listen:\n  port: 0\n');
    const fromEnv = run(['validate', '--config', ok], {
      LLMTRACE_STORAGE__PROFILE: 'memory',
      LLMTRACE_STORAGE__PATH: './x.db',
    });
    expect(fromEnv.status).toBe(1);
    expect(fromEnv.stderr).toContain('it is read only when LLMTRACE_STORAGE__PROFILE is lite');
  });

  it('reports an LLMTRACE_* variable that sets nothing, with the closest real one', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'listen:\n  port: 0\n');
    const result = run(['validate', '--config', file], {
      LLMTRACE_LISTEN_PORT: '9000',
      LLMTRACE_LOGGING__LEVLE: 'debug',
    });
    expect(result.stderr).toContain(
      '(env) LLMTRACE_LISTEN_PORT: is not a setting: it changes nothing',
    );
    expect(result.stderr).toContain('did you mean LLMTRACE_LISTEN__PORT?');
    // A misspelt level below a real section is an error, spelled as a variable.
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(did you mean LLMTRACE_LOGGING__LEVEL?)');
  });

  it('LLMTRACE_CONFIG names the file when --config is absent, and is reported as ignored beside it', () => {
    const file = join(dir, 'named.yaml');
    writeFileSync(file, 'listen:\n  port: 0\n');
    const named = run(['validate'], { LLMTRACE_CONFIG: file });
    expect(named.status).toBe(0);
    expect(named.stdout).toContain(`${file} is valid`);
    expect(named.stderr).toContain(`LLMTRACE_CONFIG: is an old name, read as --config ${file}`);
    const other = join(dir, 'other.yaml');
    writeFileSync(other, '{}\n');
    const both = run(['validate', '--config', other], { LLMTRACE_CONFIG: file });
    expect(both.stdout).toContain(`${other} is valid`);
    expect(both.stderr).toContain(`LLMTRACE_CONFIG: is ignored: --config ${other} is given`);
  });

  it('a container started with the old variables listens where they say and stores where they say', async () => {
    const port = await freePort();
    const db = join(dir, 'data', 'llmtrace.db');
    const file = join(dir, 'container.yaml');
    writeFileSync(file, 'logging:\n  format: json\n');
    const { child, output, exited } = startCli(['proxy'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        LLMTRACE_CONFIG: file,
        LLMTRACE_LISTEN_ADDR: `127.0.0.1:${port}`,
        LLMTRACE_STORAGE_DATABASE_PATH: db,
      },
    });
    try {
      await eventually(
        () => (output().includes('LLMTrace is listening') ? true : undefined),
        15_000,
      );
      const health = await send(`http://127.0.0.1:${port}`, { method: 'GET', path: '/health' });
      expect(health.status).toBe(200);
      expect(existsSync(db)).toBe(true);
      expect(output()).toContain('LLMTRACE_CONFIG: is an old name, read as --config');
      expect(output()).toContain(
        'LLMTRACE_LISTEN_ADDR: is an old name, read as LLMTRACE_LISTEN__HOST=127.0.0.1',
      );
      expect(output()).toContain('LLMTRACE_STORAGE_DATABASE_PATH: is an old name');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
