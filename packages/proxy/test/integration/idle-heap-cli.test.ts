import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBareProxy, startCli, type CliProcess } from '../support/cli-process.js';
import { CHAT_REQUEST, eventually, send } from '../support/harness.js';
import { startMockUpstream } from '../support/mock-upstream.js';

let dir: string;
const children: CliProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmtrace-idle-heap-'));
});
afterEach(() => {
  for (const proxy of children.splice(0)) proxy.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `llmtrace proxy` with V8's verbose GC trace; `output()` is everything it printed. */
function startProxy(nodeArgs: string[]): CliProcess {
  const proxy = startBareProxy(dir, { nodeArgs });
  children.push(proxy);
  return proxy;
}

describe('llmtrace proxy while idle: V8’s memory reducer and young generation', () => {
  it('never wakes the reducer, unless node’s command line asks for it', async () => {
    const trace = ['--trace-gc', '--trace-gc-verbose'];
    const kept = startProxy(trace);
    const left = startProxy([...trace, '--memory-reducer']);
    for (const proxy of [kept, left]) {
      await eventually(() => (proxy.output().includes('"url":"http') ? true : undefined), 15_000);
    }
    // The control: loading the CLI armed V8's reducer, which wakes 8 s later and says so. The
    // settings in cli-runtime.ts run before that load, so the kept proxy's reducer is never armed.
    await eventually(() => (left.output().includes('Memory reducer:') ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(left.output()).toContain('shrinking the heap while idle: left to V8');
    expect(kept.output()).not.toContain('Memory reducer:');
    expect(kept.output()).not.toContain('shrinking the heap while idle');
  }, 60_000);

  it('collects nothing while idle before any traffic, and keeps collecting young garbage after it', async () => {
    const upstream = await startMockUpstream();
    try {
      const file = join(dir, 'proxy.yaml');
      writeFileSync(
        file,
        `upstream_url: ${upstream.url}\nlisten:\n  port: 0\nstorage:\n  profile: memory\nlogging:\n  format: json\n`,
      );
      const proxy = startCli(['proxy', '--config', file], { nodeArgs: ['--trace-gc'] });
      children.push(proxy);
      const url = await eventually(() => /"url":"(http:[^"]+)"/.exec(proxy.output())?.[1], 15_000);
      const scavengesSince = (offset: number): number =>
        (
          proxy
            .output()
            .slice(offset)
            .match(/Scavenge/g) ?? []
        ).length;
      // Start-up garbage is collected within a second or so of serving; after that an idle proxy
      // allocates next to nothing. keepYoungGenerationWhenIdle waits until the process allocates
      // 2 MB within a second: started at once, its trickle (2 MB/s) would fill the young
      // generation every second or two (checked: 3 collections here).
      await sleep(3_000);
      const beforeTraffic = proxy.output().length;
      await sleep(6_000);
      expect(scavengesSince(beforeTraffic)).toBe(0);

      // Traffic allocates far more than 2 MB a second; the keeper engages at its next tick.
      const body = CHAT_REQUEST;
      const headers = { authorization: 'Bearer sk-test' };
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let n = 0; n < 100; n++) {
            const response = await send(url, { headers, body });
            expect(response.status).toBe(200);
          }
        }),
      );
      // Engaged, the keeper's trickle (2 MB/s) fills the 4 MB semi-space every two seconds, so the
      // first collection after a quiet spell does not read as a low allocation rate. Left alone,
      // an idle proxy collects nothing in this window (checked with the keeper taken out).
      await sleep(4_000);
      const afterTraffic = proxy.output().length;
      await sleep(10_000);
      expect(scavengesSince(afterTraffic)).toBeGreaterThanOrEqual(4);
    } finally {
      await upstream.close();
    }
  }, 90_000);
});
