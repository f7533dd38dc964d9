import { complianceUrl, useComplianceReport } from '../api/queries.js';
import { SEVERITIES } from '../api/types.js';
import { DataTable } from '../components/data-table.js';
import { RangePicker, useRangePreset, useResolvedRange } from '../components/range-picker.js';
import { StatCard } from '../components/stat-card.js';
import { QueryState } from '../components/states.js';
import { TenantGate } from '../components/tenant-gate.js';
import { formatDateTime, formatInt, formatUsd } from '../lib/format.js';

/**
 * The compliance report of one tenant over the range (issue 19): traffic, findings by OWASP LLM
 * Top 10 category, PII, blocked requests; the same report as CSV or a printable page.
 */
function Report({ tenant }: { tenant: string | undefined }) {
  const preset = useRangePreset();
  const range = useResolvedRange(preset);
  const report = useComplianceReport(tenant, range);
  return (
    <>
      <p className="report-links">
        <a href={complianceUrl(tenant, range, 'html')} target="_blank" rel="noopener">
          Printable report (HTML)
        </a>{' '}
        · <a href={complianceUrl(tenant, range, 'csv')}>Download CSV</a>
      </p>
      <QueryState query={report} what="the report">
        {(r) => (
          <>
            <p className="muted">
              Tenant <strong>{r.tenant_id}</strong>, {formatDateTime(r.from)} to{' '}
              {formatDateTime(r.to)}
            </p>
            <div className="cards">
              <StatCard
                label="Requests"
                value={formatInt(r.traffic.requests)}
                hint={`${formatInt(r.traffic.errors)} errors · ${formatUsd(r.traffic.cost_usd)}`}
              />
              <StatCard
                label="Findings"
                value={formatInt(r.findings.total)}
                hint={`${formatInt(r.findings.by_severity.critical + r.findings.by_severity.high)} high or critical`}
              />
              <StatCard
                label="PII found"
                value={formatInt(r.pii.total)}
                hint={r.pii.redacted ? 'stored text redacted' : 'stored text not redacted'}
              />
              <StatCard label="Blocked requests" value={formatInt(r.blocked.requests)} />
              <StatCard label="Canary cut-offs" value={formatInt(r.blocked.canary_cut_offs)} />
            </div>
          </>
        )}
      </QueryState>
      <DataTable
        query={report}
        what="findings by OWASP category"
        rows={(r) => r.findings.by_owasp}
        rowKey={(o) => o.owasp_id}
        caption={(r) =>
          r.findings.unmapped === 0
            ? 'Findings by OWASP LLM Top 10 category'
            : `Findings by OWASP LLM Top 10 category (${formatInt(r.findings.unmapped)} outside it)`
        }
        empty="No findings in this range."
        columns={[
          { header: 'Category', cell: (o) => `${o.owasp_id} ${o.name}` },
          { header: 'Findings', numeric: true, cell: (o) => formatInt(o.total) },
          ...SEVERITIES.map((sev) => ({
            header: sev,
            numeric: true,
            cell: (o: { by_severity: Record<string, number> }) =>
              formatInt(o.by_severity[sev] ?? 0),
          })),
        ]}
      />
    </>
  );
}

export function CompliancePage() {
  return (
    <section aria-labelledby="compliance-title">
      <div className="page-head">
        <h1 id="compliance-title">Compliance report</h1>
        <RangePicker />
      </div>
      <TenantGate noun="Reports">{(tenant) => <Report tenant={tenant} />}</TenantGate>
    </section>
  );
}
