import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useCosts, useStats, useTimeSeries } from '../api/queries.js';
import type { CostWindow, TimeSeries } from '../api/types.js';
import {
  RangePicker,
  useClock,
  useRangePreset,
  useResolvedRange,
} from '../components/range-picker.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FilterBar, TextFilter, useUrlParams } from '../components/filter-bar.js';
import { ModelTable } from '../components/model-table.js';
import { Empty, QueryState } from '../components/states.js';
import { TimeChart } from '../components/time-chart.js';
import { formatDateTime, formatInt, formatRelative, formatUsd } from '../lib/format.js';
import { useIsGlobalAdmin, useTenantScope } from '../scope.js';

/** Spend against its caps as a meter: soft cap marked, over the hard cap in red. */
function Meter({ window }: { window: CostWindow }) {
  const cap = window.hard_limit_usd ?? window.soft_limit_usd;
  if (cap === null || cap <= 0) return <span className="muted">no cap</span>;
  const share = window.spent_usd / cap;
  const state =
    window.hard_limit_usd !== null && window.spent_usd >= window.hard_limit_usd
      ? 'over'
      : window.soft_limit_usd !== null && window.spent_usd >= window.soft_limit_usd
        ? 'warn'
        : 'ok';
  return (
    <meter
      className={`budget ${state}`}
      min={0}
      max={cap}
      value={Math.min(window.spent_usd, cap)}
      {...(window.soft_limit_usd === null ? {} : { high: window.soft_limit_usd })}
      title={`${Math.round(share * 100)}% of ${formatUsd(cap)}`}
    >
      {Math.round(share * 100)}%
    </meter>
  );
}

function windowColumns(now: number): Column<CostWindow>[] {
  return [
    { header: 'Window', cell: (w) => w.window },
    { header: 'Scope', cell: (w) => w.scope },
    { header: 'Spent', numeric: true, cell: (w) => formatUsd(w.spent_usd) },
    { header: 'Soft cap', numeric: true, cell: (w) => formatUsd(w.soft_limit_usd) },
    { header: 'Hard cap', numeric: true, cell: (w) => formatUsd(w.hard_limit_usd) },
    { header: 'Remaining', numeric: true, cell: (w) => formatUsd(w.remaining_usd) },
    { header: 'Use', cell: (w) => <Meter window={w} /> },
    {
      header: 'Resets',
      cell: (w) => (
        <span title={formatDateTime(w.resets_at)}>
          {formatRelative(w.resets_at, now)}{' '}
          <span className="muted">({formatDateTime(w.resets_at)})</span>
        </span>
      ),
    },
  ];
}

type AgentSpend = TimeSeries['by_agent'][number];

function agentColumns(agentHref: (agentId: string) => string): Column<AgentSpend>[] {
  return [
    {
      header: 'Agent',
      cell: (a) =>
        a.agent_id === null ? (
          <span className="muted">no agent</span>
        ) : (
          <Link to={agentHref(a.agent_id)}>{a.agent_id}</Link>
        ),
    },
    { header: 'Spans', numeric: true, cell: (a) => formatInt(a.span_count) },
    { header: 'Tokens', numeric: true, cell: (a) => formatInt(a.total_tokens) },
    { header: 'Cost', numeric: true, cell: (a) => formatUsd(a.total_cost_usd) },
  ];
}

function AgentForm({ agent, show }: { agent: string; show: (agentId: string) => void }) {
  const [value, setValue] = useState(agent);
  return (
    <FilterBar label="Agent budget" onSubmit={() => show(value.trim())}>
      <TextFilter
        label="Agent"
        value={value}
        onChange={setValue}
        placeholder="agent id (optional)"
      />
      <button type="submit">Show agent caps</button>
    </FilterBar>
  );
}

export function CostsPage() {
  const tenant = useTenantScope();
  const global = useIsGlobalAdmin();
  const [params, update] = useUrlParams();
  const agent = params.get('agent') ?? undefined;
  const preset = useRangePreset();
  const range = useResolvedRange(preset);
  const costs = useCosts(tenant, agent, !(global && tenant === undefined));
  const stats = useStats(tenant, range);
  const series = useTimeSeries(tenant, range);
  const now = useClock();

  /** This page with an agent's caps shown (keeps tenant and range). */
  const agentHref = (agentId: string): string => {
    const next = new URLSearchParams(params);
    next.set('agent', agentId);
    return `/costs?${next.toString()}`;
  };

  const showAgent = (agentId: string) => update({ agent: agentId });

  return (
    <section aria-labelledby="costs-title">
      <div className="page-head">
        <h1 id="costs-title">Costs &amp; budgets</h1>
        <RangePicker />
      </div>
      {global && tenant === undefined ? (
        <Empty>Budgets are per tenant: pick a tenant at the top to see its windows and caps.</Empty>
      ) : (
        <>
          {/* Re-mounted when the URL's agent changes, so the input shows the agent of the link. */}
          <AgentForm key={agent ?? ''} agent={agent ?? ''} show={showAgent} />
          <DataTable
            query={costs}
            what="budgets"
            rows={(c) => c.windows}
            rowKey={(w) => `${w.scope}-${w.window}`}
            columns={windowColumns(now)}
            caption={(c) => (
              <>
                Spend per budget window — tenant <strong>{c.tenant_id}</strong>
                {c.agent_id === null ? null : (
                  <>
                    , agent <strong>{c.agent_id}</strong>
                  </>
                )}
              </>
            )}
          />
        </>
      )}
      <QueryState query={series} what="cost chart">
        {(d) => (
          <TimeChart
            title="Cost over time (USD)"
            rows={d.buckets.map((b) => ({ start: b.start, cost: b.total_cost_usd }))}
            preset={preset}
            kind="bar"
            format={(v) => formatUsd(v)}
            series={[{ key: 'cost', name: 'Cost', color: '#16a34a' }]}
          />
        )}
      </QueryState>
      <DataTable
        query={series}
        what="spend per agent"
        rows={(d) => d.by_agent}
        rowKey={(a) => a.agent_id ?? ''}
        columns={agentColumns(agentHref)}
        empty="No spend in this range."
        caption={(d) => (
          <>
            Spend per agent in this range
            {d.scan_complete ? null : (
              <span className="muted"> (newest {formatInt(d.scanned_spans)} spans)</span>
            )}
          </>
        )}
      />
      <ModelTable
        query={stats}
        what="cost by model"
        caption="Cost by model in this range"
        spans={false}
      />
    </section>
  );
}
