import type { Severity } from '../api/types.js';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge sev-${severity}`}>{severity}</span>;
}

/** The 0–100 security score, coloured by band; null when the span was not analysed. */
export function ScoreBadge({ score }: { score: number | null }) {
  if (score === null) return <span className="muted">—</span>;
  const band = score >= 70 ? 'high' : score >= 40 ? 'medium' : score > 0 ? 'low' : 'clean';
  return (
    <span className={`badge score-${band}`} title="security score (0 clean – 100 certain attack)">
      {score}
    </span>
  );
}

export function StatusBadge({ status }: { status: number | null }) {
  if (status === null) return <span className="badge sev-medium">aborted</span>;
  return <span className={`badge ${status >= 400 ? 'sev-high' : 'ok'}`}>{status}</span>;
}
