import { randomUUID } from 'node:crypto';
import {
  LLMTraceError,
  TenantConfig,
  type Storage,
  type Tenant,
  type TenantId,
} from '@llmtrace/core';
import { z } from 'zod';
import type { Principal, Role } from '../principal.js';
import { roleAtLeast } from '../principal.js';
import { defineRoute, type AnyRoute } from '../route.js';
import {
  AuditEvent,
  AuditQuery,
  IdParam,
  ListTenantsQuery,
  NewTenantBody,
  page,
  StatsResponse,
  Tenant as TenantSchema,
  UpdateTenantBody,
} from '../schemas.js';
import { readScope } from '../scope.js';

/** Tenant settings only the global admin key may change (a tenant key would raise its own limits). */
const OPERATOR_LIMITS = [
  'rateLimitRpm',
  'rateLimitTpm',
  'agentRateLimitRpm',
  'agentRateLimitTpm',
] as const;

/** Plan of the tenants proxy traffic creates on first sight (see `TenantDirectory`). */
const AUTO_PLAN = 'auto';

/** Tells the proxy path that a tenant changed (config, deletion) so caches drop it at once. */
export type TenantChanged = (tenantId: TenantId) => Promise<void>;

/**
 * Throws 404 unless the caller may act on `tenantId` with at least `role`. Another tenant's id is
 * answered like a missing one, so ids cannot be probed.
 */
export function assertTenantAccess(principal: Principal, tenantId: TenantId, role: Role): void {
  if (principal.kind !== 'tenant_key') return;
  if (principal.tenantId !== tenantId)
    throw new LLMTraceError('NOT_FOUND', `tenant ${tenantId} not found`);
  if (!roleAtLeast(principal.role, role)) {
    throw new LLMTraceError(
      'FORBIDDEN',
      `this key's role (${principal.role}) cannot do this; it needs ${role}`,
    );
  }
}

async function liveTenant(storage: Storage, id: TenantId): Promise<Tenant> {
  const tenant = await storage.metadata.getTenant(id);
  if (tenant === null || tenant.deletedAt !== null)
    throw new LLMTraceError('NOT_FOUND', `tenant ${id} not found`);
  return tenant;
}

const TenantWithStats = TenantSchema.extend({ stats: StatsResponse });

/** Tenant management and the audit log. */
export function tenantRoutes(storage: Storage, changed: TenantChanged): AnyRoute[] {
  const meta = storage.metadata;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/tenants',
      summary:
        'Create a tenant (201), or adopt one its proxy traffic created automatically (200, plan `auto`)',
      tag: 'tenants',
      role: 'admin_key',
      body: NewTenantBody,
      response: TenantSchema,
      status: 201,
      otherStatuses: { 200: 'Adopted a tenant its proxy traffic had created (plan `auto`)' },
      handler: async ({ body, principal, status }) => {
        const id = body.id ?? `t-${randomUUID().slice(0, 8)}`;
        const name = body.name ?? id;
        const plan = body.plan ?? 'free';
        try {
          const tenant = await meta.createTenant({
            id,
            name,
            plan,
            ...(body.config === undefined ? {} : { config: body.config }),
          });
          await meta.recordAudit({
            tenantId: id,
            actor: principal.actor,
            action: 'tenant.create',
            resourceType: 'tenant',
            resourceId: id,
            details: { name, plan },
          });
          return tenant;
        } catch (error) {
          if (!(error instanceof LLMTraceError) || error.code !== 'STORAGE_CONFLICT') throw error;
          // Proxy traffic creates its tenant on first sight (plan `auto`): creating it afterwards
          // takes it over instead of failing (issue 11 item 7). Any other existing id stays a 409.
          const existing = await meta.getTenant(id);
          if (existing === null || existing.deletedAt !== null || existing.plan !== AUTO_PLAN)
            throw error;
          await meta.updateTenant(id, { name: body.name ?? existing.name, plan });
          if (body.config !== undefined) {
            await meta.upsertTenantConfig(
              id,
              TenantConfig.parse({ ...existing.config, ...body.config }),
            );
          }
          await meta.recordAudit({
            tenantId: id,
            actor: principal.actor,
            action: 'tenant.adopt',
            resourceType: 'tenant',
            resourceId: id,
            details: { name: body.name ?? existing.name, plan },
          });
          await changed(id);
          status(200);
          return liveTenant(storage, id);
        }
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tenants',
      summary: 'List tenants',
      tag: 'tenants',
      role: 'admin_key',
      query: ListTenantsQuery,
      response: page(TenantSchema),
      handler: async ({ query }) =>
        meta.listTenants({
          includeDeleted: query.include_deleted === 'true',
          limit: query.limit,
          offset: query.offset,
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tenants/:id',
      summary: 'One tenant with its stats',
      tag: 'tenants',
      role: 'viewer',
      params: IdParam,
      response: TenantWithStats,
      handler: async ({ params, principal }) => {
        assertTenantAccess(principal, params.id, 'viewer');
        const tenant = await liveTenant(storage, params.id);
        return { ...tenant, stats: await storage.traces.getStats(tenant.id, {}) };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/tenants/:id',
      summary: 'Update a tenant (name, plan, config)',
      tag: 'tenants',
      role: 'admin',
      params: IdParam,
      body: UpdateTenantBody,
      response: TenantSchema,
      handler: async ({ params, body, principal }) => {
        assertTenantAccess(principal, params.id, 'admin');
        const current = await liveTenant(storage, params.id);
        const asked = body.config;
        if (principal.kind === 'tenant_key' && asked !== undefined) {
          // A tenant's own admin key must not lift the limits the operator set on it (issue 19).
          const changed = OPERATOR_LIMITS.filter(
            (k) => k in asked && (asked[k] ?? null) !== (current.config[k] ?? null),
          );
          if (changed.length > 0) {
            throw new LLMTraceError(
              'FORBIDDEN',
              'rate limits are set by the operator: change them with the admin key',
              { details: { fields: changed } },
            );
          }
        }
        if (body.name !== undefined || body.plan !== undefined) {
          await meta.updateTenant(params.id, {
            ...(body.name === undefined ? {} : { name: body.name }),
            ...(body.plan === undefined ? {} : { plan: body.plan }),
          });
        }
        if (body.config !== undefined) {
          await meta.upsertTenantConfig(
            params.id,
            TenantConfig.parse({ ...current.config, ...body.config }),
          );
        }
        await meta.recordAudit({
          tenantId: params.id,
          actor: principal.actor,
          action: 'tenant.update',
          resourceType: 'tenant',
          resourceId: params.id,
          details: { fields: Object.keys(body) },
        });
        await changed(params.id);
        return liveTenant(storage, params.id);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/tenants/:id',
      summary:
        'Soft-delete a tenant: its traffic and keys stop working, its data stays until retention removes it',
      tag: 'tenants',
      role: 'admin_key',
      params: IdParam,
      response: z.object({ deleted: z.literal(true), id: z.string() }),
      handler: async ({ params, principal }) => {
        if (!(await meta.deleteTenant(params.id))) {
          throw new LLMTraceError('NOT_FOUND', `tenant ${params.id} not found`);
        }
        await meta.recordAudit({
          tenantId: params.id,
          actor: principal.actor,
          action: 'tenant.delete',
          resourceType: 'tenant',
          resourceId: params.id,
          details: {},
        });
        await changed(params.id);
        return { deleted: true as const, id: params.id };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      summary: 'Audit events, newest first (of every tenant for the admin key and with auth off)',
      tag: 'tenants',
      role: 'admin',
      query: AuditQuery,
      response: page(AuditEvent),
      handler: async ({ query, principal }) =>
        meta.queryAudit({
          tenantId: readScope(principal, query.tenant_id),
          limit: query.limit,
          offset: query.offset,
          ...(query.action === undefined ? {} : { action: query.action }),
          ...(query.actor === undefined ? {} : { actor: query.actor }),
          ...(query.resource_type === undefined ? {} : { resourceType: query.resource_type }),
          ...(query.from === undefined ? {} : { from: query.from }),
          ...(query.to === undefined ? {} : { to: query.to }),
        }),
    }),
  ];
}
