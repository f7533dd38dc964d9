import { describe, expect, it } from 'vitest';
import {
  formatCompact,
  formatDateTime,
  formatInt,
  formatMs,
  formatPercent,
  formatRelative,
  formatUsd,
} from './format.js';

describe('formatters', () => {
  it('groups integers and shows a dash for missing values', () => {
    expect(formatInt(1234567, 'en-US')).toBe('1,234,567');
    expect(formatInt(1234567, 'de-DE')).toBe('1.234.567');
    expect(formatInt(null)).toBe('—');
    expect(formatInt(Number.NaN)).toBe('—');
    expect(formatCompact(1_250_000, 'en-US')).toBe('1.3M');
  });

  it('keeps fractions of a cent visible and never turns an unknown price into $0', () => {
    expect(formatUsd(12.5, 'en-US')).toBe('$12.50');
    expect(formatUsd(0.000123456, 'en-US')).toBe('$0.000123');
    expect(formatUsd(0, 'en-US')).toBe('$0.00');
    expect(formatUsd(null, 'en-US')).toBe('—');
  });

  it('formats durations in the unit a person reads fastest', () => {
    expect(formatMs(3.25, 'en-US')).toBe('3.3 ms');
    expect(formatMs(850, 'en-US')).toBe('850 ms');
    expect(formatMs(1250, 'en-US')).toBe('1.25 s');
    expect(formatMs(125_000, 'en-US')).toBe('2 min 5 s');
    expect(formatPercent(0.256, 'en-US')).toBe('25.6%');
  });

  it('shows times in the requested zone', () => {
    const iso = '2026-03-01T23:30:05Z';
    expect(formatDateTime(iso, { locale: 'en-US', timeZone: 'UTC' })).toBe('Mar 1, 2026, 23:30:05');
    expect(formatDateTime(iso, { locale: 'en-US', timeZone: 'Asia/Tokyo' })).toBe(
      'Mar 2, 2026, 08:30:05',
    );
    expect(formatDateTime('not a date')).toBe('—');
  });

  it('says how far away a time is', () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    expect(formatRelative('2026-03-01T03:00:00Z', now, 'en-US')).toBe('in 3 hours');
    expect(formatRelative('2026-02-28T23:55:00Z', now, 'en-US')).toBe('5 minutes ago');
  });
});
