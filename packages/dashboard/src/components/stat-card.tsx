export function StatCard({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="card stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint === undefined ? null : <div className="stat-hint muted">{hint}</div>}
    </div>
  );
}
