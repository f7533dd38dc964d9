import { readFileSync } from 'node:fs';
import {
  BUNDLED_DATA_DIRS,
  formatLosoReport,
  leaveOneSourceOutInParallel,
  prepareTrainingSet,
  readLabelledDirs,
} from '@llmtrace/security/eval';
import { describe, expect, it } from 'vitest';

// Issue 20: the number the detector is optimised for is leave-one-source-out F1 (each source
// scored by rules + a model trained without it), not the in-distribution score. This test re-runs
// the whole evaluation from the repository's data and fails when the pooled F1 falls more than
// MAX_DROP below what scripts/train.mjs recorded in model/metrics.json, or the pooled FPR rises
// more than MAX_FPR_RISE above it. The folds run on one worker thread per CPU (the suite runs one
// file at a time on two cores, so the second core is otherwise idle here): the same report as one
// thread, in half the time.
const MAX_DROP = 0.02;
const MAX_FPR_RISE = 0.01;
/**
 * Fixed floor and ceiling, independent of metrics.json (a retrain that records worse numbers does
 * not lower them): the pooled F1 and FPR reached when they were last raised, with a 0.02 / 0.01
 * margin. Raise them when the detector improves; never lower them to make a change pass.
 */
const POOLED_F1_FLOOR = 0.78;
const POOLED_FPR_CEILING = 0.055;

interface RecordedLoso {
  loso: { pooled: { f1: number; fpr: number } };
}

describe('leave-one-source-out regression', () => {
  it(
    'keeps pooled LOSO F1 within 0.02 of the recorded value and above the fixed floor',
    async () => {
      const recorded = JSON.parse(
        readFileSync(new URL('../model/metrics.json', import.meta.url), 'utf8'),
      ) as RecordedLoso;
      const set = prepareTrainingSet(readLabelledDirs(BUNDLED_DATA_DIRS));
      const report = await leaveOneSourceOutInParallel(set);
      const f1 = report.pooled.f1 ?? 0;
      const table = `\n${formatLosoReport(report)}`;
      expect(
        f1,
        `pooled F1 ${f1} vs recorded ${recorded.loso.pooled.f1}${table}`,
      ).toBeGreaterThanOrEqual(recorded.loso.pooled.f1 - MAX_DROP);
      expect(report.pooled.fpr ?? 1, table).toBeLessThanOrEqual(
        recorded.loso.pooled.fpr + MAX_FPR_RISE,
      );
      expect(f1, `pooled F1 ${f1} below the fixed floor${table}`).toBeGreaterThanOrEqual(
        POOLED_F1_FLOOR,
      );
      expect(report.pooled.fpr ?? 1, table).toBeLessThanOrEqual(POOLED_FPR_CEILING);
    },
    15 * 60_000,
  );
});
