import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { SEVERITIES } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';
import { bucketLabel, type RangePreset } from '../lib/time-range.js';

/** One plotted series: a key of the row objects, its legend name and colour. */
export interface Series {
  readonly key: string;
  readonly name: string;
  readonly color: string;
}

export type ChartRow = { readonly start: string } & Record<string, number | string | null>;

/**
 * A chart over time buckets (recharts). `kind` picks lines (rates, percentiles), stacked areas
 * (volumes) or stacked bars (counts by category).
 */
export function TimeChart({
  title,
  rows,
  series,
  preset,
  kind,
  format,
  height = 220,
  integer = false,
}: {
  title: string;
  rows: readonly ChartRow[];
  series: readonly Series[];
  preset: RangePreset;
  kind: ChartKind;
  format: (value: number) => string;
  height?: number;
  /** Counts: no fractional ticks on the value axis. */
  integer?: boolean;
}) {
  const axis = {
    x: (
      <XAxis
        dataKey="start"
        tickFormatter={(value: string) => bucketLabel(value, preset)}
        minTickGap={24}
        tick={{ fontSize: 11 }}
      />
    ),
    y: (
      <YAxis
        tickFormatter={(value: number) => format(value)}
        width={72}
        tick={{ fontSize: 11 }}
        allowDecimals={!integer}
      />
    ),
  };
  const tooltip = (
    <Tooltip
      labelFormatter={(value) => (typeof value === 'string' ? formatDateTime(value) : '')}
      formatter={(value) => (typeof value === 'number' ? format(value) : '—')}
    />
  );
  // Keep the series order (severity order), not recharts' alphabetical default.
  const legend = <Legend itemSorter={null} />;
  const data = rows as ChartRow[];
  const Chart = CHARTS[kind];
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <Chart data={data}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {axis.x}
          {axis.y}
          {tooltip}
          {legend}
          {/* Recharts reads its series from the chart's direct children: an array of elements. */}
          {series.map((s) => seriesElement(kind, s))}
        </Chart>
      </ResponsiveContainer>
    </figure>
  );
}

type ChartKind = 'line' | 'area' | 'bar';

const CHARTS = { line: LineChart, area: AreaChart, bar: BarChart } as const;

/**
 * One series as the chart kind draws it: a line (with dots, since a lone bucket has no neighbour
 * to draw a line to), or a stacked area or bar.
 */
function seriesElement(kind: ChartKind, s: Series) {
  const common = { dataKey: s.key, name: s.name, isAnimationActive: false };
  switch (kind) {
    case 'line':
      return (
        <Line
          key={s.key}
          {...common}
          type="monotone"
          stroke={s.color}
          dot={{ r: 2 }}
          connectNulls
        />
      );
    case 'area':
      return (
        <Area
          key={s.key}
          {...common}
          type="monotone"
          stroke={s.color}
          fill={s.color}
          fillOpacity={0.25}
          stackId="1"
        />
      );
    case 'bar':
      return <Bar key={s.key} {...common} fill={s.color} stackId="1" />;
  }
}

/** Colours of the severities, most severe darkest. */
export const SEVERITY_COLORS = {
  critical: '#7f1d1d',
  high: '#dc2626',
  medium: '#f59e0b',
  low: '#3b82f6',
  info: '#94a3b8',
} as const;

/** A palette for open-ended categories (finding types, models). */
export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#ca8a04',
  '#db2777',
  '#4b5563',
  '#65a30d',
];

/** One series per severity, most severe first, in the severity colours. */
export const SEVERITY_SERIES: readonly Series[] = SEVERITIES.map((s) => ({
  key: s,
  name: s,
  color: SEVERITY_COLORS[s],
}));

/** One series per open-ended category (finding types, action types), coloured from the palette. */
export function categorySeries(keys: readonly string[]): Series[] {
  return keys.map((key, i) => ({ key, name: key, color: PALETTE[i % PALETTE.length] ?? '#888' }));
}

/** A row's values for `keys` read from a count map, 0 where the map has none. */
export function countsOf(
  keys: readonly string[],
  counts: Readonly<Record<string, number | undefined>>,
): Record<string, number> {
  return Object.fromEntries(keys.map((key) => [key, counts[key] ?? 0]));
}
