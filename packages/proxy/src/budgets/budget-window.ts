/** A calendar budget window. All windows are UTC, so every replica and every time zone agree. */
export type BudgetWindow = 'hourly' | 'daily' | 'weekly' | 'monthly';

/** The windows in the order reports list them. */
export const BUDGET_WINDOWS: readonly BudgetWindow[] = Object.freeze([
  'hourly',
  'daily',
  'weekly',
  'monthly',
]);

/** One period of a window: `[start, end)` in epoch ms, and a stable id for cache keys. */
export interface BudgetPeriod {
  readonly window: BudgetWindow;
  /** `2026-01-31T14` (hourly), `2026-01-31` (daily), `2026-W05` (ISO week), `2026-01` (monthly). */
  readonly id: string;
  readonly start: number;
  /** The first instant of the next period: when the window resets. */
  readonly end: number;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * ISO 8601 week id of the week starting at `monday` (epoch ms, 00:00 UTC): the week belongs to the
 * year of its Thursday, so 2024-12-30 (a Monday) is `2025-W01`.
 */
function isoWeekId(monday: number): string {
  const thursday = new Date(monday + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${pad(week)}`;
}

/**
 * The period of `window` that contains `now` (epoch ms). Weeks start on Monday 00:00 UTC (ISO 8601);
 * months on the 1st at 00:00 UTC, so their length follows the calendar.
 *
 * @example
 * periodOf('monthly', Date.parse('2026-01-31T23:59:59Z')).end; // Date.parse('2026-02-01T00:00:00Z')
 */
export function periodOf(window: BudgetWindow, now: number): BudgetPeriod {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (window) {
    case 'hourly': {
      const start = Math.floor(now / HOUR) * HOUR;
      return {
        window,
        id: `${y}-${pad(m + 1)}-${pad(day)}T${pad(d.getUTCHours())}`,
        start,
        end: start + HOUR,
      };
    }
    case 'daily': {
      const start = Date.UTC(y, m, day);
      return { window, id: `${y}-${pad(m + 1)}-${pad(day)}`, start, end: start + DAY };
    }
    case 'weekly': {
      // getUTCDay: Sunday = 0; shift so that Monday = 0.
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const start = Date.UTC(y, m, day) - sinceMonday * DAY;
      return { window, id: isoWeekId(start), start, end: start + 7 * DAY };
    }
    case 'monthly':
      // Date.UTC rolls month 12 over into January of the next year.
      return {
        window,
        id: `${y}-${pad(m + 1)}`,
        start: Date.UTC(y, m, 1),
        end: Date.UTC(y, m + 1, 1),
      };
  }
}

/** Whole seconds until the period resets (at least 1): the `Retry-After` of a refused request. */
export function secondsUntilReset(period: BudgetPeriod, now: number): number {
  return Math.max(1, Math.ceil((period.end - now) / 1000));
}
