import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  DEFAULT_RANGE,
  isRangePreset,
  RANGE_PRESETS,
  resolveRange,
  type RangePreset,
  type ResolvedRange,
} from '../lib/time-range.js';

/** The `?range=` of the URL (shareable), defaulting to the last 24 hours. */
export function useRangePreset(): RangePreset {
  const [params] = useSearchParams();
  const range = params.get('range');
  return isRangePreset(range) ? range : DEFAULT_RANGE;
}

export function RangePicker() {
  const [params, setParams] = useSearchParams();
  const current = useRangePreset();
  return (
    <div className="range-picker" role="group" aria-label="Time range">
      {(Object.keys(RANGE_PRESETS) as RangePreset[]).map((preset) => (
        <button
          key={preset}
          type="button"
          aria-pressed={preset === current}
          onClick={() => {
            const next = new URLSearchParams(params);
            if (preset === DEFAULT_RANGE) next.delete('range');
            else next.set('range', preset);
            next.delete('page');
            setParams(next);
          }}
        >
          Last {preset}
        </button>
      ))}
    </div>
  );
}

/** The concrete range of a preset; recomputed when the preset or the minute changes. */
export function useResolvedRange(preset: RangePreset): ResolvedRange {
  const minute = Math.floor(useClock() / 60_000);
  return useMemo(() => resolveRange(preset, minute * 60_000), [preset, minute]);
}

/** The current time, ticking every 15 s: enough for "resets in 3 hours" and minute-aligned ranges. */
export function useClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
