import { ApiKeyRole } from '@llmtrace/core';
import { z } from 'zod';
import type { Principal } from '../principal.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { SESSION_URL, type SessionAuth } from '../session-auth.js';

/** Who the dashboard is signed in as (internal camelCase; the API answers snake_case). */
const SessionInfo = z.object({
  /** False when the proxy runs without authentication: no sign-in, every tenant readable. */
  authEnabled: z.boolean(),
  /** `admin_key` (every tenant), `tenant_key` (one tenant) or `anonymous` (auth off). */
  kind: z.enum(['admin_key', 'tenant_key', 'anonymous']),
  /** The tenant a tenant key is bound to; null for the admin key and with auth off. */
  tenantId: z.string().nullable(),
  /** Role of a tenant key; `admin` for the admin key and with auth off. */
  role: ApiKeyRole,
  actor: z.string(),
  /** Echo it in `X-LLMTrace-CSRF` on POST/PUT/DELETE made with the session cookie. */
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
type SessionInfo = z.input<typeof SessionInfo>;

function describe(
  principal: Principal,
  authEnabled: boolean,
  session: { csrfToken: string; expiresAt: string } | undefined,
): SessionInfo {
  return {
    authEnabled,
    kind: principal.kind,
    tenantId: principal.kind === 'tenant_key' ? principal.tenantId : null,
    role: principal.kind === 'tenant_key' ? principal.role : 'admin',
    actor: principal.actor,
    csrfToken: session?.csrfToken ?? null,
    expiresAt: session?.expiresAt ?? null,
  };
}

/**
 * Dashboard sign-in: `POST` exchanges the key in `Authorization: Bearer` for an HttpOnly session
 * cookie (the key never reaches browser storage), `GET` says who is signed in, `DELETE` signs out.
 */
export function sessionRoutes(sessions: SessionAuth): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: SESSION_URL,
      summary:
        'Sign in to the dashboard: send a key as a bearer token, get an HttpOnly session cookie (failed attempts are rate-limited)',
      tag: 'session',
      role: 'viewer',
      response: SessionInfo,
      handler: async ({ principal, request, reply }) => {
        if (!sessions.enabled) return describe(principal, false, undefined);
        const opened = await sessions.open(request, reply, principal);
        return describe(principal, true, opened.record);
      },
    }),
    defineRoute({
      method: 'GET',
      url: SESSION_URL,
      summary: 'Who the caller is signed in as, and the CSRF token of its session',
      tag: 'session',
      role: 'viewer',
      response: SessionInfo,
      handler: ({ principal, request }) =>
        Promise.resolve(describe(principal, sessions.enabled, sessions.sessionOf(request)?.record)),
    }),
    defineRoute({
      method: 'DELETE',
      url: SESSION_URL,
      summary: 'Sign out: ends the session server-side and clears the cookie',
      tag: 'session',
      role: 'viewer',
      response: z.object({ signedOut: z.literal(true) }),
      handler: async ({ request, reply }) => {
        await sessions.close(request, reply);
        return { signedOut: true as const };
      },
    }),
  ];
}
