/**
 * A safe stand-in for a sensitive value in findings and logs: at most its first four characters
 * (fewer for short values) and its length, e.g. `AKIA… (20 chars)`.
 */
export function maskValue(value: string): string {
  const shown = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, shown)}… (${value.length} chars)`;
}
