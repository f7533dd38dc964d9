import {
  AuditEvent,
  Tenant,
  TenantConfig,
  type NewAuditEvent,
  type NewTenant,
  type TenantPatch,
} from '@llmtrace/core';
import { parseTime } from './parse-time.js';
import { validationError } from './validation-error.js';

/** Plan given to tenants created without one. */
const DEFAULT_PLAN = 'free';

/**
 * Builds and validates the records every metadata backend stores, so that memory and SQL agree on
 * defaults, validation and time normalisation (times are stored as UTC ISO with milliseconds —
 * what PostgreSQL's `timestamptz` would give back anyway).
 */
export const tenantRecords = Object.freeze({
  newTenant(input: NewTenant, nowIso: string): Tenant {
    const parsed = Tenant.safeParse({
      id: input.id,
      name: input.name,
      plan: input.plan ?? DEFAULT_PLAN,
      config: input.config ?? {},
      createdAt: nowIso,
      updatedAt: nowIso,
      deletedAt: null,
    });
    if (!parsed.success) throw validationError('tenant', parsed.error.issues);
    return parsed.data;
  },

  patch(patch: TenantPatch): TenantPatch {
    const parsed = Tenant.pick({ name: true, plan: true }).partial().safeParse(patch);
    if (!parsed.success) throw validationError('tenant patch', parsed.error.issues);
    return parsed.data;
  },

  config(config: TenantConfig): TenantConfig {
    const parsed = TenantConfig.safeParse(config);
    if (!parsed.success) throw validationError('tenant config', parsed.error.issues);
    return parsed.data;
  },

  auditEvent(event: NewAuditEvent, id: string, nowIso: string): AuditEvent {
    const createdAt =
      event.createdAt === undefined
        ? nowIso
        : new Date(parseTime(event.createdAt, 'createdAt')).toISOString();
    const parsed = AuditEvent.safeParse({ ...event, id, createdAt });
    if (!parsed.success) throw validationError('audit event', parsed.error.issues);
    return parsed.data;
  },
});
