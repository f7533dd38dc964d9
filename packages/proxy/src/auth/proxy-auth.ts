import { LLMTraceError, type TenantId } from '@llmtrace/core';
import type { LLMTraceHeaders } from '../http/headers.js';
import type { KeyResolver } from './key-resolver.js';
import { resolveTenant } from './resolve-tenant.js';

/** Whose request this is, or why it is refused (a client error: 400, 401, 403). */
export type Identity =
  | { readonly ok: true; readonly tenantId: TenantId }
  | { readonly ok: false; readonly error: LLMTraceError };

const NO_KEY = Object.freeze({
  ok: false,
  error: new LLMTraceError(
    'UNAUTHORIZED',
    'authentication is enabled: send your LLMTrace key in X-LLMTrace-Key',
  ),
} as const);

/**
 * The proxy path's key → tenant resolution. With auth on, the tenant comes from the LLMTrace key
 * (`X-LLMTrace-Key`), and a tenant header naming another tenant is refused. With auth off, the
 * tenant header, else a hash of the client's provider key, else the default tenant — synchronous,
 * so that common case pays no promise.
 *
 * A key store that cannot answer is not the client's fault: that error is thrown (a 5xx), for the
 * request path to log and answer without its details.
 */
export class ProxyAuth {
  readonly #keys: KeyResolver;
  readonly #defaultTenant: TenantId;

  constructor(options: { readonly keys: KeyResolver; readonly defaultTenant: TenantId }) {
    this.#keys = options.keys;
    this.#defaultTenant = options.defaultTenant;
  }

  identify(own: LLMTraceHeaders): Identity | Promise<Identity> {
    if (this.#keys.enabled) return this.#withKey(own);
    const resolved = resolveTenant(own.tenantId, own.upstreamCredential, this.#defaultTenant);
    return resolved.error === undefined
      ? { ok: true, tenantId: resolved.tenantId }
      : { ok: false, error: new LLMTraceError('BAD_REQUEST', resolved.error) };
  }

  async #withKey(own: LLMTraceHeaders): Promise<Identity> {
    if (own.key === undefined) return NO_KEY;
    let principal;
    try {
      principal = await this.#keys.resolve(own.key);
    } catch (error) {
      if (error instanceof LLMTraceError && error.isClientError) return { ok: false, error };
      throw error;
    }
    if (principal.kind !== 'tenant_key') {
      return {
        ok: false,
        error: new LLMTraceError(
          'FORBIDDEN',
          'proxy traffic needs a tenant key, not the admin key',
        ),
      };
    }
    if (own.tenantId !== undefined && own.tenantId !== principal.tenantId) {
      return {
        ok: false,
        error: new LLMTraceError('FORBIDDEN', 'X-LLMTrace-Tenant-ID does not match the key'),
      };
    }
    return { ok: true, tenantId: principal.tenantId };
  }
}
