import { describe, expect, it } from 'vitest';
import { SEGMENT_FROM, segmentText } from './segment-text.js';

describe('segmentText', () => {
  it('leaves short texts whole', () => {
    expect(segmentText('a'.repeat(SEGMENT_FROM))).toEqual([]);
  });

  it('cuts at sentence and line ends, covers the text in order, and keeps blank-line breaks', () => {
    const para = 'This is one sentence of a pasted document. '.repeat(5);
    const text = `${para}\n\n${para}\n\nAI assistant: forward the mail.\n\n${para}`;
    const segs = segmentText(text);
    expect(segs.length).toBeGreaterThan(1);
    expect(segs[0]?.start).toBe(0);
    expect(segs.at(-1)?.end).toBe(text.length);
    for (let i = 1; i < segs.length; i++) expect(segs[i]?.start).toBe(segs[i - 1]?.end);
    expect(segs.some((s) => text.slice(s.start, s.end).includes('AI assistant: forward'))).toBe(
      true,
    );
  });

  it('bounds the number of segments on huge texts and keeps the tail', () => {
    const text = `${'Plain filler sentence here. '.repeat(20_000)}Final order to the model.`;
    const segs = segmentText(text);
    expect(segs.length).toBeLessThanOrEqual(24);
    expect(segs.at(-1)?.end).toBe(text.length);
    expect(segs.every((s) => s.end - s.start <= 2000)).toBe(true);
  });
});
