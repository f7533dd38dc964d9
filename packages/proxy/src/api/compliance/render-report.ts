import type { ComplianceReport } from './compliance-report.js';

type Row = readonly [section: string, metric: string, value: string | number | boolean | null];

/** The report as rows of (section, metric, value): the one list both CSV and HTML are made from. */
function rows(r: ComplianceReport): { section: string; title: string; rows: Row[] }[] {
  const sev = (section: string, prefix: string, counts: Record<string, number>): Row[] =>
    Object.entries(counts).map(([k, v]) => [section, `${prefix}${k}`, v]);
  return [
    {
      section: 'scope',
      title: 'Scope',
      rows: [
        ['scope', 'tenant_id', r.tenantId],
        ['scope', 'from', r.from],
        ['scope', 'to', r.to],
        ['scope', 'generated_at', r.generatedAt],
        ['scope', 'truncated', r.truncated],
      ],
    },
    {
      section: 'traffic',
      title: 'Traffic volume',
      rows: [
        ['traffic', 'traces', r.traffic.traces],
        ['traffic', 'requests', r.traffic.requests],
        ['traffic', 'errors', r.traffic.errors],
        ['traffic', 'prompt_tokens', r.traffic.promptTokens],
        ['traffic', 'completion_tokens', r.traffic.completionTokens],
        ['traffic', 'total_tokens', r.traffic.totalTokens],
        ['traffic', 'cost_usd', Number(r.traffic.costUsd.toFixed(6))],
      ],
    },
    {
      section: 'findings',
      title: 'Findings by OWASP LLM Top 10 (2025) and severity',
      rows: [
        ['findings', 'total', r.findings.total],
        ...sev('findings', 'severity.', r.findings.bySeverity),
        ...r.findings.byOwasp.flatMap((o): Row[] => [
          ['findings', `${o.owaspId} ${o.name}`, o.total],
          ...sev('findings', `${o.owaspId}.`, o.bySeverity).filter((row) => row[2] !== 0),
        ]),
        ['findings', 'unmapped', r.findings.unmapped],
      ],
    },
    {
      section: 'pii',
      title: 'PII exposure',
      rows: [
        ['pii', 'redacted_in_storage', r.pii.redacted],
        ['pii', 'total', r.pii.total],
        ...Object.entries(r.pii.byType).map(([k, v]): Row => ['pii', `type.${k}`, v]),
      ],
    },
    {
      section: 'blocked',
      title: 'Blocked requests',
      rows: [
        ['blocked', 'requests', r.blocked.requests],
        ['blocked', 'canary_cut_offs', r.blocked.canaryCutOffs],
      ],
    },
    {
      section: 'changes',
      title: 'Key, tenant and canary changes (audit log)',
      rows: r.changes.map((c): Row => [
        'changes',
        `${c.at} ${c.action}`,
        `${c.actor} ${c.resourceType}${c.resourceId === null ? '' : `:${c.resourceId}`}`,
      ]),
    },
    {
      section: 'retention',
      title: 'Retention in force',
      rows: [['retention', 'days', r.retention.days ?? 'forever']],
    },
    {
      section: 'alerts',
      title: 'Alert deliveries',
      rows: [
        ['alerts', 'total', r.alerts.total],
        ...Object.entries(r.alerts.byStatus).map(([k, v]): Row => ['alerts', `status.${k}`, v]),
        ...Object.entries(r.alerts.byChannel).map(([k, v]): Row => ['alerts', `channel.${k}`, v]),
      ],
    },
  ];
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading `=+-@` is defused. */
function csvField(value: Row[2]): string {
  let text = value === null ? '' : String(value);
  // Spreadsheets run a cell starting with these as a formula (CSV injection).
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV: one `section,metric,value` row per figure, RFC 4180 quoting, CRLF.
 *
 * @example
 * reportCsv(report).split('\r\n')[0]; // 'section,metric,value'
 */
export function reportCsv(report: ComplianceReport): string {
  const lines = ['section,metric,value'];
  for (const s of rows(report)) {
    for (const row of s.rows) lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111}
h1{font-size:1.4rem}h2{font-size:1.15rem;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
section{break-after:page;page-break-after:always}section:last-child{break-after:auto;page-break-after:auto}
@media print{body{margin:0}}`;

/**
 * The report as one self-contained printable HTML page: inline CSS, no scripts, no external assets,
 * and each section on a page of its own when printed (CSS page breaks).
 *
 * @example
 * reportHtml(report).includes('<section'); // true
 */
export function reportHtml(report: ComplianceReport): string {
  const sections = rows(report).map((s) => {
    const body =
      s.rows.length === 0
        ? '<p>None in this period.</p>'
        : `<table><tbody>${s.rows
            .map(
              ([, metric, value]) =>
                `<tr><th>${escapeHtml(metric)}</th><td${typeof value === 'number' ? ' class="n"' : ''}>${escapeHtml(value === null ? '' : String(value))}</td></tr>`,
            )
            .join('')}</tbody></table>`;
    return `<section id="${s.section}"><h2>${escapeHtml(s.title)}</h2>${body}</section>`;
  });
  const title = `LLMTrace compliance report — ${report.tenantId}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(report.from)} to ${escapeHtml(report.to)}</p>${sections.join('')}</body></html>\n`;
}
