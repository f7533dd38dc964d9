import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { keepYoungGenerationWhenIdle } from './idle-young-generation.js';

/** The built module alone, so the child's heap holds nothing but the program below. */
const MODULE_DIST = resolve(import.meta.dirname, '../../dist/runtime/idle-young-generation.js');

/** How long the child idles: the control's first scavenge after it must read as a low rate. */
const IDLE_MS = 10_000;

/** How long the child waits before any traffic, counting collections. */
const BEFORE_TRAFFIC_MS = 3_000;

/** What the child reports: collections before traffic, then the young generation's sizes. */
interface ChildReport {
  readonly quietCollections: number;
  readonly grown: number;
  readonly after: number;
}

/**
 * A fresh node process capped at 4 MB per semi-space, as the proxy is by default, without V8's
 * memory reducer, as the proxy runs. With `keep`, it
 * starts the keeper first, then waits BEFORE_TRAFFIC_MS counting garbage collections; then traffic
 * that leaves survivors grows its young generation (V8's `new_space`, `grown`), and after IDLE_MS of
 * quiet a burst of pure garbage runs (`after`: the size then). The child is never told to stop the
 * keeper: exiting on its own shows the timer does not hold the process open.
 */
async function youngGeneration(keep: boolean): Promise<ChildReport> {
  const program = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { PerformanceObserver } from 'node:perf_hooks';
    import { setTimeout as sleep } from 'node:timers/promises';
    import { keepYoungGenerationWhenIdle } from ${JSON.stringify(MODULE_DIST)};
    const newSpace = () =>
      getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
    ${keep ? 'keepYoungGenerationWhenIdle();' : ''}
    let collections = 0;
    const observer = new PerformanceObserver((list) => { collections += list.getEntries().length; });
    observer.observe({ entryTypes: ['gc'] });
    await sleep(${BEFORE_TRAFFIC_MS});
    observer.disconnect();
    const quietCollections = collections;
    let inFlight = [];
    for (let n = 0; n < 3_000_000; n++) {
      inFlight.push({ n });
      if (inFlight.length > 100_000) inFlight = [];
    }
    inFlight = [];
    const grown = newSpace();
    await sleep(${IDLE_MS});
    let last;
    for (let n = 0; n < 2_000_000; n++) last = { n };
    console.log(JSON.stringify({ quietCollections, grown, after: newSpace(), last: last.n }));
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    // V8's memory reducer off, as the proxy has it (keepHeapWhenIdle): its idle mark-compacts
    // shrink the young generation too, whatever the allocation rate.
    ['--max-semi-space-size=4', '--no-memory-reducer', '--input-type=module', '-e', program],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(stdout) as ChildReport;
}

describe('keepYoungGenerationWhenIdle', () => {
  it('waits for traffic, then keeps the young generation at the size it gave', async () => {
    const [left, kept] = await Promise.all([youngGeneration(false), youngGeneration(true)]);
    // Before traffic the keeper allocates nothing: engaged from the start, 2 MB a second would
    // fill the 1 MB young generation of a fresh process several times in BEFORE_TRAFFIC_MS.
    expect(kept.quietCollections).toBe(0);
    // Both grew to the cap (two 4 MB semi-spaces).
    expect(left.grown).toBe(8 * 1024 * 1024);
    expect(kept.grown).toBe(8 * 1024 * 1024);
    // The control: V8 shrinks it at the first scavenges after the quiet spell.
    expect(left.after).toBeLessThan(left.grown);
    expect(kept.after).toBe(kept.grown);
  }, 60_000);

  it('allocates nothing while the process allocates enough itself, and tops up when it stops', async () => {
    const program = `
      import { setTimeout as sleep } from 'node:timers/promises';
      import { keepYoungGenerationWhenIdle } from ${JSON.stringify(MODULE_DIST)};
      const keeper = keepYoungGenerationWhenIdle();
      // Traffic: about 13 MB a second of short-lived objects for four of the keeper's ticks.
      let last;
      const until = Date.now() + 4_000;
      while (Date.now() < until) {
        for (let n = 0; n < 30_000; n++) last = { n, text: 'x' + n };
        await sleep(100);
      }
      const underLoad = keeper.allocatedBytes;
      await sleep(3_500);
      console.log(JSON.stringify({ underLoad, idle: keeper.allocatedBytes - underLoad, last: last.n }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--max-semi-space-size=4', '--no-memory-reducer', '--input-type=module', '-e', program],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const report = JSON.parse(stdout) as { underLoad: number; idle: number };
    // Engaged by the traffic, yet nothing allocated during it: the traffic covered the rate.
    expect(report.underLoad).toBe(0);
    // Quiet: it tops the rate up to 2 MB a second (three ticks or more in 3.5 s).
    expect(report.idle).toBeGreaterThanOrEqual(2 * 2_000_000);
  }, 60_000);

  it('refuses a rate that is not a positive number', () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => keepYoungGenerationWhenIdle(rate)).toThrow(RangeError);
    }
  });
});
