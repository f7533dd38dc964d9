// The package root: what the proxy and library users call. Evaluation and training tooling is
// behind `@llmtrace/security/eval`.
export { analyze, analyzeRequest, analyzeResponse } from './default-analyzer.js';
export { createAnalyzer } from './analyzer.js';
export { ScanCache } from './scan-cache.js';
export type { ScanCacheOptions } from './scan-cache.js';
export type { SecurityAnalyzer, AnalyzerConfig } from './analyzer.js';
export type {
  AnalysisMessage,
  AnalysisRequest,
  AnalysisResponse,
  AnalyzeOptions,
  SecurityAnalysis,
} from './types.js';
export type { InjectionClassifier } from './classifier/injection-classifier.js';
export { redactPii } from './redact-pii.js';
export { analyzeAction } from './actions/analyze-action.js';
export { combineScore } from './score/combine-score.js';
export type { AnalyzeActionOptions } from './actions/analyze-action.js';
export { CanaryMatcher } from './canary/canary-matcher.js';
export type { CanaryToken, CanaryHit, CanaryEncoding } from './canary/canary-matcher.js';
export { CanaryStreamScanner } from './canary/canary-stream-scanner.js';
export { canaryFindings } from './canary/canary-findings.js';
export type { CanaryPlace } from './canary/canary-findings.js';
