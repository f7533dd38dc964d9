import type { PiiEvalReport } from './score-pii-eval.js';

const pct = (x: number): string => x.toFixed(3);

/** The evaluation report as a plain-text table. */
export function formatPiiEvalReport(report: PiiEvalReport): string {
  const lines = [
    `records: ${report.records}`,
    'kind              tp    fp    fn   precision recall  f1',
  ];
  const rows = Object.entries(report.perKind);
  rows.push(['OVERALL (micro)', report.overall]);
  for (const [kind, s] of rows) {
    lines.push(
      `${kind.padEnd(16)} ${String(s.tp).padStart(4)}  ${String(s.fp).padStart(4)}  ${String(s.fn).padStart(4)}   ${pct(s.precision)}     ${pct(s.recall)}   ${pct(s.f1)}`,
    );
  }
  lines.push(
    `look-alike-only records flagged: ${report.lookAlikeFlagged} of ${report.lookAlikeRecords}`,
  );
  return lines.join('\n');
}
