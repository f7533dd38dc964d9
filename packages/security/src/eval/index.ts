// `@llmtrace/security/eval`: evaluation and training tooling (metrics, reports, progress bar,
// leave-one-source-out, the trainer). Kept off the package root so the proxy's request path never
// loads it (STYLE.md rule 2).
export { evaluate, computeMetrics } from './evaluate.js';
export type { EvalRecord, EvalMetrics, EvalReport, EvalOptions } from './evaluate.js';
export { formatEvalReport } from './format-eval-report.js';
export { createProgressBar, formatProgress } from './progress-bar.js';
export type { ProgressSink, ProgressBarOptions } from './progress-bar.js';
export { rocAuc } from './roc-auc.js';
export { datasetSplit, HELD_BACK_PERCENT } from './dataset-split.js';
export {
  BUNDLED_DATA_DIRS,
  HARMFUL_SOURCES,
  parseLabelledJsonl,
  readLabelledDirs,
} from '../train/labelled-data.js';
export type { DataProblem, LabelledRecord } from '../train/labelled-data.js';
export {
  DEFAULT_TRAIN_OPTIONS,
  featurise,
  toModelFile,
  trainWeights,
} from '../train/train-classifier.js';
export type { FeaturisedRecord, TrainOptions, TrainedWeights } from '../train/train-classifier.js';
export {
  DEFAULT_TARGET_FPR,
  calibrateRules,
  fitClassifier,
  leaveOneSourceOut,
  outOfGroupLogits,
  prepareTrainingSet,
} from '../train/leave-one-source-out.js';
export { leaveOneSourceOutInParallel } from '../train/loso-threads.js';
export type { ParallelLosoOptions } from '../train/loso-threads.js';
export type {
  FitOptions,
  FittedClassifier,
  LosoOptions,
  LosoReport,
  RuleSignal,
  TrainingSet,
} from '../train/leave-one-source-out.js';
export { formatLosoReport } from '../train/format-loso-report.js';
export {
  CLASSIFIER_CLASSES,
  InjectionClassifier,
  parseModelFile,
} from '../classifier/injection-classifier.js';
export type { ClassifierModelFile, ClassifierScore } from '../classifier/injection-classifier.js';
export { cuesOf, CUE_NAMES } from '../classifier/hashed-features.js';
export { createAnalyzer } from '../analyzer.js';
