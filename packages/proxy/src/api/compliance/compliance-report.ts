import {
  SecuritySeverity,
  type AuditEvent,
  type Storage,
  type TenantId,
  type TraceSpan,
} from '@llmtrace/core';
import { z } from 'zod';

/** The OWASP Top 10 for LLM Applications (2025), in order: every report lists all ten. */
export const OWASP_LLM_TOP_10: readonly { readonly id: string; readonly name: string }[] = [
  { id: 'LLM01:2025', name: 'Prompt Injection' },
  { id: 'LLM02:2025', name: 'Sensitive Information Disclosure' },
  { id: 'LLM03:2025', name: 'Supply Chain' },
  { id: 'LLM04:2025', name: 'Data and Model Poisoning' },
  { id: 'LLM05:2025', name: 'Improper Output Handling' },
  { id: 'LLM06:2025', name: 'Excessive Agency' },
  { id: 'LLM07:2025', name: 'System Prompt Leakage' },
  { id: 'LLM08:2025', name: 'Vector and Embedding Weaknesses' },
  { id: 'LLM09:2025', name: 'Misinformation' },
  { id: 'LLM10:2025', name: 'Unbounded Consumption' },
];

const SeverityCounts = z.record(SecuritySeverity, z.number().int());

/** A compliance report of one tenant over a time range (issue 19, part 5). */
export const ComplianceReport = z
  .object({
    tenantId: z.string(),
    from: z.string(),
    to: z.string(),
    generatedAt: z.string(),
    traffic: z.object({
      traces: z.number().int(),
      requests: z.number().int(),
      errors: z.number().int(),
      promptTokens: z.number().int(),
      completionTokens: z.number().int(),
      totalTokens: z.number().int(),
      costUsd: z.number(),
    }),
    findings: z.object({
      total: z.number().int(),
      bySeverity: SeverityCounts,
      byOwasp: z.array(
        z.object({
          owaspId: z.string(),
          name: z.string(),
          total: z.number().int(),
          bySeverity: SeverityCounts,
        }),
      ),
      /** Findings of types no OWASP category covers (e.g. `anomaly`). */
      unmapped: z.number().int(),
    }),
    pii: z.object({
      /** Whether stored prompts and answers have PII replaced (`security.redact_pii`). */
      redacted: z.boolean(),
      total: z.number().int(),
      /** In requests (`pii`) and answers (`data_leakage`), by kind (email, card_number, …). */
      byType: z.record(z.string(), z.number().int()),
    }),
    blocked: z.object({
      /** Requests refused by the security policy (block mode). */
      requests: z.number().int(),
      /** Streams cut off because they carried a canary. */
      canaryCutOffs: z.number().int(),
    }),
    changes: z.array(
      z.object({
        at: z.string(),
        actor: z.string(),
        action: z.string(),
        resourceType: z.string(),
        resourceId: z.string().nullable(),
      }),
    ),
    /** Days traces are kept (the tenant's own or the global default); null: forever. */
    retention: z.object({ days: z.number().int().nullable() }),
    alerts: z.object({
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number().int()),
      byChannel: z.record(z.string(), z.number().int()),
    }),
    /** True when a section hit its read cap and counts only the newest records. */
    truncated: z.boolean(),
  })
  .strict();
/** See {@link ComplianceReport}. */
export type ComplianceReport = z.infer<typeof ComplianceReport>;

/** Pages read per source; past them the report says `truncated` instead of reading without end. */
const PAGE = 1000;
const MAX_SPAN_PAGES = 100;
const MAX_LOG_PAGES = 20;
/** Audit actions that are key, tenant or canary changes. */
const CHANGE_ACTION = /^(key|tenant|canary)\./;

function zeroSeverities(): Record<SecuritySeverity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

async function allPages<T>(
  read: (offset: number) => Promise<{ items: T[]; total: number }>,
  maxPages: number,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  for (let page = 0; page < maxPages; page++) {
    const got = await read(page * PAGE);
    items.push(...got.items);
    if (got.items.length < PAGE || items.length >= got.total) return { items, truncated: false };
  }
  return { items, truncated: true };
}

/** What {@link buildComplianceReport} needs besides storage. */
export interface ComplianceReportInput {
  readonly tenantId: TenantId;
  readonly from: string;
  readonly to: string;
  /** `security.redact_pii` of this proxy. */
  readonly redactPii: boolean;
  /** The global `retention_days` (for tenants without their own). */
  readonly defaultRetentionDays: number;
  readonly now?: Date;
}

/**
 * Gathers a tenant's compliance figures from what LLMTrace already stores: aggregates of its
 * traces, the findings of spans that have any (by OWASP category, severity and PII kind), refused
 * and cut-off requests, key/tenant/canary changes from the audit log, its retention setting and
 * the alert history. Reads are paged and capped (`truncated` says when a cap was reached).
 */
export async function buildComplianceReport(
  storage: Storage,
  input: ComplianceReportInput,
): Promise<ComplianceReport> {
  const { tenantId, from, to } = input;
  const range = { from, to };
  const [stats, tenant, spans, audit, alerts] = await Promise.all([
    storage.traces.getStats(tenantId, range),
    storage.metadata.getTenant(tenantId),
    allPages<TraceSpan>(
      (offset) =>
        storage.traces.querySpans({ tenantId, ...range, hasFindings: true, limit: PAGE, offset }),
      MAX_SPAN_PAGES,
    ),
    allPages<AuditEvent>(
      (offset) => storage.metadata.queryAudit({ tenantId, ...range, limit: PAGE, offset }),
      MAX_LOG_PAGES,
    ),
    allPages(
      (offset) => storage.metadata.queryAlerts({ tenantId, ...range, limit: PAGE, offset }),
      MAX_LOG_PAGES,
    ),
  ]);

  const bySeverity = zeroSeverities();
  const owasp = new Map(
    OWASP_LLM_TOP_10.map((o) => [o.id, { ...o, total: 0, bySeverity: zeroSeverities() }]),
  );
  const piiByType: Record<string, number> = {};
  let total = 0;
  let unmapped = 0;
  let piiTotal = 0;
  let blocked = 0;
  let cutOffs = 0;
  for (const span of spans.items) {
    if (span.events.some((e) => e.name === 'rejected') && span.statusCode === 403) blocked++;
    if (span.events.some((e) => e.name === 'canary_leak')) cutOffs++;
    for (const f of span.securityFindings) {
      total++;
      bySeverity[f.severity]++;
      const category = f.owaspId === undefined ? undefined : owasp.get(f.owaspId);
      if (category === undefined) unmapped++;
      else {
        category.total++;
        category.bySeverity[f.severity]++;
      }
      if (f.type === 'pii' || f.type === 'data_leakage') {
        const kind = typeof f.metadata['kind'] === 'string' ? f.metadata['kind'] : 'other';
        piiByType[kind] = (piiByType[kind] ?? 0) + 1;
        piiTotal++;
      }
    }
  }
  const byStatus: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  for (const a of alerts.items) {
    byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    byChannel[a.channel] = (byChannel[a.channel] ?? 0) + 1;
  }
  return {
    tenantId,
    from,
    to,
    generatedAt: (input.now ?? new Date()).toISOString(),
    traffic: {
      traces: stats.traceCount,
      requests: stats.spanCount,
      errors: stats.errorCount,
      promptTokens: stats.promptTokens,
      completionTokens: stats.completionTokens,
      totalTokens: stats.totalTokens,
      costUsd: stats.totalCostUsd,
    },
    findings: {
      total,
      bySeverity,
      byOwasp: [...owasp.values()].map((o) => ({
        owaspId: o.id,
        name: o.name,
        total: o.total,
        bySeverity: o.bySeverity,
      })),
      unmapped,
    },
    pii: { redacted: input.redactPii, total: piiTotal, byType: piiByType },
    blocked: { requests: blocked, canaryCutOffs: cutOffs },
    changes: audit.items
      .filter((e) => CHANGE_ACTION.test(e.action))
      .map((e) => ({
        at: e.createdAt,
        actor: e.actor,
        action: e.action,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
      })),
    // A tenant's own days, else the global default; 0 means kept forever (reported as null).
    retention: {
      days: ((d) => (d === 0 ? null : d))(
        tenant?.config.retentionDays ?? input.defaultRetentionDays,
      ),
    },
    alerts: { total: alerts.items.length, byStatus, byChannel },
    truncated: spans.truncated || audit.truncated || alerts.truncated,
  };
}
