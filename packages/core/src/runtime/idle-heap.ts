import { setFlagsFromString } from 'node:v8';
import { onCommandLine } from './command-line-flags.js';

/** The V8 flag this sets: how long the memory reducer waits once a full collection arms it. */
const DELAY_FLAG = 'gc-memory-reducer-start-delay-ms';

/**
 * The reducer's wait once this is set: 10⁹ ms, about 11.6 days. It stays well below the largest
 * 32-bit int because V8 adds its own slack to the flag's value.
 */
export const IDLE_HEAP_KEPT_MS = 1_000_000_000;

/** What {@link keepHeapWhenIdle} did. */
export type IdleHeapOutcome = 'set' | 'command-line';

/**
 * Keeps the JavaScript heap at its working size while the process is idle: V8's memory reducer
 * never wakes.
 *
 * The reducer is armed by the first full collection, or before it, when the old generation first
 * grows 1 MB past its size at start (parsing a large module graph does that). It wakes 8 s later,
 * and again every 8 s. Once allocation has gone quiet, or at the latest 100 s after the last
 * collection, it runs three memory-reducing full collections. These shrink the young generation to
 * its smallest size and lower the old generation's limit to just above what is live. The next
 * burst of traffic then starts with scavenges every few milliseconds that copy and promote almost
 * everything in flight, and a full collection every second until the heap has grown back. Issue 13
 * (docs/benchmarks.md, ninth pass; proxy pinned to one CPU): a saturation run after 120 s idle gave
 * p99 327 ms with the reducer and 107 ms without (medians of three); the whole side-by-side suite,
 * where LLMTrace idles ~2 min between its tests, 407 ms and 60.5 ms.
 *
 * This sets the reducer's first wait to {@link IDLE_HEAP_KEPT_MS}. V8 reads the flag only when it
 * arms the reducer; once armed, the reducer waits its own 8 s between checks. So this must run
 * before the heap first grows: an entry point calls it from a module it imports first, and loads
 * the rest after (`llmtrace proxy` does, and a test there checks it). The cost is memory: after a
 * burst, the heap the burst grew stays committed while idle instead of dropping back to the live
 * size.
 *
 * A `--memory-reducer`, `--no-memory-reducer` or `--gc-memory-reducer-start-delay-ms` on node's
 * command line is the operator's choice and is left alone: `node --memory-reducer …` restores V8's
 * behaviour.
 *
 * @example
 * keepHeapWhenIdle(); // 'set', or 'command-line' under `node --memory-reducer`
 */
export function keepHeapWhenIdle(execArgv: readonly string[] = process.execArgv): IdleHeapOutcome {
  if (onCommandLine(execArgv, ['memory-reducer', DELAY_FLAG])) return 'command-line';
  setFlagsFromString(`--${DELAY_FLAG}=${IDLE_HEAP_KEPT_MS}`);
  return 'set';
}
