/** An error answer of the API (`{ error: { code, message, request_id } }`) or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

/**
 * The session's CSRF token, in memory only: it is read from `GET /api/v1/session` after every page
 * load, never written to localStorage (the session itself is an HttpOnly cookie scripts cannot read).
 */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'DELETE']);

function errorOf(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = body.error;
    if (typeof error === 'object' && error !== null) {
      const e = error as { code?: unknown; message?: unknown; request_id?: unknown };
      return new ApiError(
        status,
        typeof e.code === 'string' ? e.code : 'ERROR',
        typeof e.message === 'string' ? e.message : `the server answered ${status}`,
        typeof e.request_id === 'string' ? e.request_id : undefined,
      );
    }
  }
  return new ApiError(status, 'ERROR', `the server answered ${status}`);
}

/**
 * Calls the API on this origin with the session cookie. `bearer` is used only by the sign-in form
 * (the key goes to the server once, in a header, and is not kept).
 */
export async function api<T>(
  path: string,
  options: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; bearer?: string } = {},
): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`;
  if (UNSAFE.has(method) && csrfToken !== null) headers['x-llmtrace-csrf'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the LLMTrace server cannot be reached; is it running?');
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'BAD_RESPONSE', `unexpected answer (${response.status})`);
    }
  }
  if (!response.ok) throw errorOf(response.status, body);
  return body as T;
}

/** `path?query` with empty values left out. */
export function withQuery(
  path: string,
  query: Record<string, string | number | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
