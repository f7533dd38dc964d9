import type { SecurityFinding } from '@llmtrace/core';
import { describe, expect, it } from 'vitest';
import { combineWithMl } from './combine-ml-score.js';
import { loadModelConfig, truncateIds } from './ml-model.js';
import { softmaxSum } from './softmax.js';

const finding = (type: string, confidence: number): SecurityFinding => ({
  id: type,
  type,
  severity: 'high',
  confidence,
  description: type,
  detectedAt: '2026-01-01T00:00:00.000Z',
  metadata: {},
});

describe('combineWithMl', () => {
  it('lets the model pull a rules false positive down', () => {
    const fast = { score: 80, findings: [finding('prompt_injection', 0.8)] };
    const out = combineWithMl(fast, { probability: 0.02, model: 'm' }, 0.5);
    expect(out.score).toBe(41);
    expect(out.findings).toEqual(fast.findings);
  });

  it('raises an attack the rules missed and adds a model finding', () => {
    const out = combineWithMl(
      { score: 10, findings: [] },
      { probability: 0.96, messageIndex: 2, model: 'm' },
      0.5,
    );
    expect(out.score).toBe(53);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({
      type: 'prompt_injection',
      severity: 'high',
      confidence: 0.96,
      location: { side: 'request', messageIndex: 2 },
      metadata: { tier: 'ml', model: 'm' },
    });
  });

  it('never lowers the score of non-injection findings (a leaked key stays critical)', () => {
    const fast = { score: 95, findings: [finding('secret', 1)] };
    const out = combineWithMl(fast, { probability: 0, model: 'm' }, 1);
    expect(out.score).toBe(95);
  });

  it('weight 0 keeps the fast score; weight 1 is the model alone', () => {
    const fast = { score: 30, findings: [] };
    expect(combineWithMl(fast, { probability: 0.9, model: 'm' }, 0).score).toBe(30);
    expect(combineWithMl(fast, { probability: 0.9, model: 'm' }, 1).score).toBe(90);
  });
});

describe('model files', () => {
  it('finds the injection class by its label, or class 1 of a generic two-class model', () => {
    expect(loadModelConfig({ id2label: { 0: 'SAFE', 1: 'INJECTION' } }).positive).toEqual([1]);
    expect(
      loadModelConfig({ id2label: { 0: 'BENIGN', 1: 'INJECTION', 2: 'JAILBREAK' } }).positive,
    ).toEqual([1, 2]);
    expect(loadModelConfig({ id2label: { 0: 'LABEL_0', 1: 'LABEL_1' } }).positive).toEqual([1]);
    expect(() => loadModelConfig({})).toThrow(/no id2label/);
    expect(() => loadModelConfig({ id2label: { 0: 'A', 2: 'B' } })).toThrow(/classes 0\.\.n-1/);
  });

  it('cuts token ids keeping the closing special token', () => {
    expect(truncateIds([1, 5, 6, 7, 2], 3)).toEqual([1, 5, 2]);
    expect(truncateIds([1, 2], 3)).toEqual([1, 2]);
  });

  it('sums the softmax of the positive classes, stable for large logits', () => {
    expect(softmaxSum([0, 0], [1])).toBeCloseTo(0.5);
    expect(softmaxSum([1000, 1000, 1000], [1, 2])).toBeCloseTo(2 / 3);
  });
});
