import { setFlagsFromString } from 'node:v8';
import { onCommandLine } from './command-line-flags.js';

/** Largest `limits.heap_growth_percent`: V8's own largest growing factor is 4 (+300 %). */
export const MAX_HEAP_GROWTH_PERCENT = 300;

/** The V8 flag this sets; a value given on the command line wins over the configuration. */
const FLAG = 'heap-growing-percent';

/** What {@link setHeapGrowthPercent} did. */
export type HeapGrowthOutcome = 'set' | 'v8-default' | 'command-line';

/**
 * Sets how far V8 lets the JavaScript heap grow past what was live after a full collection before
 * it collects again: `percent` 50 means at 1.5× the live size. V8's own rule, on a machine with a few
 * GB of memory, allows up to 4×, so after a burst of traffic a proxy with ~45 MB live keeps well
 * over 100 MB of garbage resident for as long as the load lasts (issue 13: RSS after a saturation
 * run 250–320 MB with V8's rule, 210–220 MB with 50 %; docs/benchmarks.md). The flag is read each
 * time V8 computes its next limit, so setting it at start (after the heap exists) takes effect.
 *
 * `0` leaves V8's rule. A `--heap-growing-percent` in `execArgv` (node's command line) is left alone.
 *
 * @example
 * setHeapGrowthPercent(config.limits.heap_growth_percent);
 */
export function setHeapGrowthPercent(
  percent: number,
  execArgv: readonly string[] = process.execArgv,
): HeapGrowthOutcome {
  if (!Number.isInteger(percent) || percent < 0 || percent > MAX_HEAP_GROWTH_PERCENT) {
    throw new RangeError(
      `heap growth must be an integer from 0 to ${MAX_HEAP_GROWTH_PERCENT} percent, got ${percent}`,
    );
  }
  if (onCommandLine(execArgv, [FLAG])) return 'command-line';
  if (percent === 0) return 'v8-default';
  setFlagsFromString(`--${FLAG}=${percent}`);
  return 'set';
}
