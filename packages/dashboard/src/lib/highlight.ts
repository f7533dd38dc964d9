/** A span of text a finding points at, end exclusive. */
export interface Mark {
  readonly start: number;
  readonly end: number;
  /** What to show on hover and to screen readers, e.g. `prompt_injection (high)`. */
  readonly label: string;
  readonly severity: string;
}

/** A run of text, marked by the findings that cover it (if any). */
export interface Segment {
  readonly text: string;
  readonly marks: readonly Mark[];
}

/**
 * Cuts `text` into runs at every mark boundary, so overlapping findings both show. Offsets come from
 * the analyzer's normalised text and can be off the end of the stored (clipped) text: they are
 * clamped, and marks left empty are dropped.
 */
export function segments(text: string, marks: readonly Mark[]): Segment[] {
  const valid = marks
    .map((m) => ({
      ...m,
      start: Math.max(0, Math.min(m.start, text.length)),
      end: Math.min(m.end, text.length),
    }))
    .filter((m) => m.end > m.start);
  if (valid.length === 0) return text === '' ? [] : [{ text, marks: [] }];
  const cuts = new Set([0, text.length]);
  for (const m of valid) {
    cuts.add(m.start);
    cuts.add(m.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] as number;
    const end = points[i + 1] as number;
    const covering = valid.filter((m) => m.start <= start && m.end >= end);
    const previous = out[out.length - 1];
    const piece = text.slice(start, end);
    // Merge neighbours with the same marks, so plain text stays one run.
    if (previous !== undefined && sameMarks(previous.marks, covering)) {
      out[out.length - 1] = { text: previous.text + piece, marks: previous.marks };
    } else out.push({ text: piece, marks: covering });
  }
  return out;
}

function sameMarks(a: readonly Mark[], b: readonly Mark[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}
