import type { AnalysisRequest, SecurityAnalyzer } from '@llmtrace/security';
import { describe, expect, it } from 'vitest';
import { analyseWithinBudget, DEFAULT_ANALYSIS_BUDGET } from './analysis-budget.js';

/** An analyzer that records what it was given (work is counted, not timed). */
function countingAnalyzer(onCall?: () => void) {
  const calls: AnalysisRequest[] = [];
  const analyzer = {
    analyzeRequest(request: AnalysisRequest) {
      calls.push(request);
      onCall?.();
      const hit = request.messages.findIndex((m) => m.content.includes('INJECT'));
      return hit === -1
        ? { score: 0, findings: [] }
        : {
            score: 90,
            findings: [
              {
                id: 'f',
                type: 'prompt_injection',
                severity: 'high' as const,
                confidence: 0.9,
                description: 'x',
                location: { side: 'request' as const, messageIndex: hit },
                owaspId: 'LLM01:2025',
                detectedAt: new Date(0).toISOString(),
                metadata: {},
              },
            ],
          };
    },
  } as unknown as SecurityAnalyzer;
  return { analyzer, calls };
}

const messages = (n: number, size = 2_000) =>
  Array.from({ length: n }, (_, i) => ({ role: 'user', content: `${i} ${'x'.repeat(size)}` }));

describe('analyseWithinBudget (issue 14, item 6)', () => {
  it('analyses a small request in one call, exactly as before', () => {
    const { analyzer, calls } = countingAnalyzer();
    const result = analyseWithinBudget(
      analyzer,
      { messages: messages(3, 10) },
      DEFAULT_ANALYSIS_BUDGET,
    );
    expect(calls).toHaveLength(1);
    expect(result.partial).toBeNull();
  });

  it('analyses 15,728 messages only up to the size budget, newest first, and says so', () => {
    const { analyzer, calls } = countingAnalyzer();
    const result = analyseWithinBudget(
      analyzer,
      { messages: messages(15_728) },
      DEFAULT_ANALYSIS_BUDGET,
    );
    const analysed = calls.reduce(
      (n, c) => n + c.messages.reduce((m, x) => m + x.content.length, 0),
      0,
    );
    expect(analysed).toBeLessThanOrEqual(DEFAULT_ANALYSIS_BUDGET.maxChars + 40_000);
    expect(calls.at(0)?.messages.at(-1)?.content.startsWith('15727 ')).toBe(true);
    expect(result.partial).toMatch(/of 15728 messages/);
  });

  it('stops starting new batches once the time budget has passed', () => {
    let now = 0;
    const realNow = performance.now.bind(performance);
    performance.now = () => now;
    try {
      const { analyzer, calls } = countingAnalyzer(() => (now += 30));
      const result = analyseWithinBudget(
        analyzer,
        { messages: messages(200) },
        {
          ...DEFAULT_ANALYSIS_BUDGET,
          timeoutMs: 50,
        },
      );
      expect(calls).toHaveLength(2);
      expect(result.partial).toMatch(/50 ms analysis budget/);
    } finally {
      performance.now = realNow;
    }
  });

  it('reports findings at their index in the whole request', () => {
    const { analyzer } = countingAnalyzer();
    const many = messages(300, 500);
    many[290] = { role: 'user', content: 'INJECT now' };
    const result = analyseWithinBudget(analyzer, { messages: many }, DEFAULT_ANALYSIS_BUDGET, {
      offset: 10,
    });
    expect(result.score).toBe(90);
    expect(result.findings[0]?.location?.messageIndex).toBe(300);
  });
});
