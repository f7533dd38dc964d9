/** One part of a long text, by offsets (end exclusive). */
export interface TextSegment {
  readonly start: number;
  readonly end: number;
}

/** Texts up to this length are one segment: segmenting them would only add noise. */
export const SEGMENT_FROM = 600;
/** A segment grows by whole sentences/lines up to about this many characters. */
const TARGET = 400;
/** Shorter pieces are merged with the next one (a lone "Hi," carries no signal). */
const MIN = 120;
/** A single sentence or line longer than this is cut. */
const HARD = 1000;
/** Segment size grows with the text up to this many characters. */
const MAX_TARGET = 1000;
/** Segments scored per text: the first MAX_SEGMENTS - 1 and the last (payloads sit at the ends). */
const MAX_SEGMENTS = 24;

function isSentenceEnd(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  // ". " "! " "? " end a sentence; a newline ends a line (tables, JSON, mail headers).
  if (c === 10) return true;
  return (c === 46 || c === 33 || c === 63) && text.charCodeAt(i + 1) === 32;
}

/**
 * Splits a long text into segments of whole sentences and lines, about {@link TARGET} characters
 * each, never across a blank line once the segment has some substance. One pass, linear in the
 * text. Returns an empty list for texts up to {@link SEGMENT_FROM} characters.
 */
export function segmentText(text: string): TextSegment[] {
  const len = text.length;
  if (len <= SEGMENT_FROM) return [];
  // Longer texts get longer segments (up to MAX_TARGET), so more of the text is covered within
  // MAX_SEGMENTS; beyond that the first and last segments are kept (bounded work per message).
  const target = Math.max(TARGET, Math.min(MAX_TARGET, Math.ceil(len / MAX_SEGMENTS)));
  const hard = Math.max(HARD, target);
  const out: TextSegment[] = [];
  let segStart = 0;
  let unitStart = 0;
  for (let i = 0; i < len; i++) {
    const atEnd = i === len - 1;
    if (!atEnd && !isSentenceEnd(text, i) && i - unitStart < hard) continue;
    const unitEnd = i + 1;
    const blankLine = text.charCodeAt(i) === 10 && text.charCodeAt(i + 1) === 10;
    const segLen = unitEnd - segStart;
    if (atEnd) {
      out.push({ start: segStart, end: len });
    } else if ((blankLine && segLen >= MIN) || segLen >= target) {
      out.push({ start: segStart, end: unitEnd });
      segStart = unitEnd;
    }
    unitStart = unitEnd;
    if (out.length === MAX_SEGMENTS - 1 && segStart < len - target) {
      // Skip the middle: the last segment is the text's tail.
      segStart = len - target;
      unitStart = segStart;
      i = segStart - 1;
    }
  }
  if (out.length <= MAX_SEGMENTS) return out;
  return [...out.slice(0, MAX_SEGMENTS - 1), out[out.length - 1] as TextSegment];
}
