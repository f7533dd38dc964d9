import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { newSpace } from './young-generation.js';

/**
 * Bytes of short-lived arrays {@link keepYoungGenerationWhenIdle} allocates per second: twice V8's
 * "low allocation throughput" (1 000 bytes per ms), so the rate it measures across an idle spell
 * stays above that bound with room for timer slack.
 */
export const IDLE_ALLOCATION_BYTES_PER_SECOND = 2_048_000;

/** Elements per array: 128 000 bytes, below V8's large-object size (128 KiB), so the arrays are
 * allocated in the young generation like a request's garbage. */
const ARRAY_ELEMENTS = 16_000;
const ARRAY_BYTES = ARRAY_ELEMENTS * 8;
const TICK_MS = 1_000;

/** Whether a `gc` performance entry is a young-generation collection (a scavenge). */
function isYoungCollection(entry: PerformanceEntry): boolean {
  const detail: unknown = 'detail' in entry ? entry.detail : undefined;
  return (
    typeof detail === 'object' &&
    detail !== null &&
    'kind' in detail &&
    detail.kind === constants.NODE_PERFORMANCE_GC_MINOR
  );
}

/** Stops what {@link keepYoungGenerationWhenIdle} started, and says what it allocated. */
export interface IdleAllocation {
  /** Bytes of garbage the keeper has allocated so far (none before traffic, none under load). */
  readonly allocatedBytes: number;
  stop(): void;
}

/**
 * Keeps V8 from shrinking the young generation after an idle spell, by allocating
 * {@link IDLE_ALLOCATION_BYTES_PER_SECOND} of garbage once a second on this thread.
 *
 * After each scavenge V8 compares the allocation rate over the last few collections with 1 000
 * bytes per ms; below it, it shrinks the young generation to its smallest size and releases the
 * unused half's pages. The first collection after a minute without traffic spans the whole quiet
 * minute, so its rate reads as a few hundred bytes per ms, and for the next ten or so scavenges the
 * idle sample is still in the average: each shrinks the young generation again and gives its pages
 * back. The burst that ended the quiet spell then runs with a tiny young generation — scavenges
 * every few ms that promote the requests in flight — and faults every page back in. Where a page
 * fault is expensive (12 µs on the benchmark VM, against well under 1 µs on bare metal) that
 * costs the first second of a burst more than 100 ms. Issue 13, seventeenth pass
 * (docs/benchmarks.md): saturation p99 after 65 s idle, proxy pinned to one CPU, medians of five
 * runs 350 ms without this and 142 ms with it; page faults on the proxy's thread in that burst
 * 3 660–5 100 without, 990–1 780 with (about what a burst after 2 s idle takes).
 *
 * It starts allocating only once the process has allocated `bytesPerSecond` on its own within
 * one second, that is once traffic has come: until then there is nothing to keep, and a trickle
 * would only wake the collector every two seconds and could make resident a young generation
 * traffic never touched (a proxy that had served nothing idled at 154 MB RSS with the trickle from
 * the start, 141 MB without, on one VM; on another, 115–122 MB either way).
 *
 * Once engaged, each tick allocates only what the process did not allocate itself since the last
 * one, so under load it allocates nothing (it used to add its 2 MB a second there too: 4 % of a
 * saturated proxy's allocation, 8 % at 500 req/s). The cost: one scavenge every ~2 s while idle
 * (under 1 ms each, everything in it is garbage), a `gc` performance observer counting young
 * collections, and the young generation stays at the size traffic gave it, as `keepHeapWhenIdle`
 * keeps the old generation. The timer is unref'd: it never keeps a process alive. No V8 flag turns
 * the shrink off short of `--predictable`, which also turns off concurrent compilation and GC.
 *
 * @example
 * const keeper = keepYoungGenerationWhenIdle();
 * // ... on shutdown
 * keeper.stop();
 */
export function keepYoungGenerationWhenIdle(
  bytesPerSecond: number = IDLE_ALLOCATION_BYTES_PER_SECOND,
): IdleAllocation {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) {
    throw new RangeError(`bytes per second must be a positive number, got ${bytesPerSecond}`);
  }
  // Each array is stored (and the next one replaces it) so the compiler cannot drop the allocation.
  const sink: unknown[] = [];
  // The young collections since the last tick (V8 tells a turn late).
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (isYoungCollection(entry)) collections++;
  });
  observer.observe({ entryTypes: ['gc'] });
  let engaged = false;
  // Counted from the first tick: what the process allocates in its first second is the end of its
  // start (the proxy collects its start-up garbage then), not traffic.
  let lastUsed: number | undefined;
  // What the last tick allocated itself, to take out of what the next one measures.
  let own = 0;
  let total = 0;
  const timer = setInterval(() => {
    const { size, used } = newSpace();
    const previous = lastUsed;
    const scavenges = collections;
    const mine = own;
    lastUsed = used;
    collections = 0;
    own = 0;
    if (previous === undefined) return;
    // What the process allocated since the last tick, about: each collection emptied a full
    // semi-space (half the young generation), and `used` is what came after the last one.
    const allocated =
      (scavenges === 0 ? used - previous : scavenges * (size / 2) - previous + used) - mine;
    if (!engaged && allocated < bytesPerSecond) return;
    engaged = true;
    // Only what the process did not allocate itself: under load, nothing.
    const arrays = Math.max(0, Math.ceil((bytesPerSecond - allocated) / ARRAY_BYTES));
    for (let n = 0; n < arrays; n++) sink[0] = new Array<number>(ARRAY_ELEMENTS).fill(0);
    own = arrays * ARRAY_BYTES;
    total += own;
  }, TICK_MS);
  timer.unref();
  return {
    get allocatedBytes() {
      return total;
    },
    stop() {
      clearInterval(timer);
      observer.disconnect();
      sink.length = 0;
    },
  };
}
