import { describe, expect, it } from 'vitest';
import { parsePrompt } from './chat.js';
import { segments, type Mark } from './highlight.js';

describe('parsePrompt', () => {
  it('splits the stored prompt into messages, keeping multi-line content together', () => {
    expect(parsePrompt('system: Be brief.\nuser: first line\nsecond line\nassistant: ok')).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first line\nsecond line' },
      { role: 'assistant', content: 'ok' },
    ]);
  });
  it('treats text without role prefixes as one user message', () => {
    expect(parsePrompt('{"input":"x"}')).toEqual([{ role: 'user', content: '{"input":"x"}' }]);
    expect(parsePrompt('')).toEqual([]);
  });
});

describe('segments (finding highlights)', () => {
  const mark = (start: number, end: number, label = 'x'): Mark => ({
    start,
    end,
    label,
    severity: 'high',
  });

  it('marks the finding where it occurs and leaves the rest plain', () => {
    const m = mark(6, 12);
    expect(segments('Hello ignore all', [m])).toEqual([
      { text: 'Hello ', marks: [] },
      { text: 'ignore', marks: [m] },
      { text: ' all', marks: [] },
    ]);
  });

  it('shows overlapping findings on the shared part', () => {
    const a = mark(0, 4, 'a');
    const b = mark(2, 6, 'b');
    expect(segments('abcdefgh', [a, b])).toEqual([
      { text: 'ab', marks: [a] },
      { text: 'cd', marks: [a, b] },
      { text: 'ef', marks: [b] },
      { text: 'gh', marks: [] },
    ]);
  });

  it('clamps offsets past the end of clipped text and drops empty marks', () => {
    const m = mark(3, 99);
    expect(segments('abcdef', [m, mark(50, 60)])).toEqual([
      { text: 'abc', marks: [] },
      { text: 'def', marks: [{ ...m, end: 6 }] },
    ]);
  });
});
