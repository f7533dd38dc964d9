import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { LLMTraceError, TenantId, type MetadataRepository } from '@llmtrace/core';
import { deriveTenantId } from '../auth/resolve-tenant.js';
import type { Principal } from './principal.js';

/** Prefix of every LLMTrace API key, so they are easy to recognise (and to scan for in leaks). */
export const KEY_PREFIX = 'llmt_';

/** SHA-256 hex digest of a key: the only form in which keys are stored. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** How long a resolved key is trusted on the proxy path before it is looked up again. */
const KEY_CACHE_MS = 5_000;

/**
 * Resolves API keys to principals. The admin key is compared in constant time (both sides hashed
 * first, so their lengths match). Tenant keys are looked up by hash; revoked keys and keys of
 * deleted tenants are refused. Resolved keys are cached briefly for the proxy path, and the cache is
 * dropped at once when a key is revoked or a tenant changes (`forget`).
 */
export class Authenticator {
  readonly #enabled: boolean;
  readonly #adminDigest: Buffer | null;
  readonly #meta: MetadataRepository;
  readonly #defaultTenant: TenantId;
  readonly #cache = new Map<string, { principal: Principal; expires: number }>();

  constructor(options: {
    enabled: boolean;
    adminKey: string | undefined;
    metadata: MetadataRepository;
    defaultTenant: TenantId;
  }) {
    this.#enabled = options.enabled;
    this.#adminDigest =
      options.adminKey === undefined
        ? null
        : createHash('sha256').update(options.adminKey).digest();
    this.#meta = options.metadata;
    this.#defaultTenant = options.defaultTenant;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /**
   * The principal of an API request. With auth disabled it is the single user, narrowed to the
   * tenant the request names the way proxy traffic is assigned one: `X-LLMTrace-Tenant-ID`, else
   * the provider key it carries, hashed exactly as on the proxy path (`key-…`); with neither, every
   * tenant. With auth enabled, the key decides (see {@link resolve}).
   */
  async resolveRequest(headers: Record<string, string | string[] | undefined>): Promise<Principal> {
    if (this.#enabled) return this.resolve(keyFromHeaders(headers));
    const named = headers['x-llmtrace-tenant-id'];
    let tenantId: TenantId | undefined;
    if (typeof named === 'string') {
      if (!TenantId.safeParse(named).success) {
        throw new LLMTraceError(
          'BAD_REQUEST',
          'X-LLMTrace-Tenant-ID must be 1-128 letters, digits, . _ : - characters',
        );
      }
      tenantId = named;
    } else {
      const credential = providerCredential(headers);
      if (credential !== undefined) tenantId = deriveTenantId(credential);
    }
    return { kind: 'anonymous', tenantId, defaultTenant: this.#defaultTenant, actor: 'anonymous' };
  }

  /** The principal of a request carrying `key` (undefined when it carried none). */
  async resolve(key: string | undefined): Promise<Principal> {
    if (!this.#enabled) {
      return {
        kind: 'anonymous',
        tenantId: undefined,
        defaultTenant: this.#defaultTenant,
        actor: 'anonymous',
      };
    }
    if (key === undefined || key === '') {
      throw new LLMTraceError(
        'UNAUTHORIZED',
        'an API key is required (Authorization: Bearer … or X-LLMTrace-Key)',
      );
    }
    if (this.#adminDigest !== null) {
      const digest = createHash('sha256').update(key).digest();
      if (timingSafeEqual(digest, this.#adminDigest)) return { kind: 'admin_key', actor: 'admin' };
    }
    const hash = hashKey(key);
    const cached = this.#cache.get(hash);
    if (cached !== undefined && cached.expires > Date.now()) return cached.principal;
    const record = await this.#meta.findApiKeyByHash(hash);
    if (record === null || record.revokedAt !== null)
      throw new LLMTraceError('UNAUTHORIZED', 'invalid or revoked API key');
    const tenant = await this.#meta.getTenant(record.tenantId);
    if (tenant === null || tenant.deletedAt !== null) {
      throw new LLMTraceError('UNAUTHORIZED', 'invalid or revoked API key');
    }
    const principal: Principal = {
      kind: 'tenant_key',
      tenantId: record.tenantId,
      role: record.role,
      keyId: record.id,
      actor: `key:${record.prefix}`,
    };
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { principal, expires: Date.now() + KEY_CACHE_MS });
    return principal;
  }

  /** Drops cached keys of a tenant (after a revoke or a tenant deletion). */
  forget(tenantId: TenantId): void {
    for (const [hash, entry] of this.#cache) {
      if (entry.principal.kind === 'tenant_key' && entry.principal.tenantId === tenantId)
        this.#cache.delete(hash);
    }
  }
}

/** The key a request carries: `X-LLMTrace-Key`, else a bearer token. */
export function keyFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const own = headers['x-llmtrace-key'];
  if (typeof own === 'string' && own !== '') return own.trim();
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(auth);
    if (match?.[1] !== undefined) return match[1].trim();
  }
  return undefined;
}

/** The provider key a request carries (bearer token, `x-api-key` or `api-key`), as the proxy reads it. */
function providerCredential(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(auth);
    if (match?.[1] !== undefined) return match[1].trim();
  }
  for (const name of ['x-api-key', 'api-key']) {
    const value = headers[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}
