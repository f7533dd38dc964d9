import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { onCommandLine } from './command-line-flags.js';

/** The V8 flags this turns off; V8 reads each when it starts a collection of its kind. */
const HELPER_FLAGS = ['parallel-scavenge', 'concurrent-marking'] as const;

/** What {@link keepGcOnOneCpu} did. */
export type GcHelperOutcome = 'set' | 'several-cpus' | 'command-line';

/**
 * On a process that may run on one CPU only, has V8 collect garbage on the JavaScript thread alone.
 *
 * V8 hands part of each young-generation collection (scavenge) to helper threads, and marks the old
 * generation on them while JavaScript runs. With one CPU those threads cannot run beside the
 * JavaScript thread: a scavenge waits for its helpers to be scheduled on the CPU it holds, and
 * concurrent marking takes time slices from the requests it was meant to stay out of the way of.
 * Both flags are read when a collection starts, so setting them after start takes effect (the test
 * checks it for scavenges in V8's GC trace). Issue 13, proxy pinned to one CPU: p99 at saturation
 * 70 → 49.5 ms, medians of 6–7 harness runs (docs/benchmarks.md, eighth pass).
 *
 * `cpus` is what the process may run on: `os.availableParallelism()` reads the affinity mask
 * (taskset, a cpuset, a one-vCPU machine), not a CFS quota. With more than one CPU nothing changes.
 * Any of these flags (or `--single-threaded-gc`) on node's command line leaves the choice to it.
 *
 * @example
 * keepGcOnOneCpu(); // 'set' under `taskset -c 0`, 'several-cpus' otherwise
 */
export function keepGcOnOneCpu(
  cpus: number = availableParallelism(),
  execArgv: readonly string[] = process.execArgv,
): GcHelperOutcome {
  if (onCommandLine(execArgv, [...HELPER_FLAGS, 'single-threaded-gc'])) return 'command-line';
  if (cpus > 1) return 'several-cpus';
  for (const name of HELPER_FLAGS) setFlagsFromString(`--no-${name}`);
  return 'set';
}
