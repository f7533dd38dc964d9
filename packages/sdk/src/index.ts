export { configure } from './sdk-options.js';
export type { LLMTraceOptions, ResolvedOptions } from './sdk-options.js';
export { instrument, rebaseUrl, traceHeaders } from './instrument.js';
export type { FetchLike, InstrumentableClient } from './instrument.js';
export { span, trace } from './trace.js';
export type { TraceOptions } from './trace.js';
export { currentSpan, parseTraceparent } from './trace-context.js';
export type { ParsedTraceparent, SpanContext } from './trace-context.js';
export {
  ACTION_TYPES,
  ActionReporter,
  flushActions,
  reportAction,
  setDefaultReporter,
} from './action-reporter.js';
export type {
  ActionType,
  ReportedAction,
  ReporterOptions,
  ReporterStats,
} from './action-reporter.js';
export { createApiClient } from './api-client.js';
export type { ApiClient, Span, SpanPage, Trace, TracePage } from './api-client.js';
export type { paths as ApiPaths } from './generated/api-types.js';
