import type { LLMProvider, SecurityFinding } from '@llmtrace/core';
import type { AnalysisRequest, SecurityAnalyzer } from '@llmtrace/security';
import type { ParsedRequest, ProviderAdapter } from '../providers/types.js';
import type { RequestScreening, SpanAnalyzer } from '../capture/build-span.js';
import { readRequest } from '../providers/read-request.js';
import {
  analyseWithinBudget,
  clipForAnalysis,
  DEFAULT_ANALYSIS_BUDGET,
  type AnalysisBudget,
} from './analysis-budget.js';

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
): { score: number; findings: SecurityFinding[]; partial?: string | undefined } {
  const { analysis, offset } = newTurn(request);
  const result = analyseWithinBudget(analyzer, analysis, offset, budget);
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
  return ({ request, response, screened }) => {
    if (request.messages.length === 0 && request.system === null && response.text === '')
      return null;
    const req = screened ?? analyseRequest(analyzer, request, budget);
    const res =
      response.text === ''
        ? { score: 0, findings: [] }
        : analyzer.analyzeResponse(responseContext(request, budget), {
            text: clipForAnalysis(response.text),
          });
    return {
      score: Math.max(req.score, res.score),
      findings: [...req.findings, ...res.findings],
      ...(req.partial === undefined ? {} : { partial: req.partial }),
    };
  };
}

/**
 * The request-path screen used by `flag` and `block` modes. It reads the body exactly as budget
 * caps do ({@link readRequest}): a provider header, a BOM or a path variant no longer skips the
 * screen (issue 14, item 4). Returns null when there is nothing to screen (not a generation
 * request), and a `refusal` when a generation request's body cannot be read — block mode refuses
 * those rather than forward what it could not check.
 */
export function createRequestScreen(
  analyzer: SecurityAnalyzer,
  _adapterFor?: (provider: LLMProvider) => ProviderAdapter | null,
  budget: AnalysisBudget = DEFAULT_ANALYSIS_BUDGET,
): (
  provider: LLMProvider,
  body: Buffer,
  facts?: { readonly method: string; readonly path: string },
) => RequestScreening | null {
  return (provider, body, facts) => {
    const reading = readRequest(provider, facts?.method ?? 'POST', facts?.path ?? '', body);
    if (reading.kind === 'none') return null;
    if (reading.kind === 'unreadable') {
      return {
        score: 0,
        findings: [],
        refusal: `LLMTrace could not read this request to screen it: ${reading.reason}`,
      };
    }
    return analyseRequest(analyzer, reading.request, budget);
  };
}
