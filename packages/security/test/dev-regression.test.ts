import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, formatEvalReport } from '@llmtrace/security';
import type { EvalRecord } from '@llmtrace/security';
import { describe, expect, it } from 'vitest';

// packages/security/test -> repository root is three levels up; CI keeps shared/ beside the repo.
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');
const dataDir = resolve(repoRoot, '..', 'shared', 'datasets', 'security');
const metricsFile = join(here, '..', 'model', 'metrics.json');
const modelFile = join(here, '..', 'model', 'injection-model.json');
/** Largest tolerated drop below the F1 recorded by scripts/train.mjs. */
const MAX_F1_DROP = 0.02;

interface RecordedMetrics {
  dev: { overall: { f1: number }; heldout: { f1: number; fpr: number } };
}

function loadDev(): EvalRecord[] {
  if (!existsSync(dataDir)) {
    throw new Error(
      `Dev data not found at ${dataDir}: the regression test needs ../shared/datasets/security beside the repository (as in CI).`,
    );
  }
  const files = readdirSync(dataDir).filter((f) => f.endsWith('.jsonl'));
  if (files.length === 0) throw new Error(`No *.jsonl files in ${dataDir}`);
  return files.flatMap((f) =>
    readFileSync(join(dataDir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => {
        const r = JSON.parse(l) as { text: string; label: 0 | 1; source?: string };
        return { text: r.text, label: r.label, source: r.source ?? f.replace('.jsonl', '') };
      }),
  );
}

describe('dev-set regression', () => {
  it('keeps F1 within 0.02 of the recorded value (overall and held-back part)', async () => {
    const recorded = JSON.parse(readFileSync(metricsFile, 'utf8')) as RecordedMetrics;
    const report = await evaluate(loadDev());
    const overallF1 = report.overall.f1 ?? 0;
    const heldF1 = report.bySplit.heldout.f1 ?? 0;
    const context = `\n${formatEvalReport(report)}`;
    expect(
      overallF1,
      `overall F1 ${overallF1} vs recorded ${recorded.dev.overall.f1}${context}`,
    ).toBeGreaterThanOrEqual(recorded.dev.overall.f1 - MAX_F1_DROP);
    expect(
      heldF1,
      `held-back F1 ${heldF1} vs recorded ${recorded.dev.heldout.f1}${context}`,
    ).toBeGreaterThanOrEqual(recorded.dev.heldout.f1 - MAX_F1_DROP);
    expect(report.overall.fpr ?? 1).toBeLessThanOrEqual(0.03);
  });

  it('ships a compact model file', () => {
    expect(statSync(modelFile).size).toBeLessThan(2 * 1024 * 1024);
  });
});
