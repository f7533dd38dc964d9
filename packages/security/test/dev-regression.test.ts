import { statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import {
  BUNDLED_DATA_DIRS,
  evaluate,
  formatEvalReport,
  readLabelledDirs,
} from '@llmtrace/security/eval';
import { describe, expect, it } from 'vitest';

// The bundled model on its own training data (the repository's data/ folders only). Guards the
// packaging: a model file that does not match the featuriser, or data that went missing, fails
// here in seconds. Generalisation is guarded by loso-regression.test.ts.
const metricsFile = new URL('../model/metrics.json', import.meta.url);
const modelFile = new URL('../model/injection-model.json', import.meta.url);
/** Largest tolerated drop below the in-sample F1 recorded by scripts/train.mjs. */
const MAX_F1_DROP = 0.02;

interface RecordedMetrics {
  rows: number;
  inSample: { overall: { f1: number; fpr: number } };
}

describe('bundled model on the bundled data', () => {
  it('reads every bundled row and keeps in-sample F1 within 0.02 of the recorded value', async () => {
    const recorded = JSON.parse(readFileSync(metricsFile, 'utf8')) as RecordedMetrics;
    const records = readLabelledDirs(BUNDLED_DATA_DIRS);
    expect(records.length).toBe(recorded.rows);
    const report = await evaluate(records);
    const f1 = report.overall.f1 ?? 0;
    expect(f1, `in-sample F1 ${f1}\n${formatEvalReport(report)}`).toBeGreaterThanOrEqual(
      recorded.inSample.overall.f1 - MAX_F1_DROP,
    );
    expect(report.overall.fpr ?? 1).toBeLessThanOrEqual(recorded.inSample.overall.fpr + 0.01);
  });

  it('ships a model file within the 5 MB budget', () => {
    expect(statSync(modelFile).size).toBeLessThan(5 * 1024 * 1024);
  });
});
