/**
 * `@llmtrace/core/runtime`: process-wide settings of the Node.js runtime (V8's garbage collector,
 * thread priority) that `llmtrace proxy` and the ML workers apply at start, and the glibc malloc
 * setting that its launchers give it ({@link MALLOC_TUNABLES}). Apart from the package root so an
 * entry point can import it before anything else: loading the root (schemas, pricing tables) grows
 * the heap, and {@link keepHeapWhenIdle} must act before the heap first grows.
 */
export { keepHeapWhenIdle, IDLE_HEAP_KEPT_MS, type IdleHeapOutcome } from './idle-heap.js';
export {
  keepYoungGenerationWhenIdle,
  IDLE_ALLOCATION_BYTES_PER_SECOND,
  type IdleAllocation,
} from './idle-young-generation.js';
export { keepGcOnOneCpu, type GcHelperOutcome } from './gc-helper-threads.js';
export {
  setHeapGrowthPercent,
  MAX_HEAP_GROWTH_PERCENT,
  type HeapGrowthOutcome,
} from './heap-growth.js';
export {
  capYoungGeneration,
  holdYoungGeneration,
  DEFAULT_SEMI_SPACE_MB,
  MAX_SEMI_SPACE_MB,
  type YoungGenerationOutcome,
} from './young-generation.js';
export { lowerThreadPriority, BACKGROUND_NICE } from './thread-priority.js';
export { mallocTrimSetting, MALLOC_TUNABLES, type MallocTrimSetting } from './malloc-trim.js';
