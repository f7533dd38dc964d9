import { LLMTraceError, type TenantId } from '@llmtrace/core';
import type { Principal } from './principal.js';

function ownTenant(principal: Principal & { kind: 'tenant_key' }, requested?: TenantId): TenantId {
  if (requested !== undefined && requested !== principal.tenantId) {
    throw new LLMTraceError('FORBIDDEN', 'this key cannot read another tenant');
  }
  return principal.tenantId;
}

/**
 * The tenants a read of traces, spans, findings, stats, audit or alerts covers: one tenant, or `undefined` for
 * every tenant. A tenant key reads only its own tenant: naming another one is refused (403) and
 * nothing is read. The admin key and the single-user mode (auth off) read every tenant unless one
 * is named with `tenant_id`; with auth off, a tenant header or bearer key narrows the read the way
 * it assigns proxy traffic (issue 11: SDK traffic lands in `key-…` tenants and must be visible).
 */
export function readScope(
  principal: Principal,
  requested: TenantId | undefined,
): TenantId | undefined {
  switch (principal.kind) {
    case 'tenant_key':
      return ownTenant(principal, requested);
    case 'admin_key':
      return requested;
    case 'anonymous':
      return requested ?? principal.tenantId;
  }
}

/**
 * The one tenant an operation acts on (budget counters). A tenant key:
 * its own. The admin key must name it. With auth disabled: the one named, else the one the request
 * narrows to, else the default tenant.
 */
export function scopeTenant(principal: Principal, requested: TenantId | undefined): TenantId {
  switch (principal.kind) {
    case 'tenant_key':
      return ownTenant(principal, requested);
    case 'admin_key':
      if (requested === undefined) {
        throw new LLMTraceError(
          'VALIDATION_FAILED',
          'query tenant_id: required with the admin key',
          {
            details: { field: 'tenant_id' },
          },
        );
      }
      return requested;
    case 'anonymous':
      return requested ?? principal.tenantId ?? principal.defaultTenant;
  }
}
