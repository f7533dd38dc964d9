export { ERROR_CODES, HTTP_STATUS, LLMTraceError, toLLMTraceError, isErrorCode } from './errors.js';
export type { ErrorCode, LLMTraceErrorOptions } from './errors.js';
export { LLMProvider } from './domain/provider.js';
export {
  SecuritySeverity,
  SEVERITY_RANK,
  compareSeverity,
  severityAtLeast,
  FINDING_TYPES,
  FindingLocation,
  SecurityFinding,
} from './domain/finding.js';
export {
  TenantId,
  TenantConfig,
  AlertThresholds,
  Tenant,
  AuditEvent,
  ApiKeyRole,
  ApiKey,
  Canary,
  AlertRecord,
} from './domain/tenant.js';
export {
  AgentAction,
  SpanEvent,
  TraceSpan,
  TraceEvent,
  traceSessionId,
  upgradeLegacyActions,
} from './domain/trace.js';
export type { TraceSpanInput } from './domain/trace.js';
export {
  ACTION_TYPES,
  ActionType,
  ACTION_TEXT_LIMIT_BYTES,
  AgentActionV2,
  truncateUtf8,
  boundAgentAction,
  parseAgentAction,
  actionsOfType,
  toolCalls,
  commands,
  webAccesses,
  fileAccesses,
  actionFlags,
} from './domain/agent-action.js';
export type {
  AgentActionV2Input,
  ActionOf,
  ActionFlags,
  FileOperation,
} from './domain/agent-action.js';
export {
  ToolCallRule,
  DEFAULT_TOOL_CALL_RULES,
  createToolCallClassifier,
  classifyToolCall,
} from './domain/classify-tool-call.js';
export type {
  ToolCallRuleInput,
  ToolCallClassification,
  ToolCallClassifier,
} from './domain/classify-tool-call.js';
export type {
  Page,
  HealthStatus,
  SpanFilter,
  SpanQuery,
  BatchWriteResult,
  ModelStats,
  TenantStats,
  TraceRepository,
  TraceCursor,
  TraceCounts,
  StoredApiKey,
  StoredCanary,
  NewCanary,
  MetadataRecordKind,
  MetadataRecords,
  NewTenant,
  TenantPatch,
  AuditQuery,
  NewAuditEvent,
  NewApiKey,
  AlertQuery,
  NewAlertRecord,
  MetadataRepository,
  CacheLayer,
  CounterReservation,
  Storage,
} from './repositories.js';
export { ConfigSchema } from './config/schema.js';
export type { Config, ConfigInput } from './config/schema.js';
export {
  resolveConfig,
  buildConfig,
  mergeLayers,
  envToLayer,
  envNameOf,
  interpolateEnv,
  formatPath,
  deepFreeze,
} from './config/resolve.js';
export type { ConfigIssue, ConfigResult, ConfigLayers } from './config/resolve.js';
export { listConfigKeys } from './config/config-keys.js';
export type { ConfigKey } from './config/config-keys.js';
export * from './pricing/index.js';
