import type { SecurityFinding } from '@llmtrace/core';
import type { AnalysisRequest, SecurityAnalysis, SecurityAnalyzer } from '@llmtrace/security';
import type { ParsedRequest, ResponseSummary } from '../providers/types.js';

/** Security analysis hook, run inside the capture job (off the request path). */
export type SpanAnalyzer = (input: {
  readonly request: ParsedRequest;
  readonly response: ResponseSummary;
  /** The request's analysis when it was already screened on the request path (flag/block modes). */
  readonly screened: SecurityAnalysis | undefined;
}) => SecurityAnalysis | null;

/** Text beyond this many characters per message is not analysed (head and tail are kept). */
const MAX_ANALYSED_CHARS = 64 * 1024;

function clipForAnalysis(text: string): string {
  if (text.length <= MAX_ANALYSED_CHARS) return text;
  const half = MAX_ANALYSED_CHARS / 2;
  return `${text.slice(0, half)}\n${text.slice(-half)}`;
}

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
      messages: request.messages
        .slice(start)
        .map((m) => ({ role: m.role, content: clipForAnalysis(m.content) })),
      system: request.system === null ? undefined : clipForAnalysis(request.system),
    },
  };
}

function shiftIndex(findings: readonly SecurityFinding[], offset: number): SecurityFinding[] {
  if (offset === 0) return [...findings];
  return findings.map((f) =>
    f.location?.messageIndex === undefined
      ? f
      : { ...f, location: { ...f.location, messageIndex: f.location.messageIndex + offset } },
  );
}

/** Analyses the new part of a request; message indexes refer to the whole request. */
export function analyseRequest(
  analyzer: SecurityAnalyzer,
  request: ParsedRequest,
): SecurityAnalysis {
  const { analysis, offset } = newTurn(request);
  const result = analyzer.analyzeRequest(analysis);
  return { score: result.score, findings: shiftIndex(result.findings, offset) };
}

/**
 * The capture job's analysis: request (unless already screened on the request path) and response,
 * combined as the highest score and all findings.
 */
export function createSpanAnalyzer(analyzer: SecurityAnalyzer): SpanAnalyzer {
  return ({ request, response, screened }) => {
    if (request.messages.length === 0 && request.system === null && response.text === '')
      return null;
    const req = screened ?? analyseRequest(analyzer, request);
    const { analysis } = newTurn(request);
    const res =
      response.text === ''
        ? { score: 0, findings: [] }
        : analyzer.analyzeResponse(analysis, { text: clipForAnalysis(response.text) });
    return {
      score: Math.max(req.score, res.score),
      findings: [...req.findings, ...res.findings],
    };
  };
}

/**
 * The request-path screen used by `flag` and `block` modes: analyses the request the exchange
 * parsed (bodies it could not read are forwarded as usual, unscreened).
 */
export function createRequestScreen(
  analyzer: SecurityAnalyzer,
): (request: ParsedRequest) => SecurityAnalysis {
  return (request) => analyseRequest(analyzer, request);
}
