import { LLMTraceError, type ErrorCode } from '@llmtrace/core';

function text(error: unknown, name: 'code' | 'message' | 'name'): string {
  if (typeof error !== 'object' || error === null || !(name in error)) return '';
  const value = (error as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

function codeFor(error: unknown): ErrorCode {
  const message = text(error, 'message');
  // Raised by our scripts for a key that does not hold a number (see redis-scripts.ts).
  if (message.includes('LLMTRACE_NOT_A_NUMBER') || message.startsWith('WRONGTYPE')) {
    return 'VALIDATION_FAILED';
  }
  // ioredis `commandTimeout`, and a socket that timed out connecting.
  if (/timed out|timeout/i.test(message) || text(error, 'code') === 'ETIMEDOUT') {
    return 'STORAGE_TIMEOUT';
  }
  if (message.startsWith('BUSY')) return 'STORAGE_TIMEOUT'; // a script is still running
  return 'STORAGE_UNAVAILABLE';
}

/**
 * Turns anything the Redis client throws into an `LLMTraceError` with the original in `cause` —
 * the one place that knows Redis error shapes (STYLE rule 6).
 *
 * @example
 * try { await redis.send('GET', [key]); } catch (error) { throw translateRedisError(error, 'get'); }
 */
export function translateRedisError(error: unknown, operation: string): LLMTraceError {
  if (error instanceof LLMTraceError) return error;
  const code = codeFor(error);
  const reason = error instanceof Error ? error.message : String(error);
  const message =
    code === 'VALIDATION_FAILED' && reason.includes('LLMTRACE_NOT_A_NUMBER')
      ? `cache key ${reason.split('LLMTRACE_NOT_A_NUMBER ')[1] ?? ''} does not hold a number`
      : `redis ${operation} failed: ${reason}`;
  return new LLMTraceError(code, message, {
    cause: error,
    details: { operation, driverError: text(error, 'name') || null },
  });
}
