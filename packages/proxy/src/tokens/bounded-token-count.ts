import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CHEAP_ESTIMATE_CHARS, estimateTokensBounded } from './cheap-token-estimate.js';
import { countO200kTokens, o200kAvailable } from './o200k-tokens.js';

/**
 * Longest run of non-whitespace handed to the BPE in one piece, in UTF-8 bytes (what the BPE merges).
 * Byte-pair merging is quadratic in the length of one pre-token, and the pre-tokenizer makes a whole
 * run of letters without spaces (`"a" × 150000`, or any CJK text) one pre-token: 40 k characters took
 * 0.8 s, 110 k CJK characters 62 s (issue 14, item 1). Cutting runs at this length keeps the work
 * linear; it can add about one token per cut, which is only ever an over-count of text that has no
 * natural boundary anyway.
 */
export const MAX_RUN_BYTES = 256;
/** Largest piece handed to the tokenizer at once (cut at a whitespace when there is one). */
const MAX_PIECE_CHARS = 4_096;
/**
 * Characters counted exactly by default; the rest is estimated with {@link estimateTokensCheaply}.
 * The tokenizer runs at 1–3 M characters per second on text it has not seen (random words), so
 * this bounds one count at roughly 10–30 ms.
 */
export const DEFAULT_EXACT_CHARS = 32 * 1024;

/** A token count and whether all of it came from the tokenizer. */
export interface BoundedTokenCount {
  readonly tokens: number;
  /**
   * False when part of the text was estimated: past the exact budget, or all of it when the ranks
   * cannot be read.
   */
  readonly exact: boolean;
  /** Code units that went through the BPE (for tests that count work). */
  readonly tokenizedChars: number;
  /** Longest piece given to the BPE in one call (for tests that count work). */
  readonly longestPiece: number;
}

/** Options of {@link countTokensBounded}. */
export interface BoundedTokenCountOptions {
  /** Characters counted with the tokenizer; the rest is estimated. */
  readonly maxExactChars?: number;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** A cut must not fall between the two halves of a surrogate pair. */
function safeCut(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return c >= 0xdc00 && c <= 0xdfff ? at + 1 : at;
}

/**
 * Cuts `text[0, limit)` into the pieces the tokenizer gets: at most {@link MAX_PIECE_CHARS} each
 * (cut at a whitespace where possible), no non-whitespace run longer than {@link MAX_RUN_BYTES}.
 * Each code unit is looked at once.
 */
function* pieces(text: string, limit: number): Generator<readonly [number, number]> {
  let pieceStart = 0;
  let runBytes = 0;
  let lastSpace = -1;
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      lastSpace = i;
      runBytes = 0;
      continue;
    }
    // UTF-8 length: 1, 2 or 3 bytes per code unit (a surrogate pair is 4 bytes, 2 per half).
    const bytes = c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
    runBytes += bytes;
    let cut = -1;
    if (runBytes > MAX_RUN_BYTES) {
      cut = safeCut(text, i);
      runBytes = cut === i ? bytes : 0;
    } else if (i - pieceStart >= MAX_PIECE_CHARS) {
      // Cut before the last whitespace so that a word is not split (a space belongs to the word
      // after it in the pre-tokenizer).
      cut = lastSpace > pieceStart ? lastSpace : safeCut(text, i);
    }
    if (cut > pieceStart) {
      yield [pieceStart, cut];
      pieceStart = cut;
      i = Math.max(i, cut - 1);
    }
  }
  if (limit > pieceStart) yield [pieceStart, limit];
}

/**
 * Code units of `text` to count exactly: none when the ranks cannot be read (a broken install), so
 * that the whole text is estimated and the count says it is inexact.
 */
function exactLimit(text: string, options: BoundedTokenCountOptions): number {
  const limit = Math.min(text.length, options.maxExactChars ?? DEFAULT_EXACT_CHARS);
  // Asked only when there is something to count: an estimate-only count never loads the ranks.
  return limit > 0 && !o200kAvailable() ? 0 : limit;
}

function tally(text: string, limit: number, counted: number, longest: number): BoundedTokenCount {
  const exact = limit === text.length;
  return {
    tokens: exact ? counted : counted + estimateTokensBounded(text, limit),
    exact,
    tokenizedChars: limit,
    longestPiece: longest,
  };
}

/**
 * Counts tokens with the o200k_base BPE in linear time: pieces of at most {@link MAX_PIECE_CHARS}
 * whose non-whitespace runs are at most {@link MAX_RUN_BYTES}; past `maxExactChars` the rest is
 * estimated with {@link estimateTokensCheaply} and the count is marked inexact.
 *
 * @example
 * countTokensBounded('a'.repeat(150_000)).exact; // false: past the default exact budget
 */
export function countTokensBounded(
  text: string,
  options: BoundedTokenCountOptions = {},
): BoundedTokenCount {
  const limit = exactLimit(text, options);
  let tokens = 0;
  let longest = 0;
  for (const [start, end] of pieces(text, limit)) {
    tokens += countO200kTokens(text.slice(start, end));
    longest = Math.max(longest, end - start);
  }
  return tally(text, limit, tokens, longest);
}

/**
 * {@link countTokensBounded} in slices: yields to the event loop whenever one slice has used
 * `sliceMs`, so that counting a long prompt on the request path (token caps) never holds other
 * requests for longer than that.
 *
 * @example
 * const { tokens } = await countTokensSliced(prompt, { maxExactChars: 256 * 1024 });
 */
export async function countTokensSliced(
  text: string,
  options: BoundedTokenCountOptions & { readonly sliceMs?: number } = {},
): Promise<BoundedTokenCount> {
  const limit = exactLimit(text, options);
  const sliceMs = options.sliceMs ?? 2;
  let tokens = 0;
  let longest = 0;
  let sliceStart = performance.now();
  for (const [start, end] of pieces(text, limit)) {
    tokens += countO200kTokens(text.slice(start, end));
    longest = Math.max(longest, end - start);
    if (performance.now() - sliceStart > sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  return tally(text, limit, tokens, longest);
}

/**
 * {@link countTokensBounded} of `texts` joined with newlines, without building the whole join: past
 * the exact and estimate budgets only lengths are added (one token per code unit, an upper bound),
 * so 30 MB of messages costs what its first megabyte does (issue 14, item 6).
 *
 * @example
 * countTokensOfTexts(request.messages.map((m) => m.content)).tokens;
 */
export function countTokensOfTexts(
  texts: readonly string[],
  options: BoundedTokenCountOptions = {},
): BoundedTokenCount {
  const budget = (options.maxExactChars ?? DEFAULT_EXACT_CHARS) + CHEAP_ESTIMATE_CHARS;
  const kept: string[] = [];
  let keptChars = 0;
  let rest = 0;
  for (const [i, text] of texts.entries()) {
    const separator = i === 0 ? 0 : 1;
    if (keptChars >= budget) {
      rest += text.length + separator;
      continue;
    }
    const room = budget - keptChars;
    const piece = text.length <= room ? text : text.slice(0, room);
    kept.push(piece);
    keptChars += piece.length + separator;
    rest += text.length - piece.length;
  }
  const head = countTokensBounded(kept.join('\n'), options);
  return { ...head, tokens: head.tokens + rest, exact: head.exact && rest === 0 };
}
