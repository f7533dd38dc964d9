/**
 * V8 settings that must be in place before the CLI loads anything else: `cli.ts` imports only this
 * module statically and the commands after it. Loading the commands' modules grows the old
 * generation, which is what first arms V8's memory reducer (see `keepHeapWhenIdle`).
 */
import { keepHeapWhenIdle } from '@llmtrace/core/runtime';

/** Whether the heap is kept at working size while idle, for the proxy's start log. */
export const idleHeap = keepHeapWhenIdle();
