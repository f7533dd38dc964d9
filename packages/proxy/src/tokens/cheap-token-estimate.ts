/**
 * A conservative token estimate in one pass, without the tokenizer (issue 14, items 1 and 3).
 *
 * Costs are in hundredths of a token, chosen to stay at or above what byte-pair tokenizers produce
 * (checked against o200k_base for a dozen scripts and shapes in `cheap-token-estimate.test.ts`):
 * - a run of ASCII letters or digits is cut into segments at every change between lower case,
 *   upper case and digits (a capital followed by lower case stays one word); each segment costs at
 *   least one token, letters 0.2 per character beyond that up to a word's length (12) and 0.5
 *   past it, digits one token per three. Random identifiers and base64 change class every one or
 *   two characters, so they cost what they really do (≈ 0.7 per character), English stays within
 *   2× of its true cost. Known under-count: random lower-case pseudo-words (≈ 0.6×);
 * - ASCII punctuation 0.7, spaces 0.1, line ends 0.25;
 * - accented Latin, Greek, Cyrillic, Hebrew, Arabic 0.5 per character;
 * - everything else — CJK, kana, hangul, Indic, Thai, symbols, emoji — one per UTF-16 code unit.
 *   The old flat "3 characters per token" under-counted CJK by 2–3× (issue 14, item 3).
 */
const LETTER = 20;
/** Letters beyond this in one run are not a word: random text costs about 0.5 per character. */
const WORD_CHARS = 12;
const LONG_RUN = 50;
const PUNCT = 70;
const SPACE = 10;
const NEWLINE = 25;
const LATIN_EXTENDED = 50;
const ALPHABETIC = 50;
const DENSE = 100;

const NONE = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;

/** Class of each ASCII code unit (0: not alphanumeric), precomputed (STYLE rule 14). */
const ASCII_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x61; c <= 0x7a; c++) table[c] = LOWER;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = UPPER;
  for (let c = 0x30; c <= 0x39; c++) table[c] = DIGIT;
  return table;
})();

/** Cost of each ASCII code unit that is not alphanumeric. */
const ASCII_COST: Uint8Array = (() => {
  const table = new Uint8Array(128).fill(PUNCT);
  table[0x20] = SPACE;
  table[0x09] = SPACE;
  table[0x0a] = NEWLINE;
  table[0x0d] = NEWLINE;
  return table;
})();

function segmentCost(cls: number, length: number): number {
  if (cls === DIGIT) return 100 * Math.ceil(length / 3);
  if (length <= WORD_CHARS) return 100 + LETTER * (length - 1);
  return 100 + LETTER * (WORD_CHARS - 1) + LONG_RUN * (length - WORD_CHARS);
}

/**
 * A cheap, conservative token count: one pass, table lookups, no allocation. Used where the
 * tokenizer would cost too much — past the exact-count budget and for budget reservations, which
 * settlement later replaces with the provider's own usage.
 *
 * @example
 * estimateTokensCheaply('你好世界'); // 4
 */
export function estimateTokensCheaply(text: string, start = 0, end = text.length): number {
  let total = 0;
  let cls = NONE;
  let length = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const next = c < 0x80 ? (ASCII_CLASS[c] as number) : NONE;
    if (next !== NONE) {
      if (next === cls || (cls === UPPER && next === LOWER && length === 1)) {
        cls = next;
        length++;
      } else {
        if (cls !== NONE) total += segmentCost(cls, length);
        cls = next;
        length = 1;
      }
      continue;
    }
    if (cls !== NONE) {
      total += segmentCost(cls, length);
      cls = NONE;
      length = 0;
    }
    if (c < 0x80) total += ASCII_COST[c] as number;
    else if (c < 0x250) total += LATIN_EXTENDED;
    else if (c < 0x800) total += ALPHABETIC;
    else total += DENSE;
  }
  if (cls !== NONE) total += segmentCost(cls, length);
  return Math.ceil(total / 100);
}

/**
 * Characters {@link estimateTokensBounded} looks at; past them each UTF-16 code unit counts as one
 * token — an upper bound for every class above, and O(1), so a 32 MB body costs no more than 1 MB
 * (~8 ms) to estimate.
 */
export const CHEAP_ESTIMATE_CHARS = 1024 * 1024;

/**
 * {@link estimateTokensCheaply} over at most {@link CHEAP_ESTIMATE_CHARS}, one token per code unit
 * beyond: bounded time, still never below the per-script estimate.
 *
 * @example
 * estimateTokensBounded('x'.repeat(2_000_000)); // ≥ 1_048_576
 */
export function estimateTokensBounded(text: string, start = 0): number {
  const end = Math.min(text.length, start + CHEAP_ESTIMATE_CHARS);
  return estimateTokensCheaply(text, start, end) + (text.length - end);
}
