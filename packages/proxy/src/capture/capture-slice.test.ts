import { describe, expect, it } from 'vitest';
import { captureSliceMs } from './capture-pipeline.js';

describe('captureSliceMs', () => {
  it('keeps 1 ms slices while the queue is nearly empty', () => {
    expect(captureSliceMs(0)).toBe(1);
    expect(captureSliceMs(0.05)).toBe(1);
  });

  it('grows with the backlog and stops at 8 ms from half full', () => {
    expect(captureSliceMs(0.275)).toBeCloseTo(4.5);
    expect(captureSliceMs(0.5)).toBe(8);
    expect(captureSliceMs(1)).toBe(8);
    expect(captureSliceMs(0.3)).toBeGreaterThan(captureSliceMs(0.2));
  });
});
