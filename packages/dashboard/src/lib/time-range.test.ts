import { describe, expect, it } from 'vitest';
import {
  bucketLabel,
  intervalFor,
  isRangePreset,
  RANGE_PRESETS,
  resolveRange,
} from './time-range.js';

describe('time bucketing', () => {
  it('picks the narrowest interval that keeps each preset within 60 buckets', () => {
    expect(intervalFor(RANGE_PRESETS['1h'])).toBe(60);
    expect(intervalFor(RANGE_PRESETS['6h'])).toBe(900);
    expect(intervalFor(RANGE_PRESETS['24h'])).toBe(1800);
    expect(intervalFor(RANGE_PRESETS['7d'])).toBe(3 * 3600);
    expect(intervalFor(RANGE_PRESETS['30d'])).toBe(12 * 3600);
    for (const ms of Object.values(RANGE_PRESETS))
      expect(ms / (intervalFor(ms) * 1000)).toBeLessThanOrEqual(60);
  });

  it('ends the range at the next whole minute, so queries within a minute share a key', () => {
    const a = resolveRange('1h', Date.parse('2026-01-01T10:00:10Z'));
    const b = resolveRange('1h', Date.parse('2026-01-01T10:00:50Z'));
    expect(a).toEqual(b);
    expect(a).toEqual({
      from: '2026-01-01T09:01:00.000Z',
      to: '2026-01-01T10:01:00.000Z',
      intervalSeconds: 60,
    });
    // Exactly on the minute still includes that instant.
    expect(resolveRange('1h', Date.parse('2026-01-01T10:00:00Z')).to).toBe(
      '2026-01-01T10:01:00.000Z',
    );
  });

  it('accepts only known presets from the URL', () => {
    expect(isRangePreset('24h')).toBe(true);
    expect(isRangePreset('toString')).toBe(false);
    expect(isRangePreset(null)).toBe(false);
  });

  it('labels buckets with the time of day for short ranges and the date for long ones', () => {
    const iso = '2026-01-01T13:30:00Z';
    expect(bucketLabel(iso, '24h', { locale: 'en-GB', timeZone: 'UTC' })).toBe('13:30');
    expect(bucketLabel(iso, '24h', { locale: 'en-GB', timeZone: 'America/New_York' })).toBe(
      '08:30',
    );
    expect(bucketLabel(iso, '30d', { locale: 'en-GB', timeZone: 'UTC' })).toBe('1 Jan');
  });
});
