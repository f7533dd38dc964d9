import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { keepHeapWhenIdle } from './idle-heap.js';

/** The built module alone: importing all of core would run full collections before the test starts. */
const MODULE_DIST = resolve(import.meta.dirname, '../../dist/runtime/idle-heap.js');

/**
 * Lines V8's memory reducer printed (`--trace-gc-verbose`) in a fresh node process that arms the
 * reducer 200 ms after each full collection, then (when `keep`) calls `keepHeapWhenIdle([])`,
 * churns through enough memory for several full collections and idles for 1.5 s. Left alone, the
 * reducer wakes 200 ms after the last collection and says what it decided.
 */
async function reducerLines(keep: boolean): Promise<string[]> {
  const program = `
    import { setFlagsFromString } from 'node:v8';
    import { keepHeapWhenIdle } from ${JSON.stringify(MODULE_DIST)};
    setFlagsFromString('--gc-memory-reducer-start-delay-ms=200');
    ${keep ? 'keepHeapWhenIdle([]);' : ''}
    console.log('--- set');
    for (let round = 0; round < 6; round++) {
      const kept = [];
      for (let n = 0; n < 400_000; n++) kept.push({ n, text: 'x' + n });
    }
    setTimeout(() => console.log('--- idle'), 1_500);
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--trace-gc', '--trace-gc-verbose', '--input-type=module', '-e', program],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const before = stdout.slice(0, stdout.indexOf('--- set'));
  const after = stdout.slice(stdout.indexOf('--- set'));
  // No full collection armed the reducer before the program set its delays.
  expect(before).not.toMatch(/Mark-Compact/);
  expect(after).toContain('--- idle');
  expect(after).toMatch(/Mark-Compact/);
  return after.split('\n').filter((line) => line.includes('Memory reducer'));
}

describe('keepHeapWhenIdle', () => {
  it('keeps the memory reducer from waking after full collections', async () => {
    const [left, kept] = await Promise.all([reducerLines(false), reducerLines(true)]);
    // The control: the reducer wakes and reports (this is how an idle heap gets shrunk).
    expect(left.length).toBeGreaterThan(0);
    expect(kept).toEqual([]);
  }, 60_000);

  it("leaves V8's behaviour when node's command line decides", () => {
    expect(keepHeapWhenIdle(['--memory-reducer'])).toBe('command-line');
    expect(keepHeapWhenIdle(['--no-memory_reducer'])).toBe('command-line');
    expect(keepHeapWhenIdle(['--gc-memory-reducer-start-delay-ms=500'])).toBe('command-line');
  });
});
