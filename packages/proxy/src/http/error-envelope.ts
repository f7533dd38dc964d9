import type { ServerResponse } from 'node:http';
import { LLMTraceError, type ErrorCode, toLLMTraceError } from '@llmtrace/core';

/**
 * Writes `{ error: { code, message, request_id } }` with the code's HTTP status. The message of a
 * 5xx is replaced by a generic one unless it was written for clients, so internals never leak.
 */
export function sendError(
  res: ServerResponse,
  thrown: unknown,
  requestId: string,
  extraHeaders?: Readonly<Record<string, string>>,
): LLMTraceError {
  const error = toLLMTraceError(thrown);
  if (res.headersSent) {
    res.destroy();
    return error;
  }
  const message = error.code === 'INTERNAL' ? 'internal error' : error.message;
  const body = JSON.stringify({
    error: { code: error.code, message, request_id: requestId, ...(error.details ?? {}) },
  });
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-llmtrace-trace-id': requestId,
    ...extraHeaders,
  });
  res.end(body);
  return error;
}

/** Shorthand for an error with a code and a client-safe message. */
export function clientError(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): LLMTraceError {
  return new LLMTraceError(code, message, details === undefined ? {} : { details });
}
