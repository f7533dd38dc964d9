import { LLMTraceError, TenantId, type Storage } from '@llmtrace/core';
import { z } from 'zod';
import { buildComplianceReport, ComplianceReport } from '../compliance/compliance-report.js';
import { reportCsv, reportHtml } from '../compliance/render-report.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { scopeTenant } from '../scope.js';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time' });
const DAY_MS = 86_400_000;

const ReportQuery = z
  .object({
    from: isoTime.optional().describe('Start, inclusive (default: 30 days before `to`).'),
    to: isoTime.optional().describe('End, exclusive (default: now).'),
    format: z.enum(['json', 'csv', 'html']).default('json'),
    tenant_id: TenantId.optional().describe('The tenant (required with the admin key).'),
  })
  .strict();

/** Options of {@link reportRoutes}. */
export interface ReportRouteOptions {
  /** `security.redact_pii`: reported as the redaction status of stored text. */
  readonly redactPii: boolean;
  /** The global `retention_days`. */
  readonly defaultRetentionDays: number;
}

/** Compliance reports (issue 19, part 5): JSON, CSV or a printable HTML page, per tenant. */
export function reportRoutes(storage: Storage, options: ReportRouteOptions): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/reports/compliance',
      summary:
        'Compliance report of one tenant: traffic, findings by OWASP LLM Top 10 and severity, PII, blocked requests, changes, retention, alerts (format=json|csv|html)',
      tag: 'reports',
      role: 'operator',
      query: ReportQuery,
      response: z.union([ComplianceReport, z.string()]),
      handler: async ({ query, principal, reply }) => {
        const tenantId = scopeTenant(principal, query.tenant_id);
        const to = query.to ?? new Date().toISOString();
        const from = query.from ?? new Date(Date.parse(to) - 30 * DAY_MS).toISOString();
        if (Date.parse(from) > Date.parse(to)) {
          throw new LLMTraceError('VALIDATION_FAILED', 'query from: must not be after to', {
            details: { field: 'from' },
          });
        }
        const report = await buildComplianceReport(storage, {
          tenantId,
          from,
          to,
          redactPii: options.redactPii,
          defaultRetentionDays: options.defaultRetentionDays,
        });
        if (query.format === 'csv') {
          void reply.header('content-type', 'text/csv; charset=utf-8');
          void reply.header(
            'content-disposition',
            `attachment; filename="compliance-${tenantId}.csv"`,
          );
          return reportCsv(report);
        }
        if (query.format === 'html') {
          void reply.header('content-type', 'text/html; charset=utf-8');
          // Its one inline style sheet may apply; nothing else may load or run.
          void reply.header(
            'content-security-policy',
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
          );
          return reportHtml(report);
        }
        return report;
      },
    }),
  ];
}
