// The PII evaluation set and scorer (used by scripts/eval-pii.mjs and its CI test).
export { generatePiiEvalSet, fillCarrier } from './pii-eval-set.js';
export type {
  EvalEntity,
  EvalEntityKind,
  PiiEvalRecord,
  PiiEvalSetOptions,
} from './pii-eval-set.js';
export { scorePiiEval, shippedDetector } from './score-pii-eval.js';
export type { EvalDetector, EvalError, KindScore, PiiEvalReport } from './score-pii-eval.js';
export { formatPiiEvalReport } from './format-pii-eval-report.js';
