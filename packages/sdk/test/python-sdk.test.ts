import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSdkStack, type SdkStack } from './support/sdk-stack.js';

/*
 * Runs the Python SDK's pytest suite (python/tests) against the real proxy and the mock provider
 * started here, with the real `openai` and `anthropic` Python packages from python/.venv.
 * python/scripts/setup-venv.sh creates that venv on first use (a no-op once it exists); a machine
 * without Python or the packages fails this test with the script's message, it never skips.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PYTHON_DIR = join(ROOT, 'python');
const VENV_PYTHON = join(PYTHON_DIR, '.venv', 'bin', 'python');

function runPytest(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    // spawn, not spawnSync: the proxy under test runs on this process's event loop.
    const child = spawn(VENV_PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], {
      cwd: PYTHON_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

describe('Python SDK (pytest against the real proxy)', () => {
  let stack: SdkStack;

  beforeAll(async () => {
    await promisify(execFile)('bash', [join(PYTHON_DIR, 'scripts', 'setup-venv.sh')], {
      cwd: ROOT,
    });
    if (!existsSync(VENV_PYTHON)) throw new Error(`setup-venv.sh left no ${VENV_PYTHON}`);
    stack = await startSdkStack();
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('passes every pytest test (sync, async and streaming clients; tracer; API client; README)', async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      LANG: 'C.UTF-8',
      LLMTRACE_TEST_PROXY_URL: stack.url,
      // The mock provider ignores keys; the official clients refuse to start without one.
      OPENAI_API_KEY: 'sk-test-python-sdk',
      ANTHROPIC_API_KEY: 'sk-ant-test-python-sdk',
    };
    const { code, output } = await runPytest(env);
    process.stdout.write(`\n--- pytest (python/tests) ---\n${output}\n`);
    expect(code, output).toBe(0);
    expect(output).toMatch(/\d+ passed/);
  }, 300_000);
});
