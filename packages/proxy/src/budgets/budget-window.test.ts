import { describe, expect, it } from 'vitest';
import { periodOf, secondsUntilReset } from './budget-window.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('periodOf (UTC calendar windows)', () => {
  it('hourly: the hour containing now', () => {
    const p = periodOf('hourly', at('2026-03-08T13:59:59.999Z'));
    expect([iso(p.start), iso(p.end), p.id]).toEqual([
      '2026-03-08T13:00:00.000Z',
      '2026-03-08T14:00:00.000Z',
      '2026-03-08T13',
    ]);
    expect(iso(periodOf('hourly', at('2026-03-08T14:00:00.000Z')).start)).toBe(
      '2026-03-08T14:00:00.000Z',
    );
  });

  it('daily: midnight to midnight UTC, across a month and a year end', () => {
    const p = periodOf('daily', at('2026-01-31T23:30:00Z'));
    expect([iso(p.start), iso(p.end), p.id]).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-01-31',
    ]);
    expect(iso(periodOf('daily', at('2025-12-31T12:00:00Z')).end)).toBe('2026-01-01T00:00:00.000Z');
  });

  it('weekly: Monday 00:00 UTC, across month and year boundaries, ISO week ids', () => {
    // 2026-03-01 is a Sunday: its week started on Monday 2026-02-23.
    const sunday = periodOf('weekly', at('2026-03-01T23:59:59Z'));
    expect([iso(sunday.start), iso(sunday.end)]).toEqual([
      '2026-02-23T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ]);
    const monday = periodOf('weekly', at('2026-03-02T00:00:00Z'));
    expect(iso(monday.start)).toBe('2026-03-02T00:00:00.000Z');
    // 2025-01-01 is a Wednesday: the week started on 2024-12-30 and is ISO week 2025-W01.
    const newYear = periodOf('weekly', at('2025-01-01T08:00:00Z'));
    expect([iso(newYear.start), iso(newYear.end), newYear.id]).toEqual([
      '2024-12-30T00:00:00.000Z',
      '2025-01-06T00:00:00.000Z',
      '2025-W01',
    ]);
    // 2021-01-03 (Sunday) still belongs to 2020-W53.
    expect(periodOf('weekly', at('2021-01-03T10:00:00Z')).id).toBe('2020-W53');
  });

  it('monthly: the 1st 00:00 UTC, with calendar month lengths and December rollover', () => {
    const feb = periodOf('monthly', at('2024-02-29T23:59:59Z'));
    expect([iso(feb.start), iso(feb.end), feb.id]).toEqual([
      '2024-02-01T00:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
      '2024-02',
    ]);
    const dec = periodOf('monthly', at('2025-12-15T00:00:00Z'));
    expect([iso(dec.end), dec.id]).toEqual(['2026-01-01T00:00:00.000Z', '2025-12']);
    expect(periodOf('monthly', at('2026-01-01T00:00:00Z')).id).toBe('2026-01');
  });

  it('secondsUntilReset rounds up and is at least 1', () => {
    const now = at('2026-01-31T23:59:59.200Z');
    expect(secondsUntilReset(periodOf('daily', now), now)).toBe(1);
    const noon = at('2026-01-31T12:00:00Z');
    expect(secondsUntilReset(periodOf('daily', noon), noon)).toBe(43_200);
  });
});
