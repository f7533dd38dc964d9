import { z } from 'zod';
import { SecuritySeverity } from './finding.js';

/**
 * A tenant identifier: 1–128 characters of letters, digits, `.`, `_`, `:` and `-`, starting with a
 * letter or digit. Derived tenants (from a hashed API key) are `key-` plus 16 hex digits.
 *
 * @example
 * TenantId.parse('acme-prod');
 */
export const TenantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'letters, digits, . _ : - only (max 128)');
/** See {@link TenantId}. */
export type TenantId = z.infer<typeof TenantId>;

/** Alert thresholds that override the global alert configuration for one tenant. */
export const AlertThresholds = z
  .object({
    minSeverity: SecuritySeverity.optional(),
    minSecurityScore: z.number().int().min(0).max(100).optional(),
  })
  .strict();

/**
 * Per-tenant settings.
 *
 * @example
 * TenantConfig.parse({}); // every field at its default
 */
export const TenantConfig = z
  .object({
    /** Run the security analyzers on this tenant's traffic. */
    securityAnalysis: z.boolean().default(true),
    alertThresholds: AlertThresholds.default({}),
    /** Proxy requests per minute of the whole tenant; null: the global `rate_limits.rpm`. */
    rateLimitRpm: z.number().int().positive().nullable().default(null),
    /**
     * Tokens (prompt plus completion) per minute of the whole tenant; absent or null: the global
     * `rate_limits.tpm`.
     */
    rateLimitTpm: z.number().int().positive().nullable().optional(),
    /** Requests per minute of each agent (`X-LLMTrace-Agent-ID`); null: `rate_limits.agent_rpm`. */
    agentRateLimitRpm: z.number().int().positive().nullable().optional(),
    /** Tokens per minute of each agent; null: the global `rate_limits.agent_tpm`. */
    agentRateLimitTpm: z.number().int().positive().nullable().optional(),
    /**
     * Traces older than this many days are deleted; null: the global `retention_days` (issue 19);
     * 0 keeps this tenant's traces forever.
     */
    retentionDays: z.number().int().min(0).max(36_500).nullable().default(null),
  })
  .strict();
/** See {@link TenantConfig}. */
export type TenantConfig = z.infer<typeof TenantConfig>;

/**
 * A tenant: the unit of isolation. Soft-deleted tenants keep `deletedAt`.
 *
 * @example
 * Tenant.parse({ id: 'acme', name: 'Acme', plan: 'free', config: {},
 *   createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', deletedAt: null });
 */
export const Tenant = z
  .object({
    id: TenantId,
    name: z.string().min(1).max(200),
    plan: z.string().min(1).max(64),
    config: TenantConfig,
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
    deletedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict();
/** See {@link Tenant}. */
export type Tenant = z.infer<typeof Tenant>;

/**
 * An audit record of an administrative operation.
 *
 * @example
 * AuditEvent.parse({ id: 'a1', tenantId: 'acme', actor: 'admin', action: 'tenant.create',
 *   resourceType: 'tenant', resourceId: 'acme', details: {}, createdAt: new Date().toISOString() });
 */
export const AuditEvent = z
  .object({
    id: z.string().min(1),
    tenantId: TenantId,
    /** Who did it: `admin`, a key prefix, or `system`. */
    actor: z.string().min(1),
    /** Dotted verb, e.g. `tenant.create`, `key.revoke`. */
    action: z.string().min(1),
    resourceType: z.string().min(1),
    resourceId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).default({}),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .strict();
/** See {@link AuditEvent}. */
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * Roles of per-tenant API keys: admin (manage the tenant and its keys), operator (read, and change
 * tenant settings later), viewer (read only).
 *
 * @example
 * ApiKeyRole.parse('viewer');
 */
export const ApiKeyRole = z.enum(['admin', 'operator', 'viewer']);
/** See {@link ApiKeyRole}. */
export type ApiKeyRole = z.infer<typeof ApiKeyRole>;

/**
 * A per-tenant API key as stored: only a SHA-256 of the secret is kept, and a short prefix to
 * recognise it by.
 *
 * @example
 * ApiKey.parse({ id: 'k1', tenantId: 'acme', name: 'ci', role: 'viewer', prefix: 'llmt_ab12cd34',
 *   createdAt: new Date().toISOString(), revokedAt: null });
 */
export const ApiKey = z
  .object({
    id: z.string().min(1),
    tenantId: TenantId,
    name: z.string().min(1).max(200),
    role: ApiKeyRole,
    /** The first characters of the key, safe to show (`llmt_` + 8). */
    prefix: z.string().min(1).max(32),
    createdAt: z.iso.datetime({ offset: true }),
    revokedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict();
/** See {@link ApiKey}. */
export type ApiKey = z.infer<typeof ApiKey>;

/**
 * One alert LLMTrace sent, suppressed by its cooldown, or failed to deliver.
 *
 * @example
 * AlertRecord.parse({ id: 'a1', tenantId: 'acme', channel: 'slack:0', kind: 'security',
 *   status: 'sent', severity: 'high', title: 'Prompt injection', details: {},
 *   traceId: 't1', createdAt: new Date().toISOString() });
 */
export const AlertRecord = z
  .object({
    id: z.string().min(1),
    tenantId: TenantId,
    /** Which configured channel, e.g. `webhook:0` (type and index in `alerts.channels`). */
    channel: z.string().min(1),
    /** What triggered it: security findings, a budget threshold, … */
    kind: z.enum(['security', 'budget']),
    status: z.enum(['sent', 'suppressed', 'failed']),
    severity: SecuritySeverity,
    title: z.string(),
    details: z.record(z.string(), z.unknown()).default({}),
    traceId: z.string().nullable(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .strict();
/** See {@link AlertRecord}. */
export type AlertRecord = z.infer<typeof AlertRecord>;
