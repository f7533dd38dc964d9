// `@llmtrace/security/ml`: the optional transformer tier (issue 20, item 6). Importing this subpath
// loads neither onnxruntime-node nor the tokenizer: only the worker threads started by
// MlScorerPool.start do.
export { MlScorerPool } from './ml-scorer-pool.js';
export type { MlOutcome, MlScorer, MlScorerPoolOptions, MlStats } from './ml-scorer-pool.js';
export { combineWithMl, ML_FINDING_PROBABILITY } from './combine-ml-score.js';
export type { MlVerdict } from './combine-ml-score.js';
export { loadModelConfig, truncateIds } from './ml-model.js';
export type { ModelConfig } from './ml-model.js';
export { softmaxSum } from './softmax.js';
