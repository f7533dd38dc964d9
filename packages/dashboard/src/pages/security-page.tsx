import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { useFindings, useStats, useTimeSeries } from '../api/queries.js';
import { SEVERITIES, type Finding, type Severity } from '../api/types.js';
import { ScoreBadge, SeverityBadge } from '../components/badges.js';
import { RangePicker, useRangePreset, useResolvedRange } from '../components/range-picker.js';
import { DataTable } from '../components/data-table.js';
import { FilterBar, SelectFilter, useUrlParams } from '../components/filter-bar.js';
import { StatCard } from '../components/stat-card.js';
import { QueryState } from '../components/states.js';
import {
  categorySeries,
  countsOf,
  SEVERITY_SERIES,
  TimeChart,
  type ChartRow,
} from '../components/time-chart.js';
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
  const [params, update] = useUrlParams();
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
        ...countsOf(SEVERITIES, b.findings_by_severity),
      })),
      byType: buckets.map((b): ChartRow => ({
        start: b.start,
        ...countsOf(allTypes, b.findings_by_type),
      })),
    };
  }, [series.data]);

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
              series={SEVERITY_SERIES}
            />
            <TimeChart
              title="Flagged spans by finding type"
              rows={byType}
              preset={preset}
              kind="bar"
              integer
              format={formatCompact}
              series={categorySeries(types)}
            />
            {d.scan_complete ? null : (
              <p className="muted">
                Finding types cover the newest {formatInt(d.scanned_spans)} spans of this range.
              </p>
            )}
          </div>
        )}
      </QueryState>
      <FilterBar label="Finding filters">
        <SelectFilter
          label="Type"
          value={type}
          options={[...new Set([...types, ...(type === undefined ? [] : [type])])]}
          onChange={(value) => update({ type: value })}
        />
        <SelectFilter
          label="Severity"
          value={severity}
          options={SEVERITIES}
          onChange={(value) => update({ severity: value })}
        />
      </FilterBar>
      <DataTable
        query={findings}
        what="flagged traces"
        // The highest-scoring flagged spans of the range.
        rows={(page) =>
          [...page.items]
            .sort((a, b) => (b.security_score ?? 0) - (a.security_score ?? 0))
            .slice(0, WORST)
        }
        rowKey={(span) => span.span_id}
        caption={() => 'Worst traces'}
        empty="No flagged traces match."
        columns={[
          { header: 'Score', cell: (span) => <ScoreBadge score={span.security_score} /> },
          {
            header: 'Time',
            cell: (span) => (
              <Link to={href(`/traces/${encodeURIComponent(span.trace_id)}`)}>
                {formatDateTime(span.start_time)}
              </Link>
            ),
          },
          {
            header: 'Findings',
            cell: (span) =>
              chips(span.security_findings).map((c) => (
                <span key={c.key} className="finding-chip">
                  <SeverityBadge severity={c.severity} /> {c.type}
                  {c.count > 1 ? ` ×${c.count}` : ''}
                </span>
              )),
          },
          { header: 'Model', cell: (span) => span.model_name ?? '—' },
          { header: 'Agent', cell: (span) => span.agent_id ?? '—' },
        ]}
      />
    </section>
  );
}
