import { Link } from 'react-router-dom';
import { useAlerts } from '../api/queries.js';
import type { AlertRecord } from '../api/types.js';
import { SeverityBadge } from '../components/badges.js';
import { DataTable, type Column } from '../components/data-table.js';
import { SelectFilter, useUrlParams } from '../components/filter-bar.js';
import { formatDateTime } from '../lib/format.js';
import { useScopedHref, useTenantScope } from '../scope.js';

const STATUSES = ['sent', 'suppressed', 'failed'] as const;

function statusClass(status: AlertRecord['status']): string {
  return status === 'failed' ? 'sev-high' : status === 'sent' ? 'ok' : 'sev-info';
}

export function AlertsPage() {
  const tenant = useTenantScope();
  const [params, update] = useUrlParams();
  const statusParam = params.get('status');
  const status = STATUSES.find((s) => s === statusParam);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const alerts = useAlerts(tenant, status, page);
  const href = useScopedHref();

  const columns: Column<AlertRecord>[] = [
    { header: 'Time', cell: (a) => formatDateTime(a.created_at) },
    { header: 'Severity', cell: (a) => <SeverityBadge severity={a.severity} /> },
    { header: 'Kind', cell: (a) => a.kind },
    { header: 'Title', cell: (a) => a.title },
    { header: 'Channel', cell: (a) => a.channel },
    {
      header: 'Status',
      cell: (a) => <span className={`badge ${statusClass(a.status)}`}>{a.status}</span>,
    },
    { header: 'Tenant', cell: (a) => a.tenant_id },
    {
      header: 'Trace',
      cell: (a) =>
        a.trace_id === null ? (
          '—'
        ) : (
          <Link to={href(`/traces/${encodeURIComponent(a.trace_id)}`)}>open</Link>
        ),
    },
  ];

  return (
    <section aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">Alerts</h1>
        <SelectFilter
          label="Status"
          value={status}
          options={STATUSES}
          onChange={(value) => update({ status: value, page: undefined })}
        />
      </div>
      <DataTable
        query={alerts}
        what="alerts"
        rows={(p) => p.items}
        rowKey={(a) => a.id}
        columns={columns}
        empty="No alerts yet. Alerts are sent when findings or budgets cross the configured thresholds."
        paging={{ page, total: (p) => p.total, onPage: (n) => update({ page: String(n) }) }}
      />
    </section>
  );
}
