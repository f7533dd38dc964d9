// The package root: what the proxy and library users call. Evaluation and training tooling is
// behind `@llmtrace/security/eval`.
export { analyze, analyzeRequest, analyzeResponse } from './default-analyzer.js';
export { createAnalyzer } from './analyzer.js';
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
