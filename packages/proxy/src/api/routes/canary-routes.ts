import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Canary, LLMTraceError, TenantId, type Storage } from '@llmtrace/core';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../route.js';
import { page, Pagination } from '../schemas.js';
import { scopeTenant } from '../scope.js';
import type { TenantChanged } from './tenant-routes.js';

const TenantQuery = z.object({
  tenant_id: TenantId.optional().describe('The tenant (required with the admin key).'),
});
const NewCanaryBody = z
  .object({
    label: z.string().min(1).max(200),
    /** Your own token (8–256 visible characters); omitted: LLMTrace generates one. */
    value: z
      .string()
      .regex(/^[\x21-\x7e]{8,256}$/, '8–256 visible characters without spaces')
      .optional(),
    tenant_id: TenantId.optional(),
  })
  .strict();

/** The SHA-256 hex digest of a canary value: how duplicates are refused without comparing values. */
function hashValue(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Canary tokens (issue 19): register a token you embed in a system prompt (or let LLMTrace make
 * one); any answer or tool call that repeats it — in clear or encoded — is a critical
 * `system_prompt_leak`. The value is in the creation response only; lists show a 6-character
 * prefix and the label, and the audit log never records the value.
 */
export function canaryRoutes(storage: Storage, changed: TenantChanged): AnyRoute[] {
  const meta = storage.metadata;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/canaries',
      summary: 'Register a canary token (its value is in this response only)',
      tag: 'canaries',
      role: 'admin',
      body: NewCanaryBody,
      response: Canary.extend({ value: z.string() }),
      status: 201,
      handler: async ({ body, principal }) => {
        const tenantId = scopeTenant(principal, body.tenant_id);
        const value = body.value ?? `llmt-canary-${randomBytes(12).toString('hex')}`;
        const record = await meta.createCanary({
          id: randomUUID(),
          tenantId,
          label: body.label,
          value,
          valueHash: hashValue(value),
        });
        await meta.recordAudit({
          tenantId,
          actor: principal.actor,
          action: 'canary.create',
          resourceType: 'canary',
          resourceId: record.id,
          details: { label: record.label, prefix: record.prefix },
        });
        await changed(tenantId);
        return { ...record, value };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/canaries',
      summary: "List a tenant's canaries (label and prefix, never the value)",
      tag: 'canaries',
      role: 'operator',
      query: Pagination.extend(TenantQuery.shape).strict(),
      response: page(Canary),
      handler: async ({ query, principal }) => {
        const tenantId = scopeTenant(principal, query.tenant_id);
        const all = await meta.listCanaries(tenantId);
        const items = all
          .slice(query.offset, query.offset + query.limit)
          .map(({ value: _value, ...shown }) => shown);
        return { items, total: all.length, limit: query.limit, offset: query.offset };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/canaries/:canary_id',
      summary: 'Delete a canary (it stops being looked for at once)',
      tag: 'canaries',
      role: 'admin',
      params: z.object({ canary_id: z.string().min(1).max(128) }),
      query: TenantQuery.strict(),
      response: z.object({ deleted: z.literal(true), id: z.string() }),
      handler: async ({ params, query, principal }) => {
        const tenantId = scopeTenant(principal, query.tenant_id);
        if (!(await meta.deleteCanary(tenantId, params.canary_id))) {
          throw new LLMTraceError('NOT_FOUND', `canary ${params.canary_id} not found`);
        }
        await meta.recordAudit({
          tenantId,
          actor: principal.actor,
          action: 'canary.delete',
          resourceType: 'canary',
          resourceId: params.canary_id,
          details: {},
        });
        await changed(tenantId);
        return { deleted: true as const, id: params.canary_id };
      },
    }),
  ];
}
