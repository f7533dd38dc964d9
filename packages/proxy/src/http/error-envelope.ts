import type { ServerResponse } from 'node:http';
import { LLMTraceError, toLLMTraceError, type ErrorCode, type LLMProvider } from '@llmtrace/core';

/**
 * The error shape a client expects: `anthropic` for Anthropic clients
 * (`{"type":"error","error":{"type","message"}}`, docs.anthropic.com/en/api/errors), `openai` for
 * everyone else (`{"error":{"message","type","param","code"}}`, the shape OpenAI-compatible SDKs
 * read). Both carry LLMTrace's stable `code` and the `request_id` (the trace id).
 */
export type ErrorFormat = 'openai' | 'anthropic';

/** The error format for a provider's clients. */
export function errorFormatFor(provider: LLMProvider): ErrorFormat {
  return provider === 'anthropic' ? 'anthropic' : 'openai';
}

/**
 * What a client may read of a 5xx: a fixed sentence per code. The thrown message of a server-side
 * failure is never sent — driver errors carry hosts, ports, SQL and file paths (issue 13) — and
 * neither are its details; the server log keeps both under the same request id.
 */
const SERVER_MESSAGES: Readonly<Partial<Record<ErrorCode, string>>> = Object.freeze({
  UPSTREAM_UNREACHABLE: 'the upstream could not be reached',
  UPSTREAM_TIMEOUT: 'the upstream did not answer in time',
  STORAGE_UNAVAILABLE: 'LLMTrace storage is unavailable; the server log has the details',
  STORAGE_TIMEOUT: 'LLMTrace storage did not answer in time; the server log has the details',
  SERVICE_UNAVAILABLE: 'LLMTrace could not check this request; the server log has the details',
  OVERLOADED:
    'LLMTrace is reading too many request bodies at once; retry after the Retry-After delay',
  CONFIG_INVALID: 'LLMTrace is misconfigured; the server log has the details',
});
const GENERIC_5XX = 'internal error; the server log has the details for this request_id';

/** The message and details of an error as a client may see them. */
export function publicError(error: LLMTraceError): {
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
} {
  if (error.status < 500) return { message: error.message, details: error.details ?? {} };
  return { message: SERVER_MESSAGES[error.code] ?? GENERIC_5XX, details: {} };
}

/** Anthropic's `error.type` for a status (docs.anthropic.com/en/api/errors). */
function anthropicType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** OpenAI's `error.type` for a status (the values its API sends for each class of error). */
function openAiType(status: number, code: ErrorCode): string {
  if (code === 'BUDGET_EXCEEDED') return 'insufficient_quota';
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request_error';
  }
}

/**
 * The JSON body of an error in the client's format.
 *
 * @example
 * errorBody(new LLMTraceError('RATE_LIMITED', 'slow down'), 'req-1', 'anthropic');
 * // {"type":"error","error":{"type":"rate_limit_error","message":"slow down","code":"RATE_LIMITED"},"request_id":"req-1"}
 */
export function errorBody(error: LLMTraceError, requestId: string, format: ErrorFormat): string {
  const { message, details } = publicError(error);
  if (format === 'anthropic') {
    return JSON.stringify({
      type: 'error',
      error: { ...details, type: anthropicType(error.status), message, code: error.code },
      request_id: requestId,
    });
  }
  return JSON.stringify({
    error: {
      ...details,
      message,
      type: openAiType(error.status, error.code),
      param: null,
      code: error.code,
      request_id: requestId,
    },
  });
}

/** Options of {@link sendError}. */
export interface SendErrorOptions {
  readonly requestId: string;
  readonly format: ErrorFormat;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * Answers a request the proxy itself refuses or cannot serve (never an upstream error: those pass
 * through byte for byte). Once the response has started, an error can only cut the connection.
 */
export function sendError(
  res: ServerResponse,
  thrown: unknown,
  options: SendErrorOptions,
): LLMTraceError {
  const error = toLLMTraceError(thrown);
  if (res.headersSent) {
    res.destroy();
    return error;
  }
  const body = errorBody(error, options.requestId, options.format);
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-llmtrace-trace-id': options.requestId,
    ...options.headers,
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
