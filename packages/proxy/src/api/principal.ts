import type { ApiKeyRole, TenantId } from '@llmtrace/core';

/** Roles of per-tenant API keys, from most to least privileged. */
export type Role = ApiKeyRole;

const RANK: Readonly<Record<Role, number>> = { admin: 3, operator: 2, viewer: 1 };

/** True when `role` is at least `needed`. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/**
 * Who is calling the API.
 * - `admin_key`: the global admin key from configuration (manages and reads every tenant).
 * - `tenant_key`: a per-tenant API key; its tenant is fixed by the key.
 * - `anonymous`: auth is disabled, a single user who may read and manage every tenant. `tenantId`
 *   narrows reads when the request named one the way proxy traffic does (`X-LLMTrace-Tenant-ID`,
 *   or the hash of its bearer key); `defaultTenant` is the tenant of operations that need one.
 */
export type Principal =
  | { readonly kind: 'admin_key'; readonly actor: 'admin' }
  | {
      readonly kind: 'tenant_key';
      readonly tenantId: TenantId;
      readonly role: Role;
      readonly keyId: string;
      readonly actor: string;
    }
  | {
      readonly kind: 'anonymous';
      readonly tenantId: TenantId | undefined;
      readonly defaultTenant: TenantId;
      readonly actor: 'anonymous';
    };
