import { describe, expect, it } from 'vitest';
import { captureSliceBudget, captureSliceMs } from './capture-pipeline.js';
import { TimeSlicer } from './time-slicer.js';

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

describe('captureSliceBudget', () => {
  it('takes as long as the event loop just spent elsewhere, within 1 ms and the backlog cap', () => {
    // A full queue at moderate load: the loop came back at once, so slices stay at 1 ms.
    expect(captureSliceBudget(1, 0.2)).toBe(1);
    // The same queue at saturation: a 6 ms turn of I/O earns a 6 ms slice, 20 ms earns the cap.
    expect(captureSliceBudget(1, 6)).toBe(6);
    expect(captureSliceBudget(1, 20)).toBe(8);
    // A nearly empty queue never goes past 1 ms, however long the loop was away.
    expect(captureSliceBudget(0, 20)).toBe(1);
  });
});

describe('TimeSlicer', () => {
  it('asks its budget for each slice with the time the event loop was away', async () => {
    const gaps: number[] = [];
    const slicer = new TimeSlicer((gapMs) => {
      gaps.push(gapMs);
      return 0;
    });
    const blockFor = (ms: number): void => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    blockFor(1); // the first slice (budget 0) is used up
    setImmediate(() => blockFor(20)); // other work, queued before the slicer's yield
    await slicer.tick();
    expect(slicer.yields).toBe(1);
    expect(gaps[0]).toBe(0);
    expect(gaps[1]).toBeGreaterThanOrEqual(19);
  });
});
