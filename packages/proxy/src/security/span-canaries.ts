import type { TraceSpan } from '@llmtrace/core';
import { canaryFindings, type CanaryMatcher } from '@llmtrace/security';

/**
 * A built span with the tenant's canaries looked for in its answer and its tool-call arguments
 * (issue 19): each canary found is one critical `system_prompt_leak` finding naming the canary id
 * (never its value), and the span's score becomes 100. Runs where built spans arrive (the proxy's
 * thread: the canary registry lives there, span workers have no storage), after the span is built
 * and before its hooks and write. A span without a hit is returned as it was.
 */
export function withCanaryFindings(span: TraceSpan, matcher: CanaryMatcher): TraceSpan {
  const found = [
    ...canaryFindings(matcher.scan(span.response ?? ''), 'response'),
    ...canaryFindings(
      matcher.scan(
        span.agentActions
          .map((a) => a.arguments)
          .filter((a): a is string => a !== null)
          .join('\n'),
      ),
      'tool_arguments',
    ),
  ];
  // A canary seen in the answer is named once, where it first turned up.
  const unique = found.filter(
    (f, i) => found.findIndex((g) => g.metadata['canaryId'] === f.metadata['canaryId']) === i,
  );
  if (unique.length === 0) return span;
  return { ...span, securityScore: 100, securityFindings: [...span.securityFindings, ...unique] };
}
