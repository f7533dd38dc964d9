import type { AnalysisRequest, SecurityAnalysis, SecurityAnalyzer } from '@llmtrace/security';
import type { ParsedRequest, ResponseSummary } from '../providers/types.js';
import {
  analyseWithinBudget,
  clipForAnalysis,
  DEFAULT_ANALYSIS_BUDGET,
  type AnalysisBudget,
} from './analysis-budget.js';

/** An analysis that may have left part of a large request out (issue 14, item 6). */
export type BudgetedSecurityAnalysis = SecurityAnalysis & {
  /** Why part of the request was not analysed (size or time budget), when it was not all. */
  readonly partial?: string | undefined;
};

/** Security analysis hook, run inside the capture job (off the request path). */
export type SpanAnalyzer = (input: {
  readonly request: ParsedRequest;
  readonly response: ResponseSummary;
  /** The request's analysis when it was already screened on the request path (flag/block modes). */
  readonly screened: BudgetedSecurityAnalysis | undefined;
  /** The exchange's tenant: the analyzer's scan cache is partitioned by it. */
  readonly tenantId: string;
}) => BudgetedSecurityAnalysis | null;

/**
 * The part of a conversation that is new in this request: everything after the last assistant turn.
 * Earlier turns were analysed when they were sent, so a long chat costs the same as a short one.
 */
export function newTurn(request: ParsedRequest): { analysis: AnalysisRequest; offset: number } {
  let start = 0;
  for (let i = request.messages.length - 1; i >= 0; i--) {
    if (request.messages[i]?.role === 'assistant') {
      start = i + 1;
      break;
    }
  }
  return {
    offset: start,
    analysis: {
      messages: request.messages.slice(start),
      system: request.system === null ? undefined : request.system,
    },
  };
}

/**
 * Analyses the new part of a request within the analysis budget; message indexes refer to the
 * whole request, and `partial` says what was left out (issue 14, item 6).
 */
export function analyseRequest(
  analyzer: SecurityAnalyzer,
  request: ParsedRequest,
  budget: AnalysisBudget = DEFAULT_ANALYSIS_BUDGET,
  tenantId?: string,
): BudgetedSecurityAnalysis {
  const { analysis, offset } = newTurn(request);
  // The tenant partitions the analyzer's scan cache: a repeated system prompt is analysed once.
  const result = analyseWithinBudget(analyzer, analysis, budget, {
    offset,
    options: tenantId === undefined ? undefined : { cachePartition: tenantId },
  });
  return {
    score: result.score,
    findings: result.findings,
    ...(result.partial === null ? {} : { partial: result.partial }),
  };
}

/** The newest messages of the new turn, as context for the response analysis (bounded). */
function responseContext(request: ParsedRequest, budget: AnalysisBudget): AnalysisRequest {
  const { analysis } = newTurn(request);
  const messages = analysis.messages.slice(-Math.min(budget.maxMessages, 64));
  return {
    messages: messages.map((m) => ({ role: m.role, content: clipForAnalysis(m.content) })),
    system: analysis.system === undefined ? undefined : clipForAnalysis(analysis.system),
  };
}

/**
 * The capture job's analysis: request (unless already screened on the request path) and response,
 * combined as the highest score and all findings, within the analysis budget.
 */
export function createSpanAnalyzer(
  analyzer: SecurityAnalyzer,
  budget: AnalysisBudget = DEFAULT_ANALYSIS_BUDGET,
): SpanAnalyzer {
  return ({ request, response, screened, tenantId }) => {
    if (request.messages.length === 0 && request.system === null && response.text === '')
      return null;
    const req = screened ?? analyseRequest(analyzer, request, budget, tenantId);
    const res =
      response.text === ''
        ? { score: 0, findings: [] }
        : analyzer.analyzeResponse(
            responseContext(request, budget),
            { text: clipForAnalysis(response.text) },
            { cachePartition: tenantId },
          );
    return {
      score: Math.max(req.score, res.score),
      findings: [...req.findings, ...res.findings],
      ...(req.partial === undefined ? {} : { partial: req.partial }),
    };
  };
}

/**
 * The request-path screen used by `flag` and `block` modes: analyses the request the exchange
 * read (the same reading as budget caps: a provider header, a BOM or a path variant does not skip
 * it — issue 14, item 4), within the analysis budget.
 */
export function createRequestScreen(
  analyzer: SecurityAnalyzer,
  budget: AnalysisBudget = DEFAULT_ANALYSIS_BUDGET,
): (request: ParsedRequest, tenantId: string) => BudgetedSecurityAnalysis {
  return (request, tenantId) => analyseRequest(analyzer, request, budget, tenantId);
}
