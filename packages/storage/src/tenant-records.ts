import {
  AlertRecord,
  ApiKey,
  AuditEvent,
  Canary,
  LLMTraceError,
  type NewCanary,
  type NewAlertRecord,
  type NewApiKey,
  Tenant,
  TenantConfig,
  type MetadataRecords,
  type NewAuditEvent,
  type NewTenant,
  type StoredApiKey,
  type TenantPatch,
} from '@llmtrace/core';
import { parseTime } from './parse-time.js';
import { validationError } from './validation-error.js';

const KEY_HASH = /^[0-9a-f]{64}$/;
/** Visible ASCII without spaces: what survives every encoding the detector undoes. */
const CANARY_VALUE = /^[\x21-\x7e]{8,256}$/;

/** The part of a canary value safe to show: its first 6 characters (never the whole token). */
function canaryPrefix(value: string): string {
  return value.slice(0, 6);
}

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

  /** The canary as shown (without its value); the value is 8–256 visible characters. */
  canary(input: NewCanary, nowIso: string): Canary {
    if (typeof input.value !== 'string' || !CANARY_VALUE.test(input.value)) {
      throw new LLMTraceError(
        'VALIDATION_FAILED',
        'a canary value is 8–256 visible characters without spaces',
        { details: { field: 'value' } },
      );
    }
    if (typeof input.valueHash !== 'string' || !KEY_HASH.test(input.valueHash)) {
      throw new LLMTraceError('VALIDATION_FAILED', 'valueHash must be a SHA-256 hex digest', {
        details: { field: 'valueHash' },
      });
    }
    const parsed = Canary.safeParse({
      id: input.id,
      tenantId: input.tenantId,
      label: input.label,
      prefix: canaryPrefix(input.value),
      createdAt: nowIso,
    });
    if (!parsed.success) throw validationError('canary', parsed.error.issues);
    return parsed.data;
  },

  /** The stored key (without its hash); the hash must be a SHA-256 hex digest. */
  apiKey(key: NewApiKey, nowIso: string): ApiKey {
    if (typeof key.keyHash !== 'string' || !KEY_HASH.test(key.keyHash)) {
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

  /**
   * Records exported from another store, checked against their schemas before any is stored
   * (times normalised like every stored time); a key hash must be a SHA-256 hex digest.
   */
  imported(batch: MetadataRecords): MetadataRecords {
    const check = <T>(
      what: string,
      schema: {
        safeParse(v: unknown):
          | { success: true; data: T }
          | {
              success: false;
              error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
            };
      },
      records: readonly unknown[],
    ): T[] =>
      records.map((record) => {
        const parsed = schema.safeParse(record);
        if (!parsed.success) throw validationError(what, parsed.error.issues);
        return parsed.data;
      });
    switch (batch.kind) {
      case 'tenants':
        return { kind: 'tenants', records: check('tenant', Tenant, batch.records) };
      case 'api_keys':
        return {
          kind: 'api_keys',
          records: check(
            'API key',
            ApiKey,
            // The hash is not part of the API key schema; it is checked on its own below.
            batch.records.map(({ keyHash: _hash, ...key }) => key),
          ).map((key, i): StoredApiKey => {
            const keyHash = batch.records[i]?.keyHash;
            if (keyHash === undefined || !KEY_HASH.test(keyHash)) {
              throw new LLMTraceError(
                'VALIDATION_FAILED',
                `API key ${key.id}: keyHash must be a lowercase SHA-256 hex digest`,
                { details: { field: 'keyHash' } },
              );
            }
            return { ...key, keyHash };
          }),
        };
      case 'audit':
        return { kind: 'audit', records: check('audit event', AuditEvent, batch.records) };
      case 'alerts':
        return { kind: 'alerts', records: check('alert', AlertRecord, batch.records) };
    }
  },
});
