import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveTenantId } from '@llmtrace/proxy';
import { eventually } from '../../proxy/test/support/harness.js';
import { startSdkStack, type SdkStack } from './support/sdk-stack.js';

/*
 * The README's TypeScript SDK examples and the raw-HTTP trace-context example run against a live
 * proxy, so the documentation cannot drift from the code. The TypeScript blocks are plain
 * JavaScript-compatible TypeScript and run with node against the built @llmtrace/sdk.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const DOC_URL = 'http://127.0.0.1:8080';
const OPENAI_KEY = 'sk-test-readme';
/** The examples name no tenant, so the proxy derives it from the provider key. */
const TENANT = deriveTenantId(OPENAI_KEY);

function section(heading: string): string {
  const start = README.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" section`);
  const level = /^#+/.exec(heading)?.[0] ?? '##';
  const rest = README.slice(start + heading.length + 1);
  const end = rest.search(new RegExp(`^#{1,${level.length}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

function fenced(text: string, language: string): string[] {
  const fence = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm');
  return [...text.matchAll(fence)].map((m) => m[1] ?? '');
}

let stack: SdkStack;
beforeAll(async () => {
  stack = await startSdkStack();
});
afterAll(async () => {
  await stack?.close();
});

const env = (): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'],
  HOME: process.env['HOME'],
  OPENAI_API_KEY: OPENAI_KEY,
});

describe('README examples', () => {
  it('the TypeScript SDK examples run: one trace with both calls of the run', async () => {
    const blocks = fenced(section('## TypeScript SDK'), 'ts');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const script = `${blocks.join('\n').replaceAll(DOC_URL, stack.url)}\nconsole.log('\\nTRACE', traceId);\n`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: env(),
    });
    const traceId = /TRACE ([0-9a-f]{32})/.exec(stdout)?.[1];
    expect(traceId, stdout).toBeDefined();
    expect(stdout).toContain('Hello from the mock');
    const spans = await eventually(async () => {
      const found = (await stack.proxy.spans(TENANT)).filter((s) => s.traceId === traceId);
      return found.length >= 2 ? found : undefined;
    }).catch(async (error: unknown) => {
      const all = await stack.proxy.server.storage.traces.querySpans({ limit: 50, offset: 0 });
      throw new Error(
        `${String(error)}; stored: ${JSON.stringify(all.items.map((s) => [s.tenantId, s.traceId]))}; stdout: ${stdout}`,
      );
    });
    const calls = spans.filter((s) => s.operationName !== 'agent_actions');
    expect(calls).toHaveLength(2);
    // The streamed call ran inside span('lookup'): its parent is that step, not the run.
    expect(new Set(calls.map((s) => s.parentSpanId)).size).toBe(2);
    // The example's reported actions land on the same trace (issue 15).
    const reported = await eventually(async () => {
      const all = await stack.proxy.spans(TENANT);
      const found = all.filter((s) => s.traceId === traceId && s.operationName === 'agent_actions');
      return found.length > 0 ? found : undefined;
    });
    expect(reported.flatMap((s) => s.agentActions).map((a) => a.source)).not.toContain('proxy');
  });

  it('the raw-HTTP trace context example (curl) puts both calls in one trace of the session', async () => {
    const [script] = fenced(section('### Trace context (W3C `traceparent`)'), 'sh');
    expect(script).toBeDefined();
    const { stdout } = await run(
      'bash',
      [
        '-euo',
        'pipefail',
        '-c',
        `${(script ?? '').replaceAll(DOC_URL, stack.url)}\necho "TRACE $TRACE"`,
      ],
      { env: env() },
    );
    const traceId = /TRACE ([0-9a-f]{32})/.exec(stdout)?.[1];
    expect(traceId, stdout).toBeDefined();
    const spans = await eventually(async () => {
      const found = (await stack.proxy.spans(TENANT)).filter((s) => s.traceId === traceId);
      return found.length >= 2 ? found : undefined;
    });
    expect(spans).toHaveLength(2);
    const trace = await stack.proxy.server.storage.traces.getTrace(TENANT, traceId ?? '');
    expect(trace?.sessionId).toBe('conversation-42');
  });
});
