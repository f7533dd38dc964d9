import { Link, useParams } from 'react-router-dom';
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTrace } from '../api/queries.js';
import type { Finding, Span, Trace } from '../api/types.js';
import { ScoreBadge, SeverityBadge, StatusBadge } from '../components/badges.js';
import { ActionFindings, actionSubject, findingsOfAction } from '../components/actions.js';
import { Table } from '../components/data-table.js';
import { StatCard } from '../components/stat-card.js';
import { QueryState } from '../components/states.js';
import { parsePrompt } from '../lib/chat.js';
import { formatDateTime, formatInt, formatMs, formatUsd } from '../lib/format.js';
import { segments, type Mark } from '../lib/highlight.js';
import { useScopedHref, useTenantScope } from '../scope.js';

/** Text with the findings that point into it highlighted (`<mark>` with the finding as title). */
function Highlighted({ text, marks }: { text: string; marks: readonly Mark[] }) {
  return (
    <>
      {segments(text, marks).map((segment, i) =>
        segment.marks.length === 0 ? (
          <span key={i}>{segment.text}</span>
        ) : (
          <mark
            key={i}
            className={`finding-mark sev-${segment.marks[0]?.severity ?? 'info'}`}
            title={segment.marks.map((m) => m.label).join(', ')}
          >
            {segment.text}
          </mark>
        ),
      )}
    </>
  );
}

function markOf(finding: Finding): Mark | null {
  const { location } = finding;
  if (location?.start === undefined || location.end === undefined) return null;
  return {
    start: location.start,
    end: location.end,
    label: `${finding.finding_type} (${finding.severity})`,
    severity: finding.severity,
  };
}

function Conversation({ span }: { span: Span }) {
  const messages = parsePrompt(span.prompt);
  const requestFindings = span.security_findings.filter((f) => f.location?.side !== 'response');
  const responseFindings = span.security_findings.filter((f) => f.location?.side === 'response');
  return (
    <div className="chat" aria-label="Conversation">
      {messages.length === 0 ? <p className="muted">No prompt was captured.</p> : null}
      {messages.map((message, index) => {
        const here = requestFindings.filter((f) => f.location?.message_index === index);
        const marks = here.map(markOf).filter((m): m is Mark => m !== null);
        return (
          <div
            key={index}
            className={`bubble role-${message.role}${here.length > 0 ? ' flagged' : ''}`}
          >
            <div className="bubble-role">
              {message.role}
              {here.map((f) => (
                <span key={f.id} className="bubble-finding">
                  <SeverityBadge severity={f.severity} /> {f.finding_type}
                </span>
              ))}
            </div>
            <div className="bubble-text">
              <Highlighted text={message.content} marks={marks} />
            </div>
          </div>
        );
      })}
      {span.response === null ? null : (
        <div
          className={`bubble role-assistant answer${responseFindings.length > 0 ? ' flagged' : ''}`}
        >
          <div className="bubble-role">
            answer
            {responseFindings.map((f) => (
              <span key={f.id} className="bubble-finding">
                <SeverityBadge severity={f.severity} /> {f.finding_type}
              </span>
            ))}
          </div>
          <div className="bubble-text">
            <Highlighted
              text={span.response}
              marks={responseFindings.map(markOf).filter((m): m is Mark => m !== null)}
            />
          </div>
        </div>
      )}
      {span.error_message === null ? null : (
        <p className="form-error" role="note">
          Error: {span.error_message}
        </p>
      )}
    </div>
  );
}

function Actions({ span }: { span: Span }) {
  if (span.agent_actions.length === 0) return null;
  const rows = span.agent_actions.map((action) => ({
    action,
    related: findingsOfAction(action, span.security_findings),
  }));
  return (
    <Table
      caption="Agent actions"
      rows={rows}
      rowKey={(_, i) => String(i)}
      rowClassName={(row) => (row.related.length > 0 ? 'flagged' : undefined)}
      columns={[
        { header: 'Type', cell: ({ action }) => action.action_type },
        { header: 'Name', cell: ({ action }) => <code>{action.name}</code> },
        {
          header: 'Arguments',
          cell: ({ action }) => <code className="wrap">{actionSubject(action)}</code>,
        },
        { header: 'Findings', cell: ({ related }) => <ActionFindings findings={related} /> },
      ]}
    />
  );
}

/** Where in the exchange a finding points. */
function findingPlace(f: Finding): string {
  if (f.location === undefined) return '—';
  if (f.location.side === 'response') return 'answer';
  return f.location.message_index === undefined
    ? 'prompt'
    : `message ${f.location.message_index + 1}`;
}

function Findings({ span }: { span: Span }) {
  if (span.security_findings.length === 0) return <p className="muted">No security findings.</p>;
  return (
    <Table
      caption="Security findings"
      rows={span.security_findings}
      rowKey={(f) => f.id}
      columns={[
        { header: 'Severity', cell: (f) => <SeverityBadge severity={f.severity} /> },
        {
          header: 'Type',
          cell: (f) => (
            <>
              {f.finding_type}
              {f.owasp_id === undefined ? null : <span className="muted"> {f.owasp_id}</span>}
            </>
          ),
        },
        { header: 'Where', cell: findingPlace },
        { header: 'Description', cell: (f) => f.description },
        {
          header: 'Confidence',
          numeric: true,
          cell: (f) => `${Math.round(f.confidence * 100)}%`,
        },
      ]}
    />
  );
}

/** Span timeline: each span's bar starts at its offset from the trace's first span. */
function Waterfall({ trace }: { trace: Trace }) {
  const t0 = Math.min(...trace.spans.map((s) => Date.parse(s.start_time)));
  const rows = trace.spans.map((s) => {
    const offset = Date.parse(s.start_time) - t0;
    return {
      name: s.operation_name + (s.model_name === null ? '' : ` · ${s.model_name}`),
      offset,
      duration: s.duration_ms ?? 0,
      ttft: s.time_to_first_token_ms,
      failed: (s.status_code ?? 0) >= 400 || s.status_code === null,
    };
  });
  return (
    <figure className="chart" aria-label="Span timeline">
      <figcaption>Span timeline (ms from the first span)</figcaption>
      <ResponsiveContainer width="100%" height={60 + rows.length * 36}>
        <BarChart data={rows} layout="vertical" margin={{ left: 16, right: 24 }}>
          <XAxis type="number" tickFormatter={(v: number) => formatMs(v)} tick={{ fontSize: 11 }} />
          <YAxis type="category" dataKey="name" width={220} tick={{ fontSize: 11 }} />
          <Tooltip
            formatter={(value, name) => [
              formatMs(Number(value)),
              name === 'offset' ? 'starts at' : 'duration',
            ]}
          />
          <Bar dataKey="offset" stackId="t" fill="transparent" isAnimationActive={false} />
          <Bar dataKey="duration" stackId="t" isAnimationActive={false}>
            {rows.map((r, i) => (
              <Cell key={i} fill={r.failed ? '#dc2626' : '#2563eb'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function SpanSection({ span }: { span: Span }) {
  return (
    <section className="span" aria-label={`Span ${span.span_id}`}>
      <h2>
        {span.operation_name} <span className="muted">{span.model_name ?? ''}</span>
      </h2>
      <div className="cards">
        <StatCard
          label="Status"
          value={span.status_code === null ? 'aborted' : String(span.status_code)}
        />
        <StatCard label="Duration" value={formatMs(span.duration_ms)} />
        <StatCard label="Time to first token" value={formatMs(span.time_to_first_token_ms)} />
        <StatCard
          label="Tokens"
          value={formatInt(span.total_tokens)}
          hint={`${formatInt(span.prompt_tokens)} in / ${formatInt(span.completion_tokens)} out${span.tokens_estimated ? ' (estimated)' : ''}`}
        />
        <StatCard
          label="Cost"
          value={formatUsd(span.estimated_cost_usd)}
          {...(span.estimated_cost_usd === null ? { hint: 'no known price' } : {})}
        />
        <div className="card stat">
          <div className="stat-label">Security score</div>
          <div className="stat-value">
            <ScoreBadge score={span.security_score} />
          </div>
        </div>
      </div>
      <dl className="meta">
        <dt>Provider</dt>
        <dd>{span.provider}</dd>
        <dt>Agent</dt>
        <dd>{span.agent_id ?? '—'}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(span.start_time)}</dd>
        <dt>Span id</dt>
        <dd>
          <code>{span.span_id}</code>
        </dd>
      </dl>
      <Conversation span={span} />
      <Findings span={span} />
      <Actions span={span} />
    </section>
  );
}

export function TraceDetailPage() {
  const { id = '' } = useParams();
  const tenant = useTenantScope();
  const trace = useTrace(id, tenant);
  const href = useScopedHref();
  return (
    <section aria-labelledby="trace-title">
      <p>
        <Link to={href('/traces')}>← All traces</Link>
      </p>
      <h1 id="trace-title">
        Trace <code>{id}</code>
      </h1>
      <QueryState query={trace} what="the trace">
        {(t) => {
          const sum = (pick: (s: Span) => number | null) =>
            t.spans.reduce((n, s) => n + (pick(s) ?? 0), 0);
          const status = t.spans.reduce<number | null>(
            (w, s) => Math.max(w ?? 0, s.status_code ?? 0),
            null,
          );
          return (
            <>
              <div className="cards">
                <StatCard label="Tenant" value={t.tenant_id} />
                <StatCard label="Started" value={formatDateTime(t.created_at)} />
                <StatCard label="Spans" value={formatInt(t.spans.length)} />
                <StatCard label="Tokens" value={formatInt(sum((s) => s.total_tokens))} />
                <StatCard label="Cost" value={formatUsd(sum((s) => s.estimated_cost_usd))} />
                <div className="card stat">
                  <div className="stat-label">Status</div>
                  <div className="stat-value">
                    <StatusBadge status={status} />
                  </div>
                </div>
              </div>
              <Waterfall trace={t} />
              {t.spans.map((span) => (
                <SpanSection key={span.span_id} span={span} />
              ))}
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
