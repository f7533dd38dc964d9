/**
 * V8 settings that must be in place before the CLI loads anything else: `cli.ts` imports only this
 * module statically and the commands after it. Loading the commands' modules grows the old
 * generation, which is what first arms V8's memory reducer (see `keepHeapWhenIdle`).
 */
import { holdYoungGeneration, keepHeapWhenIdle } from '@llmtrace/core/runtime';

/** Whether the heap is kept at working size while idle, for the proxy's start log. */
export const idleHeap = keepHeapWhenIdle();

/**
 * The young generation stays at its first size until the proxy is serving, when the configured cap
 * takes over (`limits.max_semi_space_mb`); other commands release it before they run.
 */
holdYoungGeneration();
