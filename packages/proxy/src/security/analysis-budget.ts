import { performance } from 'node:perf_hooks';
import type { SecurityFinding } from '@llmtrace/core';
import type {
  AnalysisMessage,
  AnalysisRequest,
  AnalyzeOptions,
  SecurityAnalyzer,
} from '@llmtrace/security';

/** Size and time allowed for analysing one request (issue 14, item 6). */
export interface AnalysisBudget {
  /** `security.analysis_timeout_ms`: no new batch starts after this. */
  readonly timeoutMs: number;
  /** Characters analysed at most, newest messages first. */
  readonly maxChars: number;
  /** Messages analysed at most, newest first. */
  readonly maxMessages: number;
}

/**
 * The default size budget. The analyzers run at about 8 MB/s here (a 30 MB body of 15,728
 * messages took 3.7 s: issue 14, item 6), so 256 K characters is ~30 ms — inside the default
 * 50 ms time budget.
 */
export const DEFAULT_ANALYSIS_BUDGET: AnalysisBudget = Object.freeze({
  timeoutMs: 50,
  maxChars: 256 * 1024,
  maxMessages: 256,
});

/** Text beyond this many characters per message is not analysed (head and tail are kept). */
export const MAX_MESSAGE_CHARS = 64 * 1024;
/** One analyzer call covers at most this much; the clock is checked between calls. */
const BATCH_CHARS = 32 * 1024;
const BATCH_MESSAGES = 64;

/** An analysis, and whether it covered everything. */
export interface BudgetedAnalysis {
  readonly score: number;
  readonly findings: SecurityFinding[];
  /** Why part of the request was not analysed, or null when all of it was. */
  readonly partial: string | null;
}

export function clipForAnalysis(text: string): string {
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  const half = MAX_MESSAGE_CHARS / 2;
  return `${text.slice(0, half)}\n${text.slice(-half)}`;
}

function shift(
  findings: readonly SecurityFinding[],
  toOriginal: readonly number[],
): SecurityFinding[] {
  return findings.map((f) => {
    const index = f.location?.messageIndex;
    if (index === undefined || f.location === undefined) return f;
    return { ...f, location: { ...f.location, messageIndex: toOriginal[index] ?? index } };
  });
}

/**
 * Analyses a request within a size and time budget. A request that fits one batch is analysed in
 * one call, exactly as before. A larger one is analysed newest message first (the new turn is what
 * an attack must be in to act now), in batches, until the size budget is used or the time budget
 * has passed; the result says what was left out, and spans record it as `analysis_partial`.
 * Message indexes in findings refer to `request.messages`, offset by `at.offset`; `at.options`
 * go to every analyzer call (the proxy passes the tenant's scan-cache partition).
 *
 * @example
 * const { score, partial } = analyseWithinBudget(analyzer, { messages, system }, DEFAULT_ANALYSIS_BUDGET);
 */
export function analyseWithinBudget(
  analyzer: SecurityAnalyzer,
  request: AnalysisRequest,
  budget: AnalysisBudget,
  at: { readonly offset: number; readonly options?: AnalyzeOptions | undefined } = { offset: 0 },
): BudgetedAnalysis {
  const { offset, options } = at;
  const messages = request.messages;
  let total = request.system?.length ?? 0;
  for (const m of messages) total += Math.min(m.content.length, MAX_MESSAGE_CHARS);
  if (total <= BATCH_CHARS && messages.length <= BATCH_MESSAGES) {
    const result = analyzer.analyzeRequest(
      {
        messages: messages.map((m) => ({ role: m.role, content: clipForAnalysis(m.content) })),
        system: request.system === undefined ? undefined : clipForAnalysis(request.system),
      },
      options,
    );
    return {
      score: result.score,
      findings: shift(
        result.findings,
        messages.map((_, i) => i + offset),
      ),
      partial: null,
    };
  }

  const started = performance.now();
  let score = 0;
  const findings: SecurityFinding[] = [];
  let analysedChars = 0;
  let analysedMessages = 0;
  let next = messages.length - 1;
  let system = request.system === undefined ? undefined : clipForAnalysis(request.system);
  let stop: 'size' | 'time' | null = null;
  while (next >= 0 || system !== undefined) {
    if (analysedChars >= budget.maxChars || analysedMessages >= budget.maxMessages) {
      stop = 'size';
      break;
    }
    if (analysedMessages > 0 && performance.now() - started > budget.timeoutMs) {
      stop = 'time';
      break;
    }
    const batch: AnalysisMessage[] = [];
    const toOriginal: number[] = [];
    let batchChars = system?.length ?? 0;
    while (next >= 0 && batch.length < BATCH_MESSAGES && batchChars < BATCH_CHARS) {
      const m = messages[next] as AnalysisMessage;
      const content = clipForAnalysis(m.content);
      batch.unshift({ role: m.role, content });
      toOriginal.unshift(next + offset);
      batchChars += content.length;
      next--;
    }
    const result = analyzer.analyzeRequest({ messages: batch, system }, options);
    system = undefined;
    score = Math.max(score, result.score);
    findings.push(...shift(result.findings, toOriginal));
    analysedChars += batchChars;
    analysedMessages += batch.length;
  }
  if (stop === null) return { score, findings, partial: null };
  const skipped = next + 1;
  return {
    score,
    findings,
    partial:
      stop === 'time'
        ? `analysed the newest ${analysedMessages} of ${messages.length} messages within the ${budget.timeoutMs} ms analysis budget (security.analysis_timeout_ms); ${skipped} older messages not analysed`
        : `analysed the newest ${analysedMessages} of ${messages.length} messages (${analysedChars} characters, the size budget); ${skipped} older messages not analysed`,
  };
}
