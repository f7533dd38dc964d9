import { describe, expect, it } from 'vitest';
import { RUNTIME_DIST, runInFreshNode } from '../../test/support/fresh-node.js';
import { capYoungGeneration, holdYoungGeneration } from './young-generation.js';

/**
 * Largest young generation (MB, both semi-spaces) of a fresh node process that holds it, caps it at
 * `semiSpaceMb` (0: V8's rule) and then churns objects, a tenth of which live on, in turns of the
 * event loop. With `worker`, halfway through it starts a worker thread: creating the worker's heap
 * sets V8's growth factor back to 2 (V8 allows no less), from the worker's thread, at a moment the
 * observer only hears of at the next collection.
 */
function peakYoungMb(semiSpaceMb: number, worker: boolean): number {
  const program = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { capYoungGeneration, holdYoungGeneration } from ${JSON.stringify(RUNTIME_DIST)};
    holdYoungGeneration([]);
    capYoungGeneration(${semiSpaceMb}, []);
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const kept = [];
    let peak = 0;
    for (let turn = 0; turn < 300; turn++) {
      for (let i = 0; i < 20_000; i++) {
        const o = { i, text: 'x' + i, list: [i, i + 1] };
        if (i % 10 === 0) kept.push(o);
      }
      if (kept.length > 200_000) kept.splice(0, 100_000);
      if (${worker} && turn === 150) new Worker('setTimeout(() => {}, 50)', { eval: true }).unref();
      peak = Math.max(peak, young());
      await new Promise((done) => setImmediate(done));
    }
    console.log(JSON.stringify({ peak: peak / 1048576 }));
  `;
  return (JSON.parse(runInFreshNode(program)) as { peak: number }).peak;
}

describe('capYoungGeneration', () => {
  it('keeps the young generation at the cap where V8 alone lets it grow to 32 MB', () => {
    const v8Rule = peakYoungMb(0, false);
    const capped = peakYoungMb(4, false);
    // Measured 32 MB against 8 MB (4 MB per semi-space, two semi-spaces).
    expect(v8Rule).toBeGreaterThanOrEqual(16);
    expect(capped).toBeLessThanOrEqual(8);
  }, 60_000);

  it('lets a worker started while capped grow it by one doubling at most, then holds it again', () => {
    // The collection that follows the worker's start can still double it (8 → 16 MB in 4 of 12
    // runs of this program on Node 20); the observer then holds it there.
    expect(peakYoungMb(4, true)).toBeLessThanOrEqual(16);
  }, 60_000);

  it('leaves a young-generation flag given on the node command line alone, and V8 alone at 0', () => {
    expect(capYoungGeneration(4, ['--max-semi-space-size=8'])).toBe('command-line');
    expect(capYoungGeneration(4, ['--semi_space_growth_factor=4'])).toBe('command-line');
    expect(holdYoungGeneration(['--max-semi-space-size', '8'])).toBe(false);
    expect(capYoungGeneration(0, [])).toBe('v8-default');
    expect(capYoungGeneration(16, [])).toBe('v8-default');
  });

  it('refuses a size outside 0–16 MB or not a whole number', () => {
    for (const bad of [-1, 17, 2.5, Number.NaN]) {
      expect(() => capYoungGeneration(bad, [])).toThrow(/integer from 0 to 16 MB/);
    }
  });
});
