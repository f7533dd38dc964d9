import { createContext, useContext } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { SessionInfo } from './api/types.js';

/** The signed-in session, for every page. */
export const SessionContext = createContext<SessionInfo | null>(null);

export function useSessionInfo(): SessionInfo {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSessionInfo outside the signed-in app');
  return session;
}

/**
 * The tenant the pages read. A tenant key reads only its own tenant; the admin key and auth-off
 * mode pick one with `?tenant=` (kept in the URL so links share the view), or read every tenant
 * when none is picked.
 */
export function useTenantScope(): string | undefined {
  const session = useSessionInfo();
  const [params] = useSearchParams();
  if (session.kind === 'tenant_key') return session.tenant_id ?? undefined;
  const picked = params.get('tenant');
  return picked === null || picked === '' ? undefined : picked;
}

/** True when the caller may manage tenants (admin key, or auth off). */
export function useIsGlobalAdmin(): boolean {
  const session = useSessionInfo();
  return session.kind !== 'tenant_key';
}

/** `path` with the current `?tenant=` carried along, for in-app links. */
export function useScopedHref(): (path: string, extra?: Record<string, string>) => string {
  const [params] = useSearchParams();
  const tenant = params.get('tenant');
  return (path, extra = {}) => {
    const query = new URLSearchParams(extra);
    if (tenant !== null && tenant !== '') query.set('tenant', tenant);
    const text = query.toString();
    return text === '' ? path : `${path}?${text}`;
  };
}

/** The caller's powers on a tenant's settings: read (operator and up) and manage (admin). */
export function useTenantRights(): { readonly read: boolean; readonly manage: boolean } {
  const session = useSessionInfo();
  const global = session.kind !== 'tenant_key';
  return { read: global || session.role !== 'viewer', manage: global || session.role === 'admin' };
}
