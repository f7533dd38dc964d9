import type { TenantId } from '@llmtrace/core';

/**
 * Who an LLMTrace key belongs to, as far as the proxy path cares: a tenant key names its tenant;
 * the admin key and the anonymous principal (auth off) carry no tenant the proxy may bill.
 */
export type KeyPrincipal =
  | { readonly kind: 'tenant_key'; readonly tenantId: TenantId }
  | { readonly kind: 'admin_key' }
  | { readonly kind: 'anonymous' };

/**
 * Resolves LLMTrace keys (the REST API's `Authenticator` is one). `resolve` throws an
 * `LLMTraceError` — `UNAUTHORIZED` for a bad key, a 5xx code when the key store is unreachable.
 */
export interface KeyResolver {
  readonly enabled: boolean;
  resolve(key: string | undefined): Promise<KeyPrincipal>;
}
