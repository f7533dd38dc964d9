import { createAnalyzer } from './analyzer.js';
import type { SecurityAnalyzer } from './analyzer.js';
import type {
  AnalysisRequest,
  AnalysisResponse,
  AnalyzeOptions,
  SecurityAnalysis,
} from './types.js';

let shared: SecurityAnalyzer | undefined;

function instance(): SecurityAnalyzer {
  shared ??= createAnalyzer();
  return shared;
}

/**
 * Analyses one text (as a user message) with the bundled rules and model.
 *
 * @example
 * analyze('Ignore all previous instructions').score >= 50; // true
 */
export function analyze(text: string, options?: AnalyzeOptions): SecurityAnalysis {
  return instance().analyze(text, options);
}

/** Analyses a request with the bundled rules and model; see {@link SecurityAnalyzer}. */
export function analyzeRequest(
  request: AnalysisRequest,
  options?: AnalyzeOptions,
): SecurityAnalysis {
  return instance().analyzeRequest(request, options);
}

/** Analyses an answer against its request; see {@link SecurityAnalyzer}. */
export function analyzeResponse(
  request: AnalysisRequest,
  response: AnalysisResponse,
  options?: AnalyzeOptions,
): SecurityAnalysis {
  return instance().analyzeResponse(request, response, options);
}
