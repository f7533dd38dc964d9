import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { onCommandLine } from './command-line-flags.js';

/** Largest `limits.max_semi_space_mb`: V8's own default on 64-bit machines. */
export const MAX_SEMI_SPACE_MB = 16;
/** `limits.max_semi_space_mb` by default (see {@link capYoungGeneration}). */
export const DEFAULT_SEMI_SPACE_MB = 4;

/** V8's flags for the young generation's size; one on node's command line wins over this. */
const SIZE_FLAGS = ['max-semi-space-size', 'semi-space-growth-factor', 'min-semi-space-size'];
const GROWTH_FLAG = 'semi-space-growth-factor';
/** V8's own growth factor: the young generation doubles when it grows. */
const V8_GROWTH_FACTOR = 2;

/** What {@link capYoungGeneration} did. */
export type YoungGenerationOutcome = 'set' | 'v8-default' | 'command-line';

/** The young generation now, as V8 reports its `new_space`: its size and the bytes in use. */
export interface NewSpace {
  /** Both semi-spaces. */
  readonly size: number;
  readonly used: number;
}

/** V8's `new_space` now (zeros where V8 reports none). */
export function newSpace(): NewSpace {
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space') {
      return { size: space.space_size, used: space.space_used_size };
    }
  }
  return { size: 0, used: 0 };
}

/**
 * What this module holds the growth factor to: `'held'` at 1 ({@link holdYoungGeneration}), or a
 * cap (bytes of `new_space`, both semi-spaces) and the observer that keeps it; undefined, V8's 2.
 */
let control: 'held' | { capBytes: number; readonly observer: PerformanceObserver } | undefined;

function setGrowthFactor(factor: number): void {
  setFlagsFromString(`--${GROWTH_FLAG}=${factor}`);
}

/**
 * After a collection: grow no further once a doubling would pass the cap, else let V8 grow. The
 * factor is set each time, not only on a change: starting a worker thread sets it back to 2
 * (measured on Node 20: V8 raises it to at least 2 whenever it creates a heap, here the worker's,
 * from the worker's thread), and a thread may start at any time (a span worker restarts). The
 * collection after such a start can still double the young generation once, past the cap (8 → 16
 * MB in a third of the runs of `young-generation.test.ts`'s program); the next one holds it there.
 */
function keepCap(): void {
  if (control === undefined || control === 'held') return;
  setGrowthFactor(newSpace().size * V8_GROWTH_FACTOR > control.capBytes ? 1 : V8_GROWTH_FACTOR);
}

/**
 * Keeps the young generation at its first size (1 MB) until {@link capYoungGeneration} is called:
 * for a process that will cap it, from before the long synchronous stretches of its start (loading
 * modules), when V8 can double it several times between two turns of the event loop, past any cap
 * the observer could keep. A worker thread started meanwhile lets it grow again (see `keepCap`):
 * `llmtrace proxy`, whose SQLite writer starts with the server, serves with 4 MB, within the
 * default cap. A young-generation flag on node's command line leaves it alone.
 */
export function holdYoungGeneration(execArgv: readonly string[] = process.execArgv): boolean {
  if (onCommandLine(execArgv, SIZE_FLAGS) || control !== undefined) return false;
  setGrowthFactor(1);
  control = 'held';
  return true;
}

/**
 * Caps this process's young generation at `semiSpaceMb` per semi-space, as node's
 * `--max-semi-space-size` would, for a process already started. Call it again to change the cap.
 *
 * V8 fixes the young generation's largest size when the heap is created, so that flag cannot be set
 * from inside. What V8 reads each time it grows the young generation is the growth factor: the
 * young generation starts at 1 MB and doubles while many objects survive its collections. After
 * each collection this sets the factor to 1 (no growth) once a doubling would pass the cap, and
 * back to V8's 2 when V8 has shrunk it since (after a quiet spell). It only stops growth, and hears
 * of collections a turn of the event loop late, so a process that caps it holds it first
 * ({@link holdYoungGeneration}) through its start, then calls this once serving.
 *
 * V8 lets it reach 16 MB per semi-space, 32 MB resident under load, mostly garbage. 4 MB kept the
 * proxy's RSS 35–45 MB lower, in a soak at 500 req/s (no more CPU or latency) and after a
 * saturation run. It costs at saturation: about −15 % requests per second and a worse p99, since
 * more of the requests in flight outlive two scavenges and are promoted (issue 13, thirteenth
 * pass, docs/benchmarks.md). Young collections come more often; each costs what it copies.
 *
 * Where V8 refuses a growth factor below 2 (a later V8 may), this changes nothing: the test
 * `young-generation.test.ts` says so on the Node it runs on.
 *
 * The factor is a process-wide V8 flag. Worker threads have young generations of their own, below
 * their `resourceLimits`; one that needs to grow while the cap holds the factor at 1 stays at its
 * size (at least 1 MB), which suits the proxy's workers: each allocates little.
 *
 * `0` or 16 leaves V8's rule (and releases a hold). A young-generation flag on node's command line
 * (`execArgv`) is left alone.
 *
 * @example
 * capYoungGeneration(config.limits.max_semi_space_mb);
 */
export function capYoungGeneration(
  semiSpaceMb: number,
  execArgv: readonly string[] = process.execArgv,
): YoungGenerationOutcome {
  if (!Number.isInteger(semiSpaceMb) || semiSpaceMb < 0 || semiSpaceMb > MAX_SEMI_SPACE_MB) {
    throw new RangeError(
      `semi-space size must be an integer from 0 to ${MAX_SEMI_SPACE_MB} MB, got ${semiSpaceMb}`,
    );
  }
  if (onCommandLine(execArgv, SIZE_FLAGS)) return 'command-line';
  if (semiSpaceMb === 0 || semiSpaceMb === MAX_SEMI_SPACE_MB) {
    if (control !== undefined) {
      if (control !== 'held') control.observer.disconnect();
      control = undefined;
      setGrowthFactor(V8_GROWTH_FACTOR);
    }
    return 'v8-default';
  }
  const capBytes = 2 * semiSpaceMb * 1024 * 1024;
  if (control === undefined || control === 'held') {
    // Told after each collection (scavenges included), within a turn of the event loop.
    const observer = new PerformanceObserver(keepCap);
    observer.observe({ entryTypes: ['gc'] });
    control = { capBytes, observer };
  } else {
    control.capBytes = capBytes;
  }
  keepCap();
  return 'set';
}
