import { Link, useSearchParams } from 'react-router-dom';
import { useAlerts } from '../api/queries.js';
import { SeverityBadge } from '../components/badges.js';
import { QueryState } from '../components/states.js';
import { formatDateTime, formatInt } from '../lib/format.js';
import { pageCount } from '../lib/url-state.js';
import { useScopedHref, useTenantScope } from '../scope.js';

const STATUSES = ['sent', 'suppressed', 'failed'] as const;

export function AlertsPage() {
  const tenant = useTenantScope();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = STATUSES.find((s) => s === statusParam);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const alerts = useAlerts(tenant, status, page);
  const href = useScopedHref();
  const go = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(name);
      else next.set(name, value);
    }
    setParams(next);
  };

  return (
    <section aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">Alerts</h1>
        <label>
          Status{' '}
          <select
            value={status ?? ''}
            onChange={(e) => go({ status: e.target.value, page: undefined })}
          >
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <QueryState
        query={alerts}
        what="alerts"
        isEmpty={(p) => p.total === 0}
        empty="No alerts yet. Alerts are sent when findings or budgets cross the configured thresholds."
      >
        {(p) => (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Title</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Status</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">Trace</th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((a) => (
                  <tr key={a.id}>
                    <td>{formatDateTime(a.created_at)}</td>
                    <td>
                      <SeverityBadge severity={a.severity} />
                    </td>
                    <td>{a.kind}</td>
                    <td>{a.title}</td>
                    <td>{a.channel}</td>
                    <td>
                      <span
                        className={`badge ${a.status === 'failed' ? 'sev-high' : a.status === 'sent' ? 'ok' : 'sev-info'}`}
                      >
                        {a.status}
                      </span>
                    </td>
                    <td>{a.tenant_id}</td>
                    <td>
                      {a.trace_id === null ? (
                        '—'
                      ) : (
                        <Link to={href(`/traces/${encodeURIComponent(a.trace_id)}`)}>open</Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label="Pages of alerts">
              <button
                type="button"
                disabled={page <= 1}
                onClick={() => go({ page: String(page - 1) })}
              >
                ← Newer
              </button>
              <span>
                Page {page} of {pageCount(p.total)} · {formatInt(p.total)} alerts
              </span>
              <button
                type="button"
                disabled={page >= pageCount(p.total)}
                onClick={() => go({ page: String(page + 1) })}
              >
                Older →
              </button>
            </nav>
          </>
        )}
      </QueryState>
    </section>
  );
}
