import { randomBytes, randomUUID } from 'node:crypto';
import { ApiKey, ApiKeyRole, LLMTraceError, type Storage } from '@llmtrace/core';
import { z } from 'zod';
import { hashKey, KEY_PREFIX } from '../authenticator.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { page, Pagination } from '../schemas.js';
import { assertTenantAccess, type TenantChanged } from './tenant-routes.js';

const TenantIdParam = z.object({ id: z.string().min(1).max(128) });
const KeyParams = z.object({ id: z.string().min(1).max(128), key_id: z.string().min(1).max(128) });
const NewKeyBody = z
  .object({ name: z.string().min(1).max(200), role: ApiKeyRole.default('viewer') })
  .strict();

/** Per-tenant API keys: shown once at creation, stored only as a hash, listable by prefix, revocable. */
export function keyRoutes(storage: Storage, changed: TenantChanged): AnyRoute[] {
  const meta = storage.metadata;
  const liveTenant = async (id: string): Promise<void> => {
    const tenant = await meta.getTenant(id);
    if (tenant === null || tenant.deletedAt !== null)
      throw new LLMTraceError('NOT_FOUND', `tenant ${id} not found`);
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/tenants/:id/keys',
      summary: 'Create an API key (the key is in this response only)',
      tag: 'keys',
      role: 'admin',
      params: TenantIdParam,
      body: NewKeyBody,
      response: ApiKey.extend({ key: z.string() }),
      status: 201,
      handler: async ({ params, body, principal }) => {
        assertTenantAccess(principal, params.id, 'admin');
        await liveTenant(params.id);
        const secret = randomBytes(24).toString('base64url');
        const key = `${KEY_PREFIX}${secret}`;
        const record = await meta.createApiKey({
          id: randomUUID(),
          tenantId: params.id,
          name: body.name,
          role: body.role,
          prefix: key.slice(0, KEY_PREFIX.length + 8),
          keyHash: hashKey(key),
        });
        await meta.recordAudit({
          tenantId: params.id,
          actor: principal.actor,
          action: 'key.create',
          resourceType: 'api_key',
          resourceId: record.id,
          details: { name: body.name, role: body.role, prefix: record.prefix },
        });
        return { ...record, key };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tenants/:id/keys',
      summary: "List a tenant's keys (prefixes only)",
      tag: 'keys',
      role: 'admin',
      params: TenantIdParam,
      query: Pagination.strict(),
      response: page(ApiKey),
      handler: async ({ params, query, principal }) => {
        assertTenantAccess(principal, params.id, 'admin');
        await liveTenant(params.id);
        // A tenant has a handful of keys: one read, paged here like every other list.
        const keys = await meta.listApiKeys(params.id);
        const items = keys.slice(query.offset, query.offset + query.limit);
        return { items, total: keys.length, limit: query.limit, offset: query.offset };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/tenants/:id/keys/:key_id',
      summary: 'Revoke a key (it stops working at once)',
      tag: 'keys',
      role: 'admin',
      params: KeyParams,
      response: z.object({ revoked: z.literal(true), id: z.string() }),
      handler: async ({ params, principal }) => {
        assertTenantAccess(principal, params.id, 'admin');
        if (!(await meta.revokeApiKey(params.id, params.key_id))) {
          throw new LLMTraceError('NOT_FOUND', `key ${params.key_id} not found`);
        }
        await meta.recordAudit({
          tenantId: params.id,
          actor: principal.actor,
          action: 'key.revoke',
          resourceType: 'api_key',
          resourceId: params.key_id,
          details: {},
        });
        await changed(params.id);
        return { revoked: true as const, id: params.key_id };
      },
    }),
  ];
}
