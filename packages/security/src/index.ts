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
export { redactPii } from './redact-pii.js';
export { normaliseText } from './normalise/normalise-text.js';
export type { NormalisedText, EvasionTechnique } from './normalise/normalise-text.js';
export { decodePayloads } from './decode/decode-payloads.js';
export type { DecodedPayload, PayloadEncoding } from './decode/decode-payloads.js';
export { detectPii } from './pii/detect-pii.js';
export type { PiiKind, PiiMatch } from './pii/detect-pii.js';
export { detectSecrets } from './secrets/detect-secrets.js';
export type { SecretMatch } from './secrets/detect-secrets.js';
export type { SecretKind } from './secrets/secret-rules.js';
export {
  InjectionClassifier,
  parseModelFile,
  CLASSIFIER_CLASSES,
} from './classifier/injection-classifier.js';
export type { ClassifierModelFile, ClassifierScore } from './classifier/injection-classifier.js';
export { extractFeatures, FEATURE_BITS, FEATURE_DIM } from './classifier/hashed-features.js';
export { combineScore, SEVERITY_WEIGHT } from './score/combine-score.js';
export { OWASP, OWASP_BY_TYPE } from './owasp.js';
export type { FindingType } from './owasp.js';
export { evaluate } from './eval/evaluate.js';
export type { EvalRecord, EvalMetrics, EvalReport, EvalOptions } from './eval/evaluate.js';
export { formatEvalReport } from './eval/format-eval-report.js';
export { createProgressBar, formatProgress } from './eval/progress-bar.js';
export type { ProgressSink, ProgressBarOptions } from './eval/progress-bar.js';
export { datasetSplit, HELD_BACK_PERCENT } from './eval/dataset-split.js';
export { maskValue } from './mask-value.js';
export { analyzeAction } from './actions/analyze-action.js';
export type { AnalyzeActionOptions } from './actions/analyze-action.js';
