import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTraces } from '../api/queries.js';
import type { Span, Trace } from '../api/types.js';
import { ScoreBadge, StatusBadge } from '../components/badges.js';
import { RangePicker, useResolvedRange } from '../components/range-picker.js';
import { QueryState } from '../components/states.js';
import { formatDateTime, formatInt, formatMs, formatUsd } from '../lib/format.js';
import {
  pageCount,
  parseTraceFilters,
  PROVIDERS,
  traceApiQuery,
  traceFiltersToParams,
  type TraceFilters,
} from '../lib/url-state.js';
import { useScopedHref, useTenantScope } from '../scope.js';

/** What one row shows: the trace summed over its spans. */
function summary(trace: Trace) {
  const spans = trace.spans;
  const first: Span | undefined = spans[0];
  const sum = (pick: (s: Span) => number | null) =>
    spans.reduce<number | null>((n, s) => {
      const v = pick(s);
      return v === null ? n : (n ?? 0) + v;
    }, null);
  return {
    model: first?.model_name ?? first?.operation_name ?? '—',
    provider: first?.provider ?? '—',
    agent: spans.find((s) => s.agent_id !== null)?.agent_id ?? null,
    status: spans.reduce<number | null>(
      (worst, s) => Math.max(worst ?? 0, s.status_code ?? 0),
      null,
    ),
    duration: sum((s) => s.duration_ms),
    tokens: sum((s) => s.total_tokens),
    cost: sum((s) => s.estimated_cost_usd),
    score: spans.reduce<number | null>(
      (m, s) => (s.security_score === null ? m : Math.max(m ?? 0, s.security_score)),
      null,
    ),
    findings: spans.reduce((n, s) => n + s.security_findings.length, 0),
    actions: spans.reduce((n, s) => n + s.agent_actions.length, 0),
  };
}

function FilterForm({
  filters,
  apply,
}: {
  filters: TraceFilters;
  apply: (f: TraceFilters) => void;
}) {
  // Text inputs are applied on submit (Enter), not on every keystroke, so typing does not refetch.
  const [model, setModel] = useState(filters.model ?? '');
  const [agent, setAgent] = useState(filters.agent ?? '');
  const [minScore, setMinScore] = useState(filters.minScore?.toString() ?? '');
  const [maxScore, setMaxScore] = useState(filters.maxScore?.toString() ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const params = traceFiltersToParams({
      ...filters,
      page: 1,
      model: model.trim() === '' ? undefined : model.trim(),
      agent: agent.trim() === '' ? undefined : agent.trim(),
    });
    if (minScore !== '') params.set('min_score', minScore);
    else params.delete('min_score');
    if (maxScore !== '') params.set('max_score', maxScore);
    else params.delete('max_score');
    apply(parseTraceFilters(params));
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Trace filters">
      <label>
        Model{' '}
        <input value={model} onChange={(e) => setModel(e.target.value)} placeholder="gpt-4o" />
      </label>
      <label>
        Provider{' '}
        <select
          value={filters.provider ?? ''}
          onChange={(e) =>
            apply(
              parseTraceFilters(
                traceFiltersToParams({
                  ...filters,
                  page: 1,
                  provider: (e.target.value || undefined) as TraceFilters['provider'],
                }),
              ),
            )
          }
        >
          <option value="">any</option>
          {PROVIDERS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        Agent{' '}
        <input value={agent} onChange={(e) => setAgent(e.target.value)} placeholder="agent id" />
      </label>
      <label>
        Score{' '}
        <input
          className="short"
          inputMode="numeric"
          aria-label="Minimum security score"
          value={minScore}
          onChange={(e) => setMinScore(e.target.value)}
          placeholder="0"
        />
        –
        <input
          className="short"
          inputMode="numeric"
          aria-label="Maximum security score"
          value={maxScore}
          onChange={(e) => setMaxScore(e.target.value)}
          placeholder="100"
        />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

export function TracesPage() {
  const [params, setParams] = useSearchParams();
  const filters = parseTraceFilters(params);
  const range = useResolvedRange(filters.range);
  const tenant = useTenantScope();
  const live = params.get('live') !== 'off';
  const query = traceApiQuery(filters, range, tenant);
  const traces = useTraces(query, live && filters.page === 1);
  const href = useScopedHref();
  const apply = (next: TraceFilters) => setParams(traceFiltersToParams(next, params));

  return (
    <section aria-labelledby="traces-title">
      <div className="page-head">
        <h1 id="traces-title">Traces</h1>
        <RangePicker />
        <label className="toggle">
          <input
            type="checkbox"
            checked={live}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              if (e.target.checked) next.delete('live');
              else next.set('live', 'off');
              setParams(next);
            }}
          />{' '}
          Auto-refresh
        </label>
      </div>
      {/* Re-mounted when the URL changes, so the inputs show the filters of the link. */}
      <FilterForm key={params.toString()} filters={filters} apply={apply} />
      <QueryState
        query={traces}
        what="traces"
        isEmpty={(page) => page.total === 0}
        empty="No traces match these filters in this time range."
      >
        {(page) => (
          <>
            <table className="table traces">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Model</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col" className="num">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col">Score</th>
                  <th scope="col" className="num">
                    Findings
                  </th>
                  <th scope="col" className="num">
                    Actions
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((trace) => {
                  const s = summary(trace);
                  return (
                    <tr key={trace.trace_id}>
                      <td>
                        <Link to={href(`/traces/${encodeURIComponent(trace.trace_id)}`)}>
                          {formatDateTime(trace.created_at)}
                        </Link>
                      </td>
                      <td>{s.model}</td>
                      <td>{s.provider}</td>
                      <td>{s.agent ?? <span className="muted">—</span>}</td>
                      <td>
                        <StatusBadge status={s.status} />
                      </td>
                      <td className="num">{formatMs(s.duration)}</td>
                      <td className="num">{formatInt(s.tokens)}</td>
                      <td className="num">{formatUsd(s.cost)}</td>
                      <td>
                        <ScoreBadge score={s.score} />
                      </td>
                      <td className="num">{s.findings === 0 ? '' : formatInt(s.findings)}</td>
                      <td className="num">{s.actions === 0 ? '' : formatInt(s.actions)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <nav className="pager" aria-label="Pages of traces">
              <button
                type="button"
                disabled={filters.page <= 1}
                onClick={() => apply({ ...filters, page: filters.page - 1 })}
              >
                ← Newer
              </button>
              <span>
                Page {filters.page} of {pageCount(page.total)} · {formatInt(page.total)} traces
              </span>
              <button
                type="button"
                disabled={filters.page >= pageCount(page.total)}
                onClick={() => apply({ ...filters, page: filters.page + 1 })}
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
