import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Nice value of background threads: below the proxy's thread, never starved outright. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the scheduling priority of the calling thread (Linux: `setpriority` on the thread's id,
 * read from `/proc/thread-self`), so a background thread (span building, SQLite writes, the ML
 * tier) sharing a CPU with the proxy's event loop gives way when a request arrives instead of
 * holding the CPU for a scheduler slice of several milliseconds. Raising one's own nice value needs
 * no privilege. A thread already lower is left as it is. Returns false, changing nothing, where threads cannot be told apart this way.
 */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    // Never raises it: a proxy started under `nice` keeps its threads at least that low.
    if (getPriority(tid) < nice) setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
