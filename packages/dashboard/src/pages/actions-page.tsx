import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useActions, useActionSummary, type ActionFilter } from '../api/queries.js';
import { ACTION_TYPES, type ActionItem, type CountItem } from '../api/types.js';
import { ActionFindings, actionSubject } from '../components/actions.js';
import { DataTable, Table, type Column } from '../components/data-table.js';
import { FilterBar, SelectFilter, TextFilter, useUrlParams } from '../components/filter-bar.js';
import { RangePicker, useRangePreset, useResolvedRange } from '../components/range-picker.js';
import { StatCard } from '../components/stat-card.js';
import { QueryState } from '../components/states.js';
import { formatDateTime, formatInt } from '../lib/format.js';
import { useIsGlobalAdmin, useScopedHref, useTenantScope } from '../scope.js';

/** The `finding` URL parameter: actions with or without a finding. */
const FINDING_CHOICES = ['with', 'without'] as const;
const FINDING_LABELS = { with: 'with findings', without: 'without findings' } as const;

/** The page's filters as kept in the URL (anything the API would refuse is dropped). */
function filterOf(params: URLSearchParams): ActionFilter {
  const type = ACTION_TYPES.find((t) => t === params.get('type'));
  const name = params.get('name')?.trim().slice(0, 256);
  const finding = params.get('finding');
  return {
    type,
    name: name === '' ? undefined : name,
    hasFinding: finding === 'with' ? true : finding === 'without' ? false : undefined,
  };
}

/** A "top" list of the summary (commands, domains, names) as a small two-column table. */
function TopList({ caption, items, what }: { caption: string; items: CountItem[]; what: string }) {
  if (items.length === 0) return <p className="muted">No {what} in this range.</p>;
  return (
    <Table
      caption={caption}
      rows={items}
      rowKey={(item) => item.key}
      columns={[
        { header: what[0]?.toUpperCase() + what.slice(1), cell: (item) => <code>{item.key}</code> },
        { header: 'Count', numeric: true, cell: (item) => formatInt(item.count) },
      ]}
    />
  );
}

/**
 * Type and findings apply at once; the name is text, applied on Enter (or Apply), not on every
 * keystroke.
 */
function ActionFilters({
  filter,
  finding,
  update,
}: {
  filter: ActionFilter;
  finding: string | undefined;
  update: (changes: Record<string, string | undefined>) => void;
}) {
  const [name, setName] = useState(filter.name ?? '');
  return (
    <FilterBar
      label="Action filters"
      onSubmit={() => update({ name: name.trim(), page: undefined })}
    >
      <SelectFilter
        label="Type"
        value={filter.type}
        options={ACTION_TYPES}
        onChange={(value) => update({ type: value, page: undefined })}
      />
      <SelectFilter
        label="Findings"
        value={finding}
        options={FINDING_CHOICES}
        labels={FINDING_LABELS}
        onChange={(value) => update({ finding: value, page: undefined })}
      />
      <TextFilter label="Name" value={name} onChange={setName} placeholder="run_shell" />
      <button type="submit">Apply</button>
    </FilterBar>
  );
}

/**
 * Agent actions (issue 15): what agents did or asked to do — tool calls, commands, web and file
 * accesses, skills — counted over the range, listed newest first with their findings, each linked
 * to its trace.
 */
export function ActionsPage() {
  const preset = useRangePreset();
  const range = useResolvedRange(preset);
  const tenant = useTenantScope();
  const global = useIsGlobalAdmin();
  const [params, update] = useUrlParams();
  const filter = filterOf(params);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const summary = useActionSummary(tenant, range);
  const actions = useActions(tenant, range, filter, page);
  const href = useScopedHref();

  const columns: Column<ActionItem>[] = [
    {
      header: 'Time',
      cell: (item) => (
        <Link to={href(`/traces/${encodeURIComponent(item.trace_id)}`)}>
          {formatDateTime(item.action.started_at ?? item.span_start_time)}
        </Link>
      ),
    },
    { header: 'Type', cell: (item) => item.action.action_type },
    { header: 'Name', cell: (item) => <code>{item.action.name}</code> },
    {
      header: 'Subject',
      cell: (item) => <code className="wrap">{actionSubject(item.action)}</code>,
    },
    { header: 'Findings', cell: (item) => <ActionFindings findings={item.findings} /> },
    { header: 'Source', cell: (item) => item.action.source },
    ...(global && tenant === undefined
      ? [{ header: 'Tenant', cell: (item: ActionItem) => item.tenant_id }]
      : []),
  ];

  return (
    <section aria-labelledby="actions-title">
      <div className="page-head">
        <h1 id="actions-title">Agent actions</h1>
        <RangePicker />
      </div>
      <QueryState query={summary} what="action counts">
        {(s) => {
          const findings = Object.values(s.findings_by_type).reduce((n, c) => n + (c ?? 0), 0);
          return (
            <>
              <div className="cards">
                <StatCard
                  label="Actions"
                  value={formatInt(s.total)}
                  hint={`in ${formatInt(s.spans_with_actions)} spans`}
                />
                <StatCard label="Tool calls" value={formatInt(s.by_type.tool_call ?? 0)} />
                <StatCard label="Commands" value={formatInt(s.by_type.command_execution ?? 0)} />
                <StatCard label="Web accesses" value={formatInt(s.by_type.web_access ?? 0)} />
                <StatCard label="File accesses" value={formatInt(s.by_type.file_access ?? 0)} />
                <StatCard label="Findings" value={formatInt(findings)} hint="about actions" />
              </div>
              {s.truncated ? (
                <p className="muted">
                  Counts cover the newest {formatInt(s.spans_with_actions)} spans with actions of
                  this range.
                </p>
              ) : null}
              <div className="top-lists">
                <TopList caption="Most used actions" items={s.by_name} what="action" />
                <TopList caption="Top commands" items={s.top_commands} what="command" />
                <TopList caption="Top domains" items={s.top_domains} what="domain" />
              </div>
            </>
          );
        }}
      </QueryState>
      {/* Re-mounted when the URL's name changes, so the input shows the name of the link. */}
      <ActionFilters
        key={filter.name ?? ''}
        filter={filter}
        finding={params.get('finding') ?? undefined}
        update={update}
      />
      <DataTable
        query={actions}
        what="actions"
        className="actions"
        rows={(p) => p.items}
        rowKey={(item) => `${item.span_id}/${item.action.id}`}
        rowClassName={(item) => (item.findings.length > 0 ? 'flagged' : undefined)}
        columns={columns}
        caption={(p) =>
          p.truncated ? (
            <span className="muted">Newest spans of the range only: narrow the range.</span>
          ) : undefined
        }
        empty="No agent actions match in this time range. Tool calls in proxied answers and actions reported with POST /api/v1/traces/{id}/actions appear here."
        paging={{ page, total: (p) => p.total, onPage: (n) => update({ page: String(n) }) }}
      />
    </section>
  );
}
