import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useFindings, useStats, useTimeSeries } from '../api/queries.js';
import { SEVERITIES, type Finding, type Severity } from '../api/types.js';
import { ScoreBadge, SeverityBadge } from '../components/badges.js';
import { RangePicker, useRangePreset, useResolvedRange } from '../components/range-picker.js';
import { StatCard } from '../components/stat-card.js';
import { QueryState } from '../components/states.js';
import { PALETTE, SEVERITY_COLORS, TimeChart, type ChartRow } from '../components/time-chart.js';
import { formatCompact, formatDateTime, formatInt } from '../lib/format.js';
import { useScopedHref, useTenantScope } from '../scope.js';

/** One chip per finding type and severity, with how many findings it stands for. */
function chips(findings: readonly Finding[]) {
  const byKey = new Map<string, { key: string; type: string; severity: Severity; count: number }>();
  for (const f of findings) {
    const key = `${f.severity}/${f.finding_type}`;
    const chip = byKey.get(key);
    if (chip === undefined)
      byKey.set(key, { key, type: f.finding_type, severity: f.severity, count: 1 });
    else chip.count += 1;
  }
  return [...byKey.values()];
}

/** Worst traces shown: the highest-scoring flagged spans of the range. */
const WORST = 20;

export function SecurityPage() {
  const preset = useRangePreset();
  const range = useResolvedRange(preset);
  const tenant = useTenantScope();
  const [params, setParams] = useSearchParams();
  const type = params.get('type') ?? undefined;
  const severityParam = params.get('severity');
  const severity = SEVERITIES.find((s) => s === severityParam);
  const stats = useStats(tenant, range);
  const series = useTimeSeries(tenant, range);
  const findings = useFindings(tenant, { from: range.from, to: range.to, type, severity });
  const href = useScopedHref();

  const { bySeverity, byType, types } = useMemo(() => {
    const buckets = series.data?.buckets ?? [];
    const typeSet = new Set<string>();
    for (const b of buckets) for (const t of Object.keys(b.findings_by_type)) typeSet.add(t);
    const allTypes = [...typeSet].sort();
    return {
      types: allTypes,
      bySeverity: buckets.map((b): ChartRow => ({
        start: b.start,
        ...Object.fromEntries(SEVERITIES.map((s) => [s, b.findings_by_severity[s] ?? 0])),
      })),
      byType: buckets.map((b): ChartRow => ({
        start: b.start,
        ...Object.fromEntries(allTypes.map((t) => [t, b.findings_by_type[t] ?? 0])),
      })),
    };
  }, [series.data]);

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    setParams(next);
  };

  return (
    <section aria-labelledby="security-title">
      <div className="page-head">
        <h1 id="security-title">Security</h1>
        <RangePicker />
      </div>
      <QueryState query={stats} what="finding counts">
        {(s) => (
          <div className="cards">
            {SEVERITIES.map((sev: Severity) => (
              <StatCard
                key={sev}
                label={sev[0]?.toUpperCase() + sev.slice(1)}
                value={formatInt(s.findings_by_severity[sev])}
              />
            ))}
          </div>
        )}
      </QueryState>
      <QueryState
        query={series}
        what="charts"
        isEmpty={(d) =>
          d.buckets.every((b) => SEVERITIES.every((s) => (b.findings_by_severity[s] ?? 0) === 0))
        }
        empty="No security findings in this time range."
      >
        {(d) => (
          <div className="charts">
            <TimeChart
              title="Findings by severity"
              rows={bySeverity}
              preset={preset}
              kind="bar"
              integer
              format={formatCompact}
              series={SEVERITIES.map((s) => ({ key: s, name: s, color: SEVERITY_COLORS[s] }))}
            />
            <TimeChart
              title="Flagged spans by finding type"
              rows={byType}
              preset={preset}
              kind="bar"
              integer
              format={formatCompact}
              series={types.map((t, i) => ({
                key: t,
                name: t,
                color: PALETTE[i % PALETTE.length] ?? '#888',
              }))}
            />
            {d.scan_complete ? null : (
              <p className="muted">
                Finding types cover the newest {formatInt(d.scanned_spans)} spans of this range.
              </p>
            )}
          </div>
        )}
      </QueryState>
      <div className="filters" role="group" aria-label="Finding filters">
        <label>
          Type{' '}
          <select value={type ?? ''} onChange={(e) => setFilter('type', e.target.value)}>
            <option value="">any</option>
            {[...new Set([...types, ...(type === undefined ? [] : [type])])].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity{' '}
          <select value={severity ?? ''} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <QueryState
        query={findings}
        what="flagged traces"
        isEmpty={(p) => p.items.length === 0}
        empty="No flagged traces match."
      >
        {(page) => {
          const worst = [...page.items]
            .sort((a, b) => (b.security_score ?? 0) - (a.security_score ?? 0))
            .slice(0, WORST);
          return (
            <table className="table">
              <caption>Worst traces</caption>
              <thead>
                <tr>
                  <th scope="col">Score</th>
                  <th scope="col">Time</th>
                  <th scope="col">Findings</th>
                  <th scope="col">Model</th>
                  <th scope="col">Agent</th>
                </tr>
              </thead>
              <tbody>
                {worst.map((span) => (
                  <tr key={span.span_id}>
                    <td>
                      <ScoreBadge score={span.security_score} />
                    </td>
                    <td>
                      <Link to={href(`/traces/${encodeURIComponent(span.trace_id)}`)}>
                        {formatDateTime(span.start_time)}
                      </Link>
                    </td>
                    <td>
                      {chips(span.security_findings).map((c) => (
                        <span key={c.key} className="finding-chip">
                          <SeverityBadge severity={c.severity} /> {c.type}
                          {c.count > 1 ? ` ×${c.count}` : ''}
                        </span>
                      ))}
                    </td>
                    <td>{span.model_name ?? '—'}</td>
                    <td>{span.agent_id ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </QueryState>
    </section>
  );
}
