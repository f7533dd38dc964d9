/** Time ranges the pages offer, by URL value. */
export const RANGE_PRESETS = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
} as const;
/** One of {@link RANGE_PRESETS}. */
export type RangePreset = keyof typeof RANGE_PRESETS;
export const DEFAULT_RANGE: RangePreset = '24h';

/** Bucket widths (seconds) the charts use; the API accepts 60 s to a week. */
const INTERVALS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400] as const;
/** Enough points for a readable line at 1,280 px, few enough stats queries per chart. */
export const TARGET_BUCKETS = 60;

/** True when `value` names a preset (URL input is untrusted). */
export function isRangePreset(value: string | null): value is RangePreset {
  return value !== null && Object.hasOwn(RANGE_PRESETS, value);
}

/** The narrowest bucket width that keeps a range within {@link TARGET_BUCKETS} buckets. */
export function intervalFor(rangeMs: number): number {
  for (const seconds of INTERVALS) {
    if (rangeMs / (seconds * 1000) <= TARGET_BUCKETS) return seconds;
  }
  return INTERVALS[INTERVALS.length - 1] as number;
}

/** A concrete range for the API: ISO bounds and the chart bucket width. */
export interface ResolvedRange {
  readonly from: string;
  readonly to: string;
  readonly intervalSeconds: number;
}

/**
 * The range ending now. `to` is rounded up to the next minute, so every query made within the same
 * minute has the same key (cached, shared between charts) and the newest traffic is included.
 */
export function resolveRange(preset: RangePreset, nowMs: number): ResolvedRange {
  const to = Math.ceil((nowMs + 1) / 60_000) * 60_000;
  const span = RANGE_PRESETS[preset];
  return {
    from: new Date(to - span).toISOString(),
    to: new Date(to).toISOString(),
    intervalSeconds: intervalFor(span),
  };
}

/** Axis label of a bucket: time of day for ranges up to a day, the date beyond. */
export function bucketLabel(
  iso: string,
  preset: RangePreset,
  options: { locale?: string; timeZone?: string } = {},
): string {
  const short = RANGE_PRESETS[preset] <= RANGE_PRESETS['24h'];
  return new Intl.DateTimeFormat(options.locale, {
    ...(short
      ? { hour: '2-digit', minute: '2-digit', hour12: false }
      : {
          month: 'short',
          day: 'numeric',
          ...(preset === '7d' ? { hour: '2-digit', hour12: false } : {}),
        }),
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  }).format(new Date(iso));
}
