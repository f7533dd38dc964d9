import { timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { LLMTraceError, type CacheLayer, type MetadataRepository } from '@llmtrace/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashKey, keyFromHeaders, type Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';
import { SessionStore, type OpenedSession, type SessionRecord } from './session-store.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'llmtrace_session';
/** Header that must echo the session's CSRF token on every state-changing call made with the cookie. */
export const CSRF_HEADER = 'x-llmtrace-csrf';
/** The sign-in route; the only one whose failures count towards the sign-in rate limit. */
export const SESSION_URL = '/api/v1/session';

/** Failed sign-ins allowed per client address per window before 429. */
const LOGIN_FAILURES_PER_WINDOW = 10;
const LOGIN_WINDOW_SECONDS = 60;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The value of one cookie in a `Cookie` header (RFC 6265 §5.4: `name=value` pairs split by `;`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** True when the request reached us over TLS, directly or through a TLS-terminating proxy. */
function overTls(request: FastifyRequest): boolean {
  if ((request.raw.socket as Partial<TLSSocket>).encrypted === true) return true;
  const forwarded = request.headers['x-forwarded-proto'];
  return typeof forwarded === 'string' && forwarded.split(',')[0]?.trim() === 'https';
}

/** The session a request was authenticated with, for the session routes. */
export interface RequestSession {
  readonly token: string;
  readonly record: SessionRecord;
}

/**
 * Authenticates API requests by key (headers) or by dashboard session (cookie).
 *
 * A key in the headers always wins and is checked as before. Otherwise the `llmtrace_session`
 * cookie is looked up server-side, and on every request the key it was opened with is checked
 * again, so revoking the key or deleting the tenant ends its sessions at once. State-changing calls
 * made with the cookie must echo the session's CSRF token in `X-LLMTrace-CSRF` (SameSite=Strict
 * already keeps the cookie off cross-site requests; the token also covers same-site subdomains).
 */
export class SessionAuth {
  readonly #store: SessionStore;
  readonly #cache: CacheLayer;
  readonly #meta: MetadataRepository;
  readonly #authenticator: Authenticator;
  readonly #adminHash: string | null;
  readonly #sessions = new WeakMap<FastifyRequest, RequestSession>();

  constructor(options: {
    readonly cache: CacheLayer;
    readonly metadata: MetadataRepository;
    readonly authenticator: Authenticator;
    readonly adminKey: string | undefined;
    readonly ttlSeconds?: number;
  }) {
    this.#store = new SessionStore(options.cache, options.ttlSeconds);
    this.#cache = options.cache;
    this.#meta = options.metadata;
    this.#authenticator = options.authenticator;
    this.#adminHash = options.adminKey === undefined ? null : hashKey(options.adminKey);
  }

  get enabled(): boolean {
    return this.#authenticator.enabled;
  }

  /** The principal of an API request (see the class comment for the order of checks). */
  async authenticate(request: FastifyRequest): Promise<Principal> {
    const key = keyFromHeaders(request.headers);
    if (key !== undefined || !this.#authenticator.enabled) {
      if (request.method === 'POST' && request.routeOptions.url === SESSION_URL)
        return this.#signIn(request, key);
      return this.#authenticator.resolveRequest(request.headers);
    }
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (token === undefined) return this.#authenticator.resolveRequest(request.headers);
    const record = await this.#store.get(token);
    if (record === null) {
      throw new LLMTraceError(
        'UNAUTHORIZED',
        'your session has expired or was ended; sign in again',
      );
    }
    if (UNSAFE.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameText(sent, record.csrfToken)) {
        throw new LLMTraceError(
          'FORBIDDEN',
          `a state-changing call with a session cookie needs the session's ${CSRF_HEADER} header`,
        );
      }
    }
    const principal = await this.#principalOf(record);
    if (principal === null) {
      await this.#store.close(token);
      throw new LLMTraceError(
        'UNAUTHORIZED',
        'the key this session was opened with was revoked (or its tenant deleted); sign in again',
      );
    }
    this.#sessions.set(request, { token, record });
    return principal;
  }

  /** The session the request came with, if it came with one. */
  sessionOf(request: FastifyRequest): RequestSession | undefined {
    return this.#sessions.get(request);
  }

  /** Opens a session for the key in the request's headers and sets the cookie. */
  async open(
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
  ): Promise<OpenedSession> {
    const key = keyFromHeaders(request.headers);
    if (key === undefined || principal.kind === 'anonymous') {
      throw new LLMTraceError(
        'BAD_REQUEST',
        'sign in by sending the key as Authorization: Bearer <key>',
      );
    }
    const opened = await this.#store.open({
      kind: principal.kind,
      keyHash: hashKey(key),
      tenantId: principal.kind === 'tenant_key' ? principal.tenantId : null,
    });
    void reply.header('set-cookie', this.#cookie(request, opened.token, this.#store.ttlSeconds));
    return opened;
  }

  /** Ends the request's session (if any) and clears the cookie. */
  async close(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const session = this.#sessions.get(request);
    if (session !== undefined) await this.#store.close(session.token);
    void reply.header('set-cookie', this.#cookie(request, '', 0));
  }

  #cookie(request: FastifyRequest, value: string, maxAge: number): string {
    // HttpOnly: page scripts never see it. SameSite=Strict: never sent on cross-site requests.
    // Path=/api/v1: the browser never attaches it to proxied calls, which are forwarded to the
    // provider with their headers. Secure only behind TLS, so plain-HTTP loopback use
    // (`npm start`) still works.
    return [
      `${SESSION_COOKIE}=${value}`,
      'Path=/api/v1',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${maxAge}`,
      ...(overTls(request) ? ['Secure'] : []),
    ].join('; ');
  }

  /** Sign-in: the key is checked as usual, but failures per client address are capped (429). */
  async #signIn(request: FastifyRequest, key: string | undefined): Promise<Principal> {
    if (!this.#authenticator.enabled) return this.#authenticator.resolveRequest(request.headers);
    const counter = `llmtrace:login-fail:${request.ip}`;
    const failures = Number((await this.#cache.get(counter)) ?? '0');
    if (failures >= LOGIN_FAILURES_PER_WINDOW) {
      throw new LLMTraceError(
        'RATE_LIMITED',
        'too many failed sign-ins from this address; wait a minute and try again',
      );
    }
    try {
      return await this.#authenticator.resolve(key);
    } catch (error) {
      if (error instanceof LLMTraceError && error.code === 'UNAUTHORIZED') {
        await this.#cache.increment(counter, 1, LOGIN_WINDOW_SECONDS);
        throw new LLMTraceError(
          'UNAUTHORIZED',
          'that key is not valid: check it was copied whole, and that it was not revoked',
        );
      }
      throw error;
    }
  }

  /** The principal a session stands for now, or null when its key no longer works. */
  async #principalOf(record: SessionRecord): Promise<Principal | null> {
    if (record.kind === 'admin_key') {
      return this.#adminHash !== null && sameText(record.keyHash, this.#adminHash)
        ? { kind: 'admin_key', actor: 'admin' }
        : null;
    }
    const key = await this.#meta.findApiKeyByHash(record.keyHash);
    if (key === null || key.revokedAt !== null) return null;
    const tenant = await this.#meta.getTenant(key.tenantId);
    if (tenant === null || tenant.deletedAt !== null) return null;
    return {
      kind: 'tenant_key',
      tenantId: key.tenantId,
      role: key.role,
      keyId: key.id,
      actor: `key:${key.prefix}`,
    };
  }
}
