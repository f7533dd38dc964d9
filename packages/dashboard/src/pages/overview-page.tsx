import { useMemo } from 'react';
import { useStats, useTimeSeries } from '../api/queries.js';
import { SEVERITIES, type TimeSeriesBucket } from '../api/types.js';
import { RangePicker, useRangePreset, useResolvedRange } from '../components/range-picker.js';
import { StatCard } from '../components/stat-card.js';
import { ModelTable } from '../components/model-table.js';
import { QueryState } from '../components/states.js';
import { countsOf, SEVERITY_SERIES, TimeChart, type ChartRow } from '../components/time-chart.js';
import { formatCompact, formatInt, formatMs, formatUsd } from '../lib/format.js';
import { useTenantScope } from '../scope.js';

function rowsOf(buckets: readonly TimeSeriesBucket[]): ChartRow[] {
  return buckets.map((b) => ({
    start: b.start,
    requests: b.trace_count,
    errors: b.error_count,
    prompt_tokens: b.prompt_tokens,
    completion_tokens: b.completion_tokens,
    cost: b.total_cost_usd,
    latency_p50: b.latency_ms.p50,
    latency_p95: b.latency_ms.p95,
    ttft_p50: b.ttft_ms.p50,
    ttft_p95: b.ttft_ms.p95,
    ...countsOf(SEVERITIES, b.findings_by_severity),
  }));
}

export function OverviewPage() {
  const preset = useRangePreset();
  const range = useResolvedRange(preset);
  const tenant = useTenantScope();
  const stats = useStats(tenant, { from: range.from, to: range.to }, true);
  const series = useTimeSeries(tenant, range, true);
  const rows = useMemo(() => rowsOf(series.data?.buckets ?? []), [series.data]);

  return (
    <section aria-labelledby="overview-title">
      <div className="page-head">
        <h1 id="overview-title">Overview</h1>
        <RangePicker />
      </div>
      <QueryState query={stats} what="statistics">
        {(s) => {
          const findings = SEVERITIES.reduce((n, sev) => n + (s.findings_by_severity[sev] ?? 0), 0);
          return (
            <div className="cards">
              <StatCard
                label="Requests"
                value={formatInt(s.trace_count)}
                hint={`${formatInt(s.span_count)} spans`}
              />
              <StatCard
                label="Errors"
                value={formatInt(s.error_count)}
                hint={
                  s.span_count === 0
                    ? undefined
                    : `${((100 * s.error_count) / s.span_count).toFixed(1)}% of spans`
                }
              />
              <StatCard
                label="Tokens"
                value={formatCompact(s.total_tokens)}
                hint={`${formatCompact(s.prompt_tokens)} in / ${formatCompact(s.completion_tokens)} out`}
              />
              <StatCard
                label="Cost"
                value={formatUsd(s.total_cost_usd)}
                {...(s.unpriced_spans > 0
                  ? { hint: `${formatInt(s.unpriced_spans)} spans unpriced` }
                  : {})}
              />
              <StatCard
                label="Latency p50 / p95"
                value={`${formatMs(s.latency_ms.p50)} / ${formatMs(s.latency_ms.p95)}`}
              />
              <StatCard
                label="Findings"
                value={formatInt(findings)}
                hint={`${formatInt(s.findings_by_severity.critical + s.findings_by_severity.high)} high or critical`}
              />
            </div>
          );
        }}
      </QueryState>
      <QueryState
        query={series}
        what="charts"
        isEmpty={(d) => d.buckets.every((b) => b.span_count === 0)}
        empty="No traffic in this time range. Point a client at the proxy and it appears here."
      >
        {() => (
          <div className="charts">
            <TimeChart
              title="Requests and errors"
              rows={rows}
              preset={preset}
              kind="bar"
              integer
              format={formatCompact}
              series={[
                { key: 'requests', name: 'Requests', color: '#2563eb' },
                { key: 'errors', name: 'Errors', color: '#dc2626' },
              ]}
            />
            <TimeChart
              title="Tokens"
              rows={rows}
              preset={preset}
              kind="area"
              format={formatCompact}
              series={[
                { key: 'prompt_tokens', name: 'Prompt', color: '#0891b2' },
                { key: 'completion_tokens', name: 'Completion', color: '#9333ea' },
              ]}
            />
            <TimeChart
              title="Cost (USD)"
              rows={rows}
              preset={preset}
              kind="area"
              format={(v) => formatUsd(v)}
              series={[{ key: 'cost', name: 'Cost', color: '#16a34a' }]}
            />
            <TimeChart
              title="Latency and time to first token"
              rows={rows}
              preset={preset}
              kind="line"
              format={(v) => formatMs(v)}
              series={[
                { key: 'latency_p50', name: 'Latency p50', color: '#2563eb' },
                { key: 'latency_p95', name: 'Latency p95', color: '#1e3a8a' },
                { key: 'ttft_p50', name: 'TTFT p50', color: '#f59e0b' },
                { key: 'ttft_p95', name: 'TTFT p95', color: '#b45309' },
              ]}
            />
            <TimeChart
              title="Security findings by severity"
              rows={rows}
              preset={preset}
              kind="bar"
              integer
              format={formatCompact}
              series={SEVERITY_SERIES}
            />
          </div>
        )}
      </QueryState>
      <ModelTable query={stats} what="models" caption="By model" spans />
    </section>
  );
}
