import type { EvalMetrics, EvalReport } from './evaluate.js';

const HEADER = [
  'set',
  'n',
  'pos',
  'neg',
  'TP',
  'FP',
  'TN',
  'FN',
  'precision',
  'recall',
  'F1',
  'FPR',
  'ROC-AUC',
];

function pct(v: number | null): string {
  return v === null ? '-' : v.toFixed(3);
}

function row(name: string, m: EvalMetrics): string[] {
  return [
    name,
    String(m.n),
    String(m.positives),
    String(m.negatives),
    String(m.tp),
    String(m.fp),
    String(m.tn),
    String(m.fn),
    pct(m.precision),
    pct(m.recall),
    pct(m.f1),
    pct(m.fpr),
    pct(m.rocAuc),
  ];
}

/** Renders an {@link EvalReport} as a plain-text table (overall, splits if any, then each source). */
export function formatEvalReport(report: EvalReport): string {
  const head = [
    row('overall', report.overall),
    ...(report.bySplit === undefined
      ? []
      : [row('train part', report.bySplit.train), row('held-back part', report.bySplit.heldout)]),
  ];
  const rows = [
    HEADER,
    ...head,
    ...Object.entries(report.bySource).map(([source, m]) => row(`  ${source}`, m)),
  ];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    line(rows[0] ?? HEADER),
    sep,
    ...rows.slice(1, 1 + head.length).map(line),
    sep,
    ...rows.slice(1 + head.length).map(line),
    '',
    `threshold ${report.threshold}; ${report.records} records in ${report.seconds.toFixed(1)} s; ${Math.round(report.throughput)} analyses/s (analysis time only)`,
  ].join('\n');
}
