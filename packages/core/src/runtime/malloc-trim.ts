import { readFileSync } from 'node:fs';

/**
 * The glibc malloc setting LLMTrace's launchers give the proxy (`npm start`, the Docker image, the
 * benchmark scripts), as the value of `GLIBC_TUNABLES`. glibc reads it when the process starts,
 * so it cannot be applied from inside as the V8 settings are.
 *
 * glibc returns the free space at the top of a heap to the system once it exceeds a trim
 * threshold. By default that threshold moves: each time a large block (mmapped, over 128 KiB) is
 * freed, it rises to twice that block's size, up to 64 MiB. The proxy frees such blocks, so its
 * threads' heaps end up keeping megabytes of free memory resident. A fixed threshold of 128 KiB
 * (which also fixes the mmap threshold at its 128 KiB default) kept RSS 10–15 MB lower in 2-minute
 * soaks at 500 req/s, with no more CPU per request (issue 13, sixteenth pass, docs/benchmarks.md).
 */
export const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=131072';

/** What {@link mallocTrimSetting} found. */
export type MallocTrimSetting = 'set' | 'unset' | 'not-glibc';

/** The settings that fix glibc's trim threshold (either also stops the threshold moving). */
const FIXING_TUNABLES = ['glibc.malloc.trim_threshold', 'glibc.malloc.mmap_threshold'];
/** glibc's older spelling of the same settings, one variable each. */
const FIXING_VARIABLES = ['MALLOC_TRIM_THRESHOLD_', 'MALLOC_MMAP_THRESHOLD_'];

/** Whether this process runs on glibc, from the shared objects mapped into it (Linux). */
function runsOnGlibc(): boolean {
  try {
    return /\/libc\.so\.6$/m.test(readFileSync('/proc/self/maps', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Whether a process started with the environment `env` (this one's, `process.env`) has glibc's
 * trim threshold fixed ({@link MALLOC_TUNABLES} or an operator's own value), so that `llmtrace
 * proxy` can say how to get it when it did not. `'not-glibc'` on any other C library or system
 * (musl, macOS), where the setting means nothing.
 *
 * @example
 * mallocTrimSetting({ GLIBC_TUNABLES: MALLOC_TUNABLES }); // 'set' (on glibc)
 */
export function mallocTrimSetting(
  env: NodeJS.ProcessEnv,
  glibc: boolean = runsOnGlibc(),
): MallocTrimSetting {
  if (!glibc) return 'not-glibc';
  const tunables = (env['GLIBC_TUNABLES'] ?? '').split(':').map((pair) => pair.split('=')[0]);
  const fixed =
    FIXING_TUNABLES.some((name) => tunables.includes(name)) ||
    FIXING_VARIABLES.some((name) => env[name] !== undefined);
  return fixed ? 'set' : 'unset';
}
