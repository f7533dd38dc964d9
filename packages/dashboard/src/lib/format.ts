/**
 * Number, money, duration and time formatting for the dashboard. Every function takes an optional
 * locale (and time zone) so tests are deterministic; the app passes none and gets the viewer's.
 */

const EMPTY = '—';

/** `1234567` → `1,234,567` (grouping of the viewer's locale). */
export function formatInt(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** `1234567` → `1.2M`, for chart axes and cards. */
export function formatCompact(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(
    value,
  );
}

/**
 * US dollars. LLM calls often cost fractions of a cent, so small amounts keep three significant
 * digits (`$0.000123`) instead of rounding to `$0.00`; null means "no known price", never `$0`.
 */
export function formatUsd(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  const abs = Math.abs(value);
  const options: Intl.NumberFormatOptions =
    abs !== 0 && abs < 0.01
      ? { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 }
      : { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 };
  return new Intl.NumberFormat(locale, options).format(value);
}

/** Milliseconds: `850 ms` below a second, `1.25 s` up to a minute, `2 min 5 s` beyond. */
export function formatMs(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  if (value < 1000) {
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value)} ms`;
  }
  if (value < 60_000) {
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value / 1000)} s`;
  }
  const minutes = Math.floor(value / 60_000);
  const seconds = Math.round((value % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

/** A share as a percentage: `0.256` → `25.6%`. */
export function formatPercent(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(
    value,
  );
}

/** Date and time in the viewer's zone (or `timeZone`), to the second. */
export function formatDateTime(
  iso: string | null | undefined,
  options: { locale?: string; timeZone?: string } = {},
): string {
  if (iso === null || iso === undefined) return EMPTY;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return EMPTY;
  return new Intl.DateTimeFormat(options.locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  }).format(date);
}

/** "in 3 hours", "5 minutes ago": how far `iso` is from `nowMs`. */
export function formatRelative(iso: string, nowMs: number, locale?: string): string {
  const diff = Date.parse(iso) - nowMs;
  if (!Number.isFinite(diff)) return EMPTY;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ];
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === 'second')
      return format.format(Math.round(diff / ms), unit);
  }
  return EMPTY;
}

/** The viewer's IANA time zone, shown next to times so nobody wonders which zone they are in. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
