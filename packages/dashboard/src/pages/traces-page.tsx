import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTraces } from '../api/queries.js';
import type { Span, Trace } from '../api/types.js';
import { ScoreBadge, StatusBadge } from '../components/badges.js';
import { RangePicker, useResolvedRange } from '../components/range-picker.js';
import { DataTable } from '../components/data-table.js';
import { FilterBar, SelectFilter, TextFilter, useUrlParams } from '../components/filter-bar.js';
import { formatDateTime, formatInt, formatMs, formatUsd } from '../lib/format.js';
import {
  ACTION_KINDS,
  isActionKind,
  parseTraceFilters,
  PROVIDERS,
  traceApiQuery,
  traceFiltersToParams,
  type ActionKind,
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

const ACTION_KIND_LABELS: Record<ActionKind, string> = {
  tools: 'tool calls',
  commands: 'commands',
  web: 'web access',
  files: 'file access',
};

function FilterForm({
  filters,
  apply,
}: {
  filters: TraceFilters;
  apply: (f: TraceFilters) => void;
}) {
  const [model, setModel] = useState(filters.model ?? '');
  const [agent, setAgent] = useState(filters.agent ?? '');
  const [minScore, setMinScore] = useState(filters.minScore?.toString() ?? '');
  const [maxScore, setMaxScore] = useState(filters.maxScore?.toString() ?? '');
  const submit = () => {
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
    <FilterBar label="Trace filters" onSubmit={submit}>
      <TextFilter label="Model" value={model} onChange={setModel} placeholder="gpt-4o" />
      <SelectFilter
        label="Provider"
        value={filters.provider}
        options={PROVIDERS}
        onChange={(value) =>
          apply(
            parseTraceFilters(
              traceFiltersToParams({
                ...filters,
                page: 1,
                provider: (value || undefined) as TraceFilters['provider'],
              }),
            ),
          )
        }
      />
      <TextFilter label="Agent" value={agent} onChange={setAgent} placeholder="agent id" />
      <SelectFilter
        label="With"
        value={filters.actions}
        options={Object.keys(ACTION_KINDS)}
        labels={ACTION_KIND_LABELS}
        onChange={(value) =>
          apply({ ...filters, page: 1, actions: isActionKind(value) ? value : undefined })
        }
      />
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
    </FilterBar>
  );
}

export function TracesPage() {
  const [params, setParams] = useSearchParams();
  const [, update] = useUrlParams();
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
            onChange={(e) => update({ live: e.target.checked ? undefined : 'off' })}
          />{' '}
          Auto-refresh
        </label>
      </div>
      {/* Re-mounted when the URL changes, so the inputs show the filters of the link. */}
      <FilterForm key={params.toString()} filters={filters} apply={apply} />
      <DataTable
        query={traces}
        what="traces"
        className="traces"
        rows={(page) => page.items.map((trace) => ({ trace, s: summary(trace) }))}
        rowKey={(row) => row.trace.trace_id}
        columns={[
          {
            header: 'Time',
            cell: ({ trace }) => (
              <Link to={href(`/traces/${encodeURIComponent(trace.trace_id)}`)}>
                {formatDateTime(trace.created_at)}
              </Link>
            ),
          },
          { header: 'Model', cell: ({ s }) => s.model },
          { header: 'Provider', cell: ({ s }) => s.provider },
          { header: 'Agent', cell: ({ s }) => s.agent ?? <span className="muted">—</span> },
          { header: 'Status', cell: ({ s }) => <StatusBadge status={s.status} /> },
          { header: 'Duration', numeric: true, cell: ({ s }) => formatMs(s.duration) },
          { header: 'Tokens', numeric: true, cell: ({ s }) => formatInt(s.tokens) },
          { header: 'Cost', numeric: true, cell: ({ s }) => formatUsd(s.cost) },
          { header: 'Score', cell: ({ s }) => <ScoreBadge score={s.score} /> },
          {
            header: 'Findings',
            numeric: true,
            cell: ({ s }) => (s.findings === 0 ? '' : formatInt(s.findings)),
          },
          {
            header: 'Actions',
            numeric: true,
            cell: ({ s }) => (s.actions === 0 ? '' : formatInt(s.actions)),
          },
        ]}
        empty="No traces match these filters in this time range."
        paging={{
          page: filters.page,
          total: (page) => page.total,
          onPage: (n) => apply({ ...filters, page: n }),
        }}
      />
    </section>
  );
}
