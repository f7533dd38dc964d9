import { Buffer } from 'node:buffer';

/** A registered canary as the matcher needs it: an id to name and the value to look for. */
export interface CanaryToken {
  readonly id: string;
  readonly value: string;
}

/** How a canary was found in the text. */
export type CanaryEncoding = 'clear' | 'obfuscated' | 'reversed' | 'hex' | 'base64';

/** One canary found in a text. */
export interface CanaryHit {
  readonly canaryId: string;
  readonly encoding: CanaryEncoding;
}

/** Look-alike characters folded onto one letter, so leetspeak and case changes do not hide a token. */
const FOLD: Readonly<Record<string, string>> = Object.freeze({
  '0': 'o',
  '1': 'i',
  l: 'i',
  '|': 'i',
  '!': 'i',
  '3': 'e',
  '4': 'a',
  '@': 'a',
  '5': 's',
  $: 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
});

/**
 * Lower-case, fold look-alikes and drop everything but letters and digits: `C-4 N A R Y` and
 * `canary` compare equal. Applied to values and texts alike, so the mapping need not be invertible.
 */
function fold(text: string): string {
  let out = '';
  for (const ch of text.toLowerCase()) {
    const mapped = FOLD[ch] ?? ch;
    if ((mapped >= 'a' && mapped <= 'z') || (mapped >= '0' && mapped <= '9')) out += mapped;
  }
  return out;
}

/** Hex digits only, lower case: `43 41 4e`, `\x43\x41` and `0x43,0x41` all become `43414e…`. */
function hexDigits(text: string): string {
  return text.toLowerCase().replace(/0x|\\x|[^0-9a-f]/g, '');
}

/**
 * The base64 characters that depend only on `value`, for each of the three byte alignments it can
 * have inside a longer encoded text (character j covers bits 6j…6j+6 of the byte stream).
 */
function base64Needles(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const needles: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + bytes.length)) / 6);
    const needle = encoded.slice(start, end);
    needles.push(needle, needle.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(needles)];
}

interface CompiledCanary {
  readonly id: string;
  readonly value: string;
  /** Folded value and its reverse; empty when the folded form is too short to be distinctive. */
  readonly folded: string;
  readonly reversed: string;
  readonly hex: string;
  readonly base64: readonly string[];
}

/** Folded forms shorter than this match too much ordinary text, so only the clear form counts. */
const MIN_FOLDED_CHARS = 8;

/**
 * Finds registered canary tokens in a text, in clear or in the encodings a model asked to hide
 * one would use: base64 (any alignment, standard or URL alphabet), hex, reversed, spaced or
 * punctuated, leetspeak and case changes. Pure and precompiled: every needle is built once, when
 * the matcher is constructed; a scan is a few `indexOf`s per canary over three views of the text.
 *
 * @example
 * const matcher = new CanaryMatcher([{ id: 'c1', value: 'CANARY-7f3a9b21' }]);
 * matcher.scan('the secret is 7f3a9b21-YRANAC'); // [] — only part reversed
 * matcher.scan('Q0FOQVJZLTdmM2E5YjIx'); // [{ canaryId: 'c1', encoding: 'base64' }]
 */
export class CanaryMatcher {
  readonly #canaries: readonly CompiledCanary[];
  /** Longest raw text one encoded canary can span (spaced hex is the widest form). */
  readonly maxEncodedChars: number;

  constructor(canaries: readonly CanaryToken[]) {
    this.#canaries = canaries.map((c) => {
      const folded = fold(c.value);
      const usable = folded.length >= MIN_FOLDED_CHARS;
      return {
        id: c.id,
        value: c.value,
        folded: usable ? folded : '',
        reversed: usable ? [...folded].reverse().join('') : '',
        hex: Buffer.from(c.value, 'utf8').toString('hex'),
        base64: base64Needles(c.value),
      };
    });
    const longest = canaries.reduce((n, c) => Math.max(n, Buffer.byteLength(c.value)), 0);
    this.maxEncodedChars = longest * 5 + 8;
  }

  /** True when there is nothing to look for (a scan then costs nothing). */
  get empty(): boolean {
    return this.#canaries.length === 0;
  }

  /** Every canary found in `text`, each once, with the first encoding it was found in. */
  scan(text: string): CanaryHit[] {
    if (this.#canaries.length === 0 || text.length === 0) return [];
    let folded: string | undefined;
    let hex: string | undefined;
    let compact: string | undefined;
    const hits: CanaryHit[] = [];
    for (const c of this.#canaries) {
      if (text.includes(c.value)) {
        hits.push({ canaryId: c.id, encoding: 'clear' });
        continue;
      }
      compact ??= text.replace(/\s+/g, '');
      if (c.base64.some((needle) => compact?.includes(needle) === true)) {
        hits.push({ canaryId: c.id, encoding: 'base64' });
        continue;
      }
      hex ??= hexDigits(text);
      if (hex.includes(c.hex)) {
        hits.push({ canaryId: c.id, encoding: 'hex' });
        continue;
      }
      if (c.folded === '') continue;
      folded ??= fold(text);
      if (folded.includes(c.folded)) hits.push({ canaryId: c.id, encoding: 'obfuscated' });
      else if (folded.includes(c.reversed)) hits.push({ canaryId: c.id, encoding: 'reversed' });
    }
    return hits;
  }
}
