import { LLMTraceError } from '@llmtrace/core';

/** Rejects TTLs a cache cannot honour: they must be finite and positive (seconds, may be fractional). */
export function assertTtl(ttlSeconds: number | undefined): void {
  if (ttlSeconds === undefined) return;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new LLMTraceError('VALIDATION_FAILED', `ttlSeconds must be > 0, got ${ttlSeconds}`, {
      details: { field: 'ttlSeconds' },
    });
  }
}
