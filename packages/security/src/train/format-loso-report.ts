import type { EvalMetrics } from '../eval/evaluate.js';
import type { LosoReport } from './leave-one-source-out.js';

const HEADER = ['source', 'n', 'pos', 'neg', 'TP', 'FP', 'TN', 'FN', 'P', 'R', 'F1', 'FPR', 'AUC'];

function f(v: number | null): string {
  return v === null ? '-' : v.toFixed(3);
}

function row(name: string, m: EvalMetrics): string[] {
  // One class only: precision and F1 say nothing (1 by construction, or 0 for benign rows).
  const single = m.positives === 0 || m.negatives === 0;
  return [
    name,
    String(m.n),
    String(m.positives),
    String(m.negatives),
    String(m.tp),
    String(m.fp),
    String(m.tn),
    String(m.fn),
    single ? '-' : f(m.precision),
    f(m.recall),
    single ? '-' : f(m.f1),
    f(m.fpr),
    f(m.rocAuc),
  ];
}

/**
 * Renders a {@link LosoReport} as a plain-text table: one row per left-out source, then the pooled
 * row. Attack-only sources show recall (precision is trivially 1), benign-only ones FPR.
 */
export function formatLosoReport(report: LosoReport, markdown = false): string {
  const rows = [
    HEADER,
    ...Object.entries(report.bySource).map(([s, m]) => row(s, m)),
    row('pooled', report.pooled),
  ];
  if (markdown) {
    const md = (r: string[]): string => `| ${r.join(' | ')} |`;
    return [
      md(rows[0] ?? HEADER),
      md(HEADER.map((_, c) => (c === 0 ? '---' : '---:'))),
      ...rows.slice(1).map(md),
    ].join('\n');
  }
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    line(rows[0] ?? HEADER),
    sep,
    ...rows.slice(1, -1).map(line),
    sep,
    line(rows.at(-1) ?? HEADER),
    '',
    `leave-one-source-out: each source scored by rules + a model trained without it; threshold per fold for a mean benign FPR <= ${report.targetFpr} on out-of-group scores of the other sources; decision score ${report.threshold}; ${report.seconds.toFixed(0)} s`,
  ].join('\n');
}
