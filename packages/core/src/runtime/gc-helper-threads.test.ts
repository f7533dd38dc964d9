import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RUNTIME_DIST, runInFreshNode } from '../../test/support/fresh-node.js';
import { keepGcOnOneCpu } from './gc-helper-threads.js';

/**
 * Milliseconds of scavenge work each collection gave to helper threads, in a fresh node process
 * that churns short-lived objects after `keepGcOnOneCpu(cpus, [])`: V8's `--trace-gc-nvp` lines
 * printed after the call (loading the module collects garbage too).
 */
function helperScavengeMs(cpus: number): number[] {
  const program = `
    import { keepGcOnOneCpu } from ${JSON.stringify(RUNTIME_DIST)};
    keepGcOnOneCpu(${cpus}, []);
    console.log('--- set');
    const ring = new Array(50_000).fill(null);
    for (let n = 0; n < 3_000_000; n++) ring[n % ring.length] = { n, list: [n, n + 1] };
  `;
  const out = runInFreshNode(program, ['--trace-gc-nvp']);
  return [
    ...out
      .slice(out.indexOf('--- set'))
      .matchAll(/ gc=s .*? background\.scavenge\.parallel=([\d.]+)/g),
  ].map((m) => Number(m[1]));
}

describe('keepGcOnOneCpu', () => {
  it('keeps every scavenge on the JavaScript thread when the process has one CPU', () => {
    const one = helperScavengeMs(1);
    expect(one.length).toBeGreaterThan(10);
    expect(one.every((ms) => ms === 0)).toBe(true);
    // The control: with several CPUs V8's helpers do take part (this machine has 2 cores in CI).
    if (availableParallelism() > 1) expect(helperScavengeMs(2).some((ms) => ms > 0)).toBe(true);
  }, 60_000);

  it('changes nothing with several CPUs, and leaves a choice made on the command line alone', () => {
    expect(keepGcOnOneCpu(4, [])).toBe('several-cpus');
    expect(keepGcOnOneCpu(1, ['--parallel-scavenge'])).toBe('command-line');
    expect(keepGcOnOneCpu(1, ['--no-concurrent_marking'])).toBe('command-line');
    expect(keepGcOnOneCpu(1, ['--single-threaded-gc'])).toBe('command-line');
  });
});
