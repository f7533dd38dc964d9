import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useCosts, useStats, useTimeSeries } from '../api/queries.js';
import type { CostWindow } from '../api/types.js';
import {
  RangePicker,
  useClock,
  useRangePreset,
  useResolvedRange,
} from '../components/range-picker.js';
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

function AgentForm({ agent, show }: { agent: string; show: (agentId: string) => void }) {
  const [value, setValue] = useState(agent);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    show(value.trim());
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Agent budget">
      <label>
        Agent{' '}
        <input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="agent id (optional)"
        />
      </label>
      <button type="submit">Show agent caps</button>
    </form>
  );
}

export function CostsPage() {
  const tenant = useTenantScope();
  const global = useIsGlobalAdmin();
  const [params, setParams] = useSearchParams();
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

  const showAgent = (agentId: string) => {
    const next = new URLSearchParams(params);
    if (agentId === '') next.delete('agent');
    else next.set('agent', agentId);
    setParams(next);
  };

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
          <QueryState query={costs} what="budgets" isEmpty={(c) => c.windows.length === 0}>
            {(c) => (
              <table className="table">
                <caption>
                  Spend per budget window — tenant <strong>{c.tenant_id}</strong>
                  {c.agent_id === null ? null : (
                    <>
                      , agent <strong>{c.agent_id}</strong>
                    </>
                  )}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Window</th>
                    <th scope="col">Scope</th>
                    <th scope="col" className="num">
                      Spent
                    </th>
                    <th scope="col" className="num">
                      Soft cap
                    </th>
                    <th scope="col" className="num">
                      Hard cap
                    </th>
                    <th scope="col" className="num">
                      Remaining
                    </th>
                    <th scope="col">Use</th>
                    <th scope="col">Resets</th>
                  </tr>
                </thead>
                <tbody>
                  {c.windows.map((w) => (
                    <tr key={`${w.scope}-${w.window}`}>
                      <td>{w.window}</td>
                      <td>{w.scope}</td>
                      <td className="num">{formatUsd(w.spent_usd)}</td>
                      <td className="num">{formatUsd(w.soft_limit_usd)}</td>
                      <td className="num">{formatUsd(w.hard_limit_usd)}</td>
                      <td className="num">{formatUsd(w.remaining_usd)}</td>
                      <td>
                        <Meter window={w} />
                      </td>
                      <td title={formatDateTime(w.resets_at)}>
                        {formatRelative(w.resets_at, now)}{' '}
                        <span className="muted">({formatDateTime(w.resets_at)})</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryState>
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
      <QueryState
        query={series}
        what="spend per agent"
        isEmpty={(d) => d.by_agent.length === 0}
        empty="No spend in this range."
      >
        {(d) => (
          <table className="table">
            <caption>
              Spend per agent in this range
              {d.scan_complete ? null : (
                <span className="muted"> (newest {formatInt(d.scanned_spans)} spans)</span>
              )}
            </caption>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col" className="num">
                  Spans
                </th>
                <th scope="col" className="num">
                  Tokens
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {d.by_agent.map((a) => (
                <tr key={a.agent_id ?? ''}>
                  <td>
                    {a.agent_id === null ? (
                      <span className="muted">no agent</span>
                    ) : (
                      <Link to={agentHref(a.agent_id)}>{a.agent_id}</Link>
                    )}
                  </td>
                  <td className="num">{formatInt(a.span_count)}</td>
                  <td className="num">{formatInt(a.total_tokens)}</td>
                  <td className="num">{formatUsd(a.total_cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
      <QueryState
        query={stats}
        what="cost by model"
        isEmpty={(s) => s.by_model.length === 0}
        empty="No spend in this range."
      >
        {(s) => (
          <table className="table">
            <caption>Cost by model in this range</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Provider</th>
                <th scope="col" className="num">
                  Tokens
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {s.by_model.map((m) => (
                <tr key={`${m.provider}/${m.model_name}`}>
                  <td>{m.model_name}</td>
                  <td>{m.provider}</td>
                  <td className="num">{formatInt(m.total_tokens)}</td>
                  <td className="num">{formatUsd(m.total_cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}
