import {
  AlertRecord,
  ApiKey,
  AuditEvent,
  LLMTraceError,
  type NewAlertRecord,
  type NewApiKey,
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

  /** The stored key (without its hash); the hash must be a SHA-256 hex digest. */
  apiKey(key: NewApiKey, nowIso: string): ApiKey {
    if (typeof key.keyHash !== 'string' || !/^[0-9a-f]{64}$/.test(key.keyHash)) {
      // Anything else may be a key in clear: refuse it rather than store it (DESIGN principle 5).
      throw new LLMTraceError(
        'VALIDATION_FAILED',
        'keyHash must be a lowercase SHA-256 hex digest',
        {
          details: { field: 'keyHash' },
        },
      );
    }
    const parsed = ApiKey.safeParse({
      id: key.id,
      tenantId: key.tenantId,
      name: key.name,
      role: key.role,
      prefix: key.prefix,
      createdAt: nowIso,
      revokedAt: null,
    });
    if (!parsed.success) throw validationError('API key', parsed.error.issues);
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

  alert(alert: NewAlertRecord, id: string, nowIso: string): AlertRecord {
    const createdAt =
      alert.createdAt === undefined
        ? nowIso
        : new Date(parseTime(alert.createdAt, 'createdAt')).toISOString();
    const parsed = AlertRecord.safeParse({ ...alert, id, createdAt });
    if (!parsed.success) throw validationError('alert', parsed.error.issues);
    return parsed.data;
  },
});
