import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { keepYoungGenerationWhenIdle } from './idle-young-generation.js';

/** The built module alone, so the child's heap holds nothing but the program below. */
const MODULE_DIST = resolve(import.meta.dirname, '../../dist/runtime/idle-young-generation.js');

/** How long the child idles: the control's first scavenge after it must read as a low rate. */
const IDLE_MS = 10_000;

/**
 * The young generation's size (bytes of V8's `new_space`) in a fresh node process capped at 4 MB
 * per semi-space, as the proxy is by default: once grown by traffic that leaves survivors, and
 * again after IDLE_MS of quiet followed by a burst of pure garbage. With `keep`, the keeper runs
 * through the quiet spell. The child is never told to stop it: exiting on its own shows the timer
 * does not hold the process open.
 */
async function youngGeneration(keep: boolean): Promise<{ grown: number; after: number }> {
  const program = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { setTimeout as sleep } from 'node:timers/promises';
    import { keepYoungGenerationWhenIdle } from ${JSON.stringify(MODULE_DIST)};
    const newSpace = () =>
      getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
    let inFlight = [];
    for (let n = 0; n < 3_000_000; n++) {
      inFlight.push({ n });
      if (inFlight.length > 100_000) inFlight = [];
    }
    inFlight = [];
    const grown = newSpace();
    ${keep ? 'keepYoungGenerationWhenIdle();' : ''}
    await sleep(${IDLE_MS});
    let last;
    for (let n = 0; n < 2_000_000; n++) last = { n };
    console.log(JSON.stringify({ grown, after: newSpace(), last: last.n }));
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--max-semi-space-size=4', '--input-type=module', '-e', program],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(stdout) as { grown: number; after: number };
}

describe('keepYoungGenerationWhenIdle', () => {
  it('keeps the young generation at the size traffic gave it across an idle spell', async () => {
    const [left, kept] = await Promise.all([youngGeneration(false), youngGeneration(true)]);
    // Both grew to the cap (two 4 MB semi-spaces).
    expect(left.grown).toBe(8 * 1024 * 1024);
    expect(kept.grown).toBe(8 * 1024 * 1024);
    // The control: V8 shrinks it at the first scavenges after the quiet spell.
    expect(left.after).toBeLessThan(left.grown);
    expect(kept.after).toBe(kept.grown);
  }, 60_000);

  it('refuses a rate that is not a positive number', () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => keepYoungGenerationWhenIdle(rate)).toThrow(RangeError);
    }
  });
});
