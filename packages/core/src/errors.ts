/**
 * The closed set of LLMTrace error codes and their HTTP statuses.
 *
 * Adding a code without a status fails to compile (`Record<ErrorCode, number>`), so the edge handler
 * can never meet a code it does not know how to answer.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'BUDGET_EXCEEDED',
  'TOKEN_CAP_EXCEEDED',
  'SECURITY_BLOCKED',
  'UPSTREAM_UNREACHABLE',
  'UPSTREAM_TIMEOUT',
  'STORAGE_UNAVAILABLE',
  'STORAGE_CONFLICT',
  'STORAGE_TIMEOUT',
  'CONFIG_INVALID',
  'SERVICE_UNAVAILABLE',
  /** Too many request bodies in memory at once (`limits.max_inflight_body_bytes`): retry later. */
  'OVERLOADED',
  'INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * HTTP status for every error code.
 *
 * @example
 * HTTP_STATUS.NOT_FOUND; // 404
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  BUDGET_EXCEEDED: 429,
  TOKEN_CAP_EXCEEDED: 400,
  SECURITY_BLOCKED: 403,
  UPSTREAM_UNREACHABLE: 502,
  UPSTREAM_TIMEOUT: 504,
  STORAGE_UNAVAILABLE: 503,
  STORAGE_CONFLICT: 409,
  STORAGE_TIMEOUT: 504,
  CONFIG_INVALID: 500,
  SERVICE_UNAVAILABLE: 503,
  OVERLOADED: 503,
  INTERNAL: 500,
});

/** Options accepted by {@link LLMTraceError}. */
export interface LLMTraceErrorOptions {
  readonly cause?: unknown;
  /** Machine-readable details that are safe to show to the caller (field names, limits…). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The one error type of LLMTrace: a stable code, a message, the original cause and optional details.
 *
 * @example
 * throw new LLMTraceError('NOT_FOUND', 'trace 42 does not exist');
 */
export class LLMTraceError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: LLMTraceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LLMTraceError';
    this.code = code;
    this.details = options.details;
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return HTTP_STATUS[this.code];
  }

  /** True for errors the caller caused (4xx); their message may be shown as is. */
  get isClientError(): boolean {
    return this.status < 500;
  }
}

/**
 * Turns anything thrown into an {@link LLMTraceError}; unknown errors become `INTERNAL` with the
 * original kept in `cause`.
 *
 * @example
 * const err = toLLMTraceError(new Error('boom')); // err.code === 'INTERNAL'
 */
export function toLLMTraceError(thrown: unknown): LLMTraceError {
  if (thrown instanceof LLMTraceError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new LLMTraceError('INTERNAL', message, { cause: thrown });
}

/**
 * True when `value` is an {@link LLMTraceError} with the given code.
 *
 * @example
 * if (isErrorCode(err, 'NOT_FOUND')) reply.code(404);
 */
export function isErrorCode(value: unknown, code: ErrorCode): value is LLMTraceError {
  return value instanceof LLMTraceError && value.code === code;
}
