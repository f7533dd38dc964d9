import type { TraceEvent, TraceSpan } from '@llmtrace/core';
import { LLMTraceError } from '@llmtrace/core/errors';
import { parseTime } from './parse-time.js';

/** Rejects a missing or empty identifier with `VALIDATION_FAILED` naming the field. */
export function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new LLMTraceError('VALIDATION_FAILED', `span ${field} must be a non-empty string`, {
      details: { field },
    });
  }
}

/**
 * Checks what every trace backend relies on and returns the start time in epoch ms. Shared so
 * that memory, SQLite and ClickHouse reject the same spans with the same messages.
 */
export function validateSpan(span: TraceSpan): number {
  requireText(span.spanId, 'spanId');
  requireText(span.traceId, 'traceId');
  requireText(span.tenantId, 'tenantId');
  requireText(span.operationName, 'operationName');
  requireText(span.provider, 'provider');
  return parseTime(span.startTime, 'startTime');
}

/**
 * Checks a whole trace before anything is written: its id and time, and that every span belongs
 * to it. Returns the trace's creation time and each span's start, in epoch ms.
 */
export function validateTrace(trace: TraceEvent): {
  readonly createdMs: number;
  readonly starts: number[];
} {
  requireText(trace.traceId, 'traceId');
  const createdMs = parseTime(trace.createdAt, 'createdAt');
  const starts = trace.spans.map((span) => {
    if (span.tenantId !== trace.tenantId || span.traceId !== trace.traceId) {
      throw new LLMTraceError(
        'VALIDATION_FAILED',
        `span ${span.spanId} does not belong to trace ${trace.traceId} of tenant ${trace.tenantId}`,
      );
    }
    return validateSpan(span);
  });
  return { createdMs, starts };
}
