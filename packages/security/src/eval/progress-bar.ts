/** Where progress is written (a TTY stream such as `process.stderr`). */
export interface ProgressSink {
  write(chunk: string): unknown;
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Bar width in characters. Default 30. */
  readonly width?: number;
  /** Minimum milliseconds between redraws. Default 100. */
  readonly intervalMs?: number;
  /** Clock in milliseconds; defaults to `performance.now`. */
  readonly now?: () => number;
}

/**
 * One progress line: `[#####-----]  45%  5087/11303  2310 rec/s`, or without a total
 * `5087 records  2310 rec/s`.
 */
export function formatProgress(
  done: number,
  total: number | undefined,
  elapsedMs: number,
  width = 30,
): string {
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  if (total === undefined || total <= 0) return `${done} records  ${rate} rec/s`;
  const frac = Math.min(1, done / total);
  const filled = Math.round(frac * width);
  const percent = `${Math.floor(frac * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${done}/${total}  ${rate} rec/s`;
}

/**
 * An `onProgress` callback for {@link evaluate} that redraws one line (carriage return) at most
 * every `intervalMs`, and ends it with a newline when `done === total`.
 */
export function createProgressBar(
  sink: ProgressSink,
  options: ProgressBarOptions = {},
): (done: number, total?: number) => void {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  const width = options.width ?? 30;
  const started = now();
  let last = -Infinity;
  return (done, total) => {
    const t = now();
    const finished = total !== undefined && done >= total;
    if (!finished && t - last < interval) return;
    last = t;
    sink.write(`\r${formatProgress(done, total, t - started, width)}${finished ? '\n' : ''}`);
  };
}
