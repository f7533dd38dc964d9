import { describe, expect, it } from 'vitest';
import { datasetSplit } from './dataset-split.js';
import { evaluate } from './evaluate.js';
import type { EvalRecord } from './evaluate.js';
import { formatEvalReport } from './format-eval-report.js';
import { createProgressBar, formatProgress } from './progress-bar.js';
import { rocAuc } from './roc-auc.js';

const scoreOf: Record<string, number> = { a: 90, b: 60, c: 40, d: 10, e: 70 };
const fake = { analyze: (text: string) => ({ score: scoreOf[text] ?? 0, findings: [] }) };

describe('evaluate', () => {
  const records: EvalRecord[] = [
    { text: 'a', label: 1, source: 'x' },
    { text: 'b', label: 1, source: 'x' },
    { text: 'c', label: 1, source: 'y' },
    { text: 'd', label: 0, source: 'y' },
    { text: 'e', label: 0, source: 'y' },
  ];

  it('computes confusion counts, precision, recall, F1, FPR and ROC-AUC', async () => {
    const report = await evaluate(records, { analyzer: fake });
    expect(report.overall).toMatchObject({ tp: 2, fn: 1, fp: 1, tn: 1, n: 5 });
    expect(report.overall.precision).toBeCloseTo(2 / 3);
    expect(report.overall.recall).toBeCloseTo(2 / 3);
    expect(report.overall.f1).toBeCloseTo(2 / 3);
    expect(report.overall.fpr).toBeCloseTo(0.5);
    expect(report.overall.rocAuc).toBeCloseTo(4 / 6);
    expect(report.bySource.x).toMatchObject({ tp: 2, fpr: null });
    expect(report.bySplit).toBeUndefined();
    const withSplits = await evaluate(records, { analyzer: fake, splits: true });
    expect((withSplits.bySplit?.train.n ?? 0) + (withSplits.bySplit?.heldout.n ?? 0)).toBe(5);
    expect(report.throughput).toBeGreaterThan(0);
  });

  it('honours the threshold and reads async iterables, reporting progress', async () => {
    async function* stream(): AsyncGenerator<EvalRecord> {
      for (const r of records) yield await Promise.resolve(r);
    }
    const calls: [number, number | undefined][] = [];
    const report = await evaluate(stream(), {
      analyzer: fake,
      threshold: 35,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(report.overall).toMatchObject({ tp: 3, fp: 1 });
    expect(calls.at(-1)).toEqual([5, 5]);
  });

  it('formats a table with every source, and split rows only when asked for', async () => {
    const table = formatEvalReport(await evaluate(records, { analyzer: fake }));
    expect(table).toContain('overall');
    expect(table).not.toContain('held-back part');
    expect(table).toMatch(/\n\s+x\s/);
    const split = formatEvalReport(await evaluate(records, { analyzer: fake, splits: true }));
    expect(split).toContain('held-back part');
  });
});

describe('rocAuc', () => {
  it('handles perfect, inverted, tied and one-class inputs', () => {
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([1, 2], [1, 1])).toBeNull();
  });
});

describe('datasetSplit', () => {
  it('is deterministic, ignores case and whitespace, and holds back about a fifth', () => {
    expect(datasetSplit('Hello  World')).toBe(datasetSplit(' hello world '));
    const held = Array.from({ length: 2000 }, (_, i) => datasetSplit(`text ${i}`)).filter(
      (s) => s === 'heldout',
    );
    expect(held.length / 2000).toBeGreaterThan(0.15);
    expect(held.length / 2000).toBeLessThan(0.25);
  });
});

describe('progress bar', () => {
  it('formats with and without a total', () => {
    expect(formatProgress(50, 100, 1000, 10)).toBe('[#####-----]  50%  50/100  50 rec/s');
    expect(formatProgress(7, undefined, 1000)).toBe('7 records  7 rec/s');
  });

  it('throttles redraws and ends the line when done', () => {
    let t = 0;
    const out: string[] = [];
    const bar = createProgressBar(
      { write: (s: string) => out.push(s) },
      { now: () => t, intervalMs: 100 },
    );
    bar(1, 10);
    t = 50;
    bar(2, 10);
    t = 200;
    bar(3, 10);
    bar(10, 10);
    expect(out).toHaveLength(3);
    expect(out.at(-1)?.endsWith('\n')).toBe(true);
    expect(out[0]?.startsWith('\r')).toBe(true);
  });
});
