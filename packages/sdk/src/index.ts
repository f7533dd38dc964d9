export { configure } from './sdk-options.js';
export type { LLMTraceOptions, ResolvedOptions } from './sdk-options.js';
export { instrument, rebaseUrl, traceHeaders } from './instrument.js';
export type { FetchLike, InstrumentableClient } from './instrument.js';
export { span, trace } from './trace.js';
export type { TraceOptions } from './trace.js';
export { currentSpan, parseTraceparent } from './trace-context.js';
export type { ParsedTraceparent, SpanContext } from './trace-context.js';
// The action types are core's (the proxy records exactly these); re-exported for SDK users.
export { ACTION_TYPES } from '@llmtrace/core';
export type { ActionType } from '@llmtrace/core';
export {
  ActionReporter,
  flushActions,
  reportAction,
  setDefaultReporter,
} from './action-reporter.js';
export type { ReportedAction, ReporterOptions, ReporterStats } from './action-reporter.js';
export { createApiClient } from './api-client.js';
export type { ApiClient, Span, SpanPage, Trace, TracePage } from './api-client.js';
export type { paths as ApiPaths } from './generated/api-types.js';
