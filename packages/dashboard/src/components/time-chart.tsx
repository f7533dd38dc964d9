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
  kind: 'line' | 'area' | 'bar';
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
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        {kind === 'line' ? (
          <LineChart data={data}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {axis.x}
            {axis.y}
            {tooltip}
            {legend}
            {series.map((s) => (
              <Line
                key={s.key}
                type="monotone"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                // A lone bucket with data has no neighbour to draw a line to: its dot shows it.
                dot={{ r: 2 }}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        ) : kind === 'area' ? (
          <AreaChart data={data}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {axis.x}
            {axis.y}
            {tooltip}
            {legend}
            {series.map((s) => (
              <Area
                key={s.key}
                type="monotone"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                fill={s.color}
                fillOpacity={0.25}
                stackId="1"
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        ) : (
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {axis.x}
            {axis.y}
            {tooltip}
            {legend}
            {series.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                fill={s.color}
                stackId="1"
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
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
