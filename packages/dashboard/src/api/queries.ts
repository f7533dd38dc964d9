import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { PAGE_SIZE } from '../lib/url-state.js';
import { api, ApiError, setCsrfToken, withQuery } from './client.js';
import type {
  ActionPage,
  ActionSummary,
  ActionType,
  AlertRecord,
  Canary,
  ComplianceReport,
  ApiKey,
  AuditEvent,
  Costs,
  KeyRole,
  Page,
  SessionInfo,
  Span,
  Stats,
  Tenant,
  TimeSeries,
  Trace,
} from './types.js';

/** Refresh interval of "live" views (traces list, overview). */
export const LIVE_REFRESH_MS = 10_000;

/**
 * Drops every cached answer except the session's: they belong to the previous caller. (Clearing the
 * whole cache would also detach the app's session observer, which then never sees the new session.)
 */
function forgetData(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
}

/** Who is signed in; null when signed out (401), so the app shows the sign-in form. */
export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async (): Promise<SessionInfo | null> => {
      try {
        const info = await api<SessionInfo>('/api/v1/session');
        setCsrfToken(info.csrf_token);
        return info;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    // A wrong key's 401 is an answer to show in the form, not a sign that a session ended.
    meta: { expectedUnauthorized: true },
    mutationFn: (key: string) =>
      api<SessionInfo>('/api/v1/session', { method: 'POST', bearer: key }),
    onSuccess: (info) => {
      setCsrfToken(info.csrf_token);
      forgetData(client);
      client.setQueryData(['session'], info);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<unknown>('/api/v1/session', { method: 'DELETE' }),
    onSettled: () => {
      setCsrfToken(null);
      forgetData(client);
      client.setQueryData(['session'], null);
    },
  });
}

type Range = { from: string; to: string };

export function useStats(tenant: string | undefined, range: Range, live = false) {
  return useQuery({
    queryKey: ['stats', tenant, range.from, range.to],
    queryFn: () =>
      api<Stats>(withQuery('/api/v1/stats', { tenant_id: tenant, from: range.from, to: range.to })),
    refetchInterval: live ? LIVE_REFRESH_MS : false,
    placeholderData: keepPreviousData,
  });
}

export function useTimeSeries(
  tenant: string | undefined,
  range: Range & { intervalSeconds: number },
  live = false,
) {
  return useQuery({
    queryKey: ['timeseries', tenant, range],
    queryFn: () =>
      api<TimeSeries>(
        withQuery('/api/v1/stats/timeseries', {
          tenant_id: tenant,
          from: range.from,
          to: range.to,
          interval_seconds: range.intervalSeconds,
        }),
      ),
    refetchInterval: live ? LIVE_REFRESH_MS : false,
    placeholderData: keepPreviousData,
  });
}

export function useTraces(query: URLSearchParams, live: boolean) {
  return useQuery({
    queryKey: ['traces', query.toString()],
    queryFn: () => api<Page<Trace>>(`/api/v1/traces?${query.toString()}`),
    refetchInterval: live ? LIVE_REFRESH_MS : false,
    placeholderData: keepPreviousData,
  });
}

export function useTrace(id: string, tenant: string | undefined) {
  return useQuery({
    queryKey: ['trace', id, tenant],
    queryFn: () =>
      api<Trace>(withQuery(`/api/v1/traces/${encodeURIComponent(id)}`, { tenant_id: tenant })),
  });
}

export function useFindings(
  tenant: string | undefined,
  filter: Range & { type?: string | undefined; severity?: string | undefined },
) {
  return useQuery({
    queryKey: ['findings', tenant, filter],
    queryFn: () =>
      api<Page<Span>>(
        withQuery('/api/v1/security/findings', {
          tenant_id: tenant,
          limit: 200,
          from: filter.from,
          to: filter.to,
          type: filter.type,
          severity: filter.severity,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Budget windows of one tenant; `enabled` false while no tenant is chosen (the API needs one). */
export function useCosts(tenant: string | undefined, agent: string | undefined, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: ['costs', tenant, agent],
    queryFn: () =>
      api<Costs>(withQuery('/api/v1/costs/current', { tenant_id: tenant, agent_id: agent })),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useTenants(enabled: boolean) {
  return useQuery({
    queryKey: ['tenants'],
    queryFn: () => api<Page<Tenant>>('/api/v1/tenants?limit=1000'),
    enabled,
    staleTime: 30_000,
  });
}

export function useKeys(tenant: string | undefined) {
  return useQuery({
    queryKey: ['keys', tenant],
    queryFn: () =>
      api<{ items: ApiKey[] }>(`/api/v1/tenants/${encodeURIComponent(tenant ?? '')}/keys`),
    enabled: tenant !== undefined,
  });
}

/** Audit events per page. */
export const AUDIT_PAGE_SIZE = 20;

export function useAudit(tenant: string | undefined, page: number) {
  return useQuery({
    queryKey: ['audit', tenant, page],
    queryFn: () =>
      api<Page<AuditEvent>>(
        withQuery('/api/v1/audit', {
          tenant_id: tenant,
          limit: AUDIT_PAGE_SIZE,
          offset: (page - 1) * AUDIT_PAGE_SIZE,
        }),
      ),
    enabled: tenant !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useAlerts(tenant: string | undefined, status: string | undefined, page: number) {
  return useQuery({
    queryKey: ['alerts', tenant, status, page],
    queryFn: () =>
      api<Page<AlertRecord>>(
        withQuery('/api/v1/alerts', {
          tenant_id: tenant,
          status,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        }),
      ),
    refetchInterval: LIVE_REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}

export function useCreateTenant() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { id: string; name: string }) =>
      api<Tenant>('/api/v1/tenants', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenants'] }),
  });
}

export function useCreateKey(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; role: KeyRole }) =>
      api<ApiKey & { key: string }>(`/api/v1/tenants/${encodeURIComponent(tenant)}/keys`, {
        method: 'POST',
        body,
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['keys', tenant] });
      await client.invalidateQueries({ queryKey: ['audit', tenant] });
    },
  });
}

export function useRevokeKey(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) =>
      api<unknown>(
        `/api/v1/tenants/${encodeURIComponent(tenant)}/keys/${encodeURIComponent(keyId)}`,
        { method: 'DELETE' },
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['keys', tenant] });
      await client.invalidateQueries({ queryKey: ['audit', tenant] });
    },
  });
}

/** The Actions page's filters (`has_finding` as the API's `true`/`false`). */
export interface ActionFilter {
  readonly type?: ActionType | undefined;
  readonly name?: string | undefined;
  readonly hasFinding?: boolean | undefined;
}

export function useActions(
  tenant: string | undefined,
  range: Range,
  filter: ActionFilter,
  page: number,
) {
  return useQuery({
    queryKey: ['actions', tenant, range, filter, page],
    queryFn: () =>
      api<ActionPage>(
        withQuery('/api/v1/actions', {
          tenant_id: tenant,
          from: range.from,
          to: range.to,
          type: filter.type,
          name: filter.name,
          has_finding: filter.hasFinding === undefined ? undefined : String(filter.hasFinding),
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useActionSummary(tenant: string | undefined, range: Range) {
  return useQuery({
    queryKey: ['actions-summary', tenant, range.from, range.to],
    queryFn: () =>
      api<ActionSummary>(
        withQuery('/api/v1/actions/summary', {
          tenant_id: tenant,
          from: range.from,
          to: range.to,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** A tenant's canaries (mounted only with one tenant in view: the API needs one). */
export function useCanaries(tenant: string | undefined) {
  return useQuery({
    queryKey: ['canaries', tenant],
    queryFn: () =>
      api<Page<Canary>>(withQuery('/api/v1/canaries', { tenant_id: tenant, limit: 1000 })),
  });
}

export function useCreateCanary(tenant: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { label: string; value?: string }) =>
      api<Canary & { value: string }>('/api/v1/canaries', {
        method: 'POST',
        body: { ...body, tenant_id: tenant },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['canaries', tenant] }),
  });
}

export function useDeleteCanary(tenant: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<unknown>(withQuery(`/api/v1/canaries/${encodeURIComponent(id)}`, { tenant_id: tenant }), {
        method: 'DELETE',
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['canaries', tenant] }),
  });
}

/** The compliance report's address for a format (the page links the CSV and printable HTML). */
export function complianceUrl(
  tenant: string | undefined,
  range: Range,
  format: 'json' | 'csv' | 'html',
): string {
  return withQuery('/api/v1/reports/compliance', {
    tenant_id: tenant,
    from: range.from,
    to: range.to,
    format: format === 'json' ? undefined : format,
  });
}

export function useComplianceReport(tenant: string | undefined, range: Range) {
  return useQuery({
    queryKey: ['compliance', tenant, range.from, range.to],
    queryFn: () => api<ComplianceReport>(complianceUrl(tenant, range, 'json')),
    placeholderData: keepPreviousData,
  });
}
