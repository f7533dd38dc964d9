import { LLMTraceError, type TenantId } from '@llmtrace/core';
import type { Principal } from './principal.js';

/**
 * The tenant a data call reads. A tenant key reads only its own tenant: naming another one is
 * refused (403) and nothing is read. The admin key must name the tenant. With auth disabled, the
 * default tenant unless one is named.
 */
export function scopeTenant(principal: Principal, requested: TenantId | undefined): TenantId {
  switch (principal.kind) {
    case 'tenant_key':
      if (requested !== undefined && requested !== principal.tenantId) {
        throw new LLMTraceError('FORBIDDEN', 'this key cannot read another tenant');
      }
      return principal.tenantId;
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
      return requested ?? principal.tenantId;
  }
}
