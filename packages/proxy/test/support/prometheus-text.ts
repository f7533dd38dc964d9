import { createRequire } from 'node:module';

/** One sample family as parse-prometheus-text-format returns it. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  readonly metrics: readonly {
    readonly labels?: Readonly<Record<string, string>>;
    readonly value?: string;
    readonly buckets?: Readonly<Record<string, string>>;
    readonly count?: string;
    readonly sum?: string;
  }[];
}

// The package ships CommonJS without types; loaded through require so its shape is declared once here.
const require = createRequire(import.meta.url);
const parse = require('parse-prometheus-text-format') as (text: string) => MetricFamily[];

/** Parses a Prometheus text exposition (a real parser, so malformed output fails the test). */
export function parsePrometheus(text: string): Map<string, MetricFamily> {
  return new Map(parse(text).map((family) => [family.name, family]));
}

/** The sample of `family` whose labels include `labels` (undefined when there is none). */
export function sample(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): MetricFamily['metrics'][number] | undefined {
  return families
    .get(name)
    ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** One histogram series read from the exposition. */
export interface HistogramSeries {
  readonly count: number;
  readonly sum: number;
  /** Cumulative count by upper bound (`le`), `+Inf` included. */
  readonly buckets: ReadonlyMap<string, number>;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * A labelled histogram series. parse-prometheus-text-format folds every histogram of a family into
 * one unlabelled sample (it was written for single-series histograms), so histogram samples are
 * read line by line here; {@link parsePrometheus} still checks the whole text.
 */
export function histogram(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): HistogramSeries | undefined {
  let count: number | undefined;
  let sum = 0;
  const buckets = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = SAMPLE_LINE.exec(line);
    if (match === null) continue;
    const [, metric = '', rawLabels = '', value = ''] = match;
    if (!metric.startsWith(name)) continue;
    const found = new Map([...rawLabels.matchAll(LABEL)].map((m) => [m[1] ?? '', m[2] ?? '']));
    if (!Object.entries(labels).every(([k, v]) => found.get(k) === v)) continue;
    if (metric === `${name}_count`) count = Number(value);
    else if (metric === `${name}_sum`) sum = Number(value);
    else if (metric === `${name}_bucket`) buckets.set(found.get('le') ?? '', Number(value));
  }
  return count === undefined ? undefined : { count, sum, buckets };
}
