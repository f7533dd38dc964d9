import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';

/*
 * Token counts with the o200k_base byte-pair encoding (GPT-4o and later), held compactly.
 *
 * gpt-tokenizer supplies the encoding: its rank file and its pre-tokenizer pattern. Its own
 * encoder keeps the 200 000 ranks as JavaScript strings in a Map: 14 MB of live heap that every
 * full collection traces, and about 50 MB more resident memory once loaded (issue 13: a soak whose
 * streams carry no usage held 209 MB with it, 163 MB without). Counting needs no strings: here
 * the ranks are three typed arrays (about 4 MB outside the heap, nothing for the collector to
 * trace), and a count is the standard merge loop over a piece's UTF-8 bytes. Text that looks like
 * a special token (`<|endoftext|>`) is counted as the ordinary text it is: that is how a provider
 * reads it in a message, and it is not an error.
 */

const RANK_FILE = 'gpt-tokenizer/data/o200k_base.tiktoken';
/** No rank: the byte sequence is not a token. */
const NONE = 0x7fffffff;
/**
 * Longest piece merged in one go, in bytes. Merging is quadratic in a piece's length, and a run of
 * whitespace is one piece whatever its length; a longer piece is cut at a character boundary,
 * which can add one token per cut (an over-count of text that has no natural boundary anyway).
 */
export const MAX_MERGE_BYTES = 256;

/**
 * Byte-pair ranks read from a tiktoken rank file (`<base64 token> <rank>` per line, ranks 0, 1, 2…
 * in order): the token bytes in rank order, and an open-addressing table over them.
 */
export class BpeRanks {
  /** Token `rank`'s bytes are `pool[start[rank], start[rank + 1])`. */
  readonly #pool: Uint8Array;
  readonly #start: Uint32Array;
  /** Slots of rank + 1 (0: empty), found by the bytes' hash. */
  readonly #table: Int32Array;
  readonly #mask: number;

  constructor(file: Uint8Array) {
    const lines = countLines(file);
    // Base64 is 4 characters per 3 bytes, so the decoded tokens fit in 3/4 of the file.
    const pool = Buffer.alloc(Math.ceil((file.length * 3) / 4));
    const text = Buffer.from(file.buffer, file.byteOffset, file.length);
    this.#start = new Uint32Array(lines + 1);
    let size = 1;
    while (size < lines * 2) size <<= 1;
    this.#table = new Int32Array(size);
    this.#mask = size - 1;
    let at = 0;
    let rank = 0;
    for (let i = 0; i < file.length;) {
      let space = i;
      while (space < file.length && file[space] !== 0x20) space++;
      let end = space;
      while (end < file.length && file[end] !== 0x0a) end++;
      if (space === end) throw new Error(`${RANK_FILE}: line ${rank + 1} has no rank`);
      if (parseDecimal(file, space + 1, end) !== rank) {
        throw new Error(`${RANK_FILE}: line ${rank + 1} is not rank ${rank}`);
      }
      const token = text.toString('latin1', i, space);
      const written = pool.write(token, at, 'base64');
      // Node's decoder skips what is not base64: encoding the bytes back says whether it all was.
      if (written === 0 || pool.toString('base64', at, at + written) !== token) {
        throw new Error(`${RANK_FILE}: line ${rank + 1} is not a base64 token`);
      }
      this.#start[rank] = at;
      this.#insert(pool, rank, at, at + written);
      at += written;
      rank++;
      i = end + 1;
    }
    this.#start[rank] = at;
    // A copy of the part used (a Buffer's own slice would be a view of the whole).
    this.#pool = Uint8Array.prototype.slice.call(pool, 0, at);
  }

  #insert(pool: Uint8Array, rank: number, from: number, to: number): void {
    let slot = hashBytes(pool, from, to) & this.#mask;
    while (this.#table[slot] !== 0) slot = (slot + 1) & this.#mask;
    this.#table[slot] = rank + 1;
  }

  /** The rank of `bytes[from, to)`, or {@link NONE}. */
  rank(bytes: Uint8Array, from: number, to: number): number {
    const pool = this.#pool;
    const length = to - from;
    let slot = hashBytes(bytes, from, to) & this.#mask;
    for (;;) {
      const entry = this.#table[slot] ?? 0;
      if (entry === 0) return NONE;
      const rank = entry - 1;
      const start = this.#start[rank] ?? 0;
      if ((this.#start[rank + 1] ?? 0) - start === length) {
        let i = 0;
        while (i < length && pool[start + i] === bytes[from + i]) i++;
        if (i === length) return rank;
      }
      slot = (slot + 1) & this.#mask;
    }
  }
}

function countLines(file: Uint8Array): number {
  let lines = 0;
  for (let i = 0; i < file.length; i++) if (file[i] === 0x0a) lines++;
  return file.length > 0 && file[file.length - 1] !== 0x0a ? lines + 1 : lines;
}

function parseDecimal(file: Uint8Array, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = (file[i] ?? 0) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return to > from ? value : -1;
}

/** FNV-1a of `bytes[from, to)`. */
function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (bytes[i] ?? 0), 0x01000193);
  return h >>> 0;
}

/** The ranks once read; the error that stopped them, remembered so a broken install is read once. */
let ranks: BpeRanks | Error | undefined;
const splitter = new RegExp(O200K_TOKEN_SPLIT_REGEX.source, O200K_TOKEN_SPLIT_REGEX.flags);
const encoder = new TextEncoder();
let utf8 = new Uint8Array(1024);
/** Scratch of the merge loop: part starts and the rank of each part merged with the next. */
let starts = new Int32Array(MAX_MERGE_BYTES + 1);
let pairRanks = new Int32Array(MAX_MERGE_BYTES + 1);

/** The ranks, read from gpt-tokenizer's rank file on first use (about 0.15 s), or why they cannot be. */
function loadedRanks(): BpeRanks | Error {
  if (ranks === undefined) {
    try {
      ranks = new BpeRanks(readFileSync(createRequire(import.meta.url).resolve(RANK_FILE)));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      ranks = new Error(`o200k token counts are unavailable (${reason})`);
      process.emitWarning(`${ranks.message}; token counts will be estimated`, {
        code: 'LLMTRACE_TOKENIZER',
        detail: 'Reinstall the gpt-tokenizer package (npm ci) to count tokens exactly.',
      });
    }
  }
  return ranks;
}

/**
 * Whether {@link countO200kTokens} can count: false when gpt-tokenizer's rank file is missing or
 * damaged (a broken install), which is warned about once. Callers estimate instead: a count is
 * never worth dropping a span or failing a request for.
 *
 * @example
 * const tokens = o200kAvailable() ? countO200kTokens(text) : estimateTokensCheaply(text);
 */
export function o200kAvailable(): boolean {
  return !(loadedRanks() instanceof Error);
}

/** Rank of parts `i` and `i + 1` merged (`starts` holds `parts` boundaries), or {@link NONE}. */
function pairRank(table: BpeRanks, bytes: Uint8Array, i: number, parts: number): number {
  return i + 2 < parts ? table.rank(bytes, starts[i] ?? 0, starts[i + 2] ?? 0) : NONE;
}

/**
 * Tokens of `bytes[from, to)` by byte-pair merging: the adjacent pair of parts with the lowest rank
 * is merged first (the leftmost on a tie), until no pair is a token.
 */
function mergeCount(table: BpeRanks, bytes: Uint8Array, from: number, to: number): number {
  const n = to - from;
  if (starts.length < n + 1) {
    starts = new Int32Array(n + 1);
    pairRanks = new Int32Array(n + 1);
  }
  for (let i = 0; i <= n; i++) starts[i] = from + i;
  let parts = n + 1;
  for (let i = 0; i < parts; i++) pairRanks[i] = pairRank(table, bytes, i, parts);
  while (parts > 2) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i + 2 < parts; i++) {
      const r = pairRanks[i] ?? NONE;
      if (r < best) {
        best = r;
        at = i;
      }
    }
    if (at < 0) break;
    // Drop the boundary after part `at`; its neighbours' pair ranks change.
    starts.copyWithin(at + 1, at + 2, parts);
    pairRanks.copyWithin(at + 1, at + 2, parts);
    parts--;
    pairRanks[at] = pairRank(table, bytes, at, parts);
    if (at > 0) pairRanks[at - 1] = pairRank(table, bytes, at - 1, parts);
  }
  return parts - 1;
}

/** Tokens of one pre-tokenizer piece, in UTF-8 `bytes[0, length)`. */
function pieceCount(table: BpeRanks, bytes: Uint8Array, length: number): number {
  if (table.rank(bytes, 0, length) !== NONE) return 1;
  let tokens = 0;
  for (let from = 0; from < length;) {
    let to = Math.min(length, from + MAX_MERGE_BYTES);
    // Not inside a character: UTF-8 continuation bytes are 10xxxxxx.
    while (to < length && ((bytes[to] ?? 0) & 0xc0) === 0x80) to--;
    tokens += mergeCount(table, bytes, from, to);
    from = to;
  }
  return tokens;
}

/**
 * The number of o200k_base tokens in `text`, as the provider counts it (special-token lookalikes
 * as ordinary text). Time is linear in the text's length for pieces up to
 * {@link MAX_MERGE_BYTES}; callers bound the piece lengths (see `bounded-token-count.ts`). Throws
 * when the ranks cannot be read (see {@link o200kAvailable}).
 *
 * @example
 * countO200kTokens('Hello, world'); // 3
 */
export function countO200kTokens(text: string): number {
  const table = loadedRanks();
  if (table instanceof Error) throw table;
  let tokens = 0;
  splitter.lastIndex = 0;
  for (let m = splitter.exec(text); m !== null; m = splitter.exec(text)) {
    const piece = m[0];
    if (piece.length === 0) {
      splitter.lastIndex++;
      continue;
    }
    if (utf8.length < piece.length * 3) utf8 = new Uint8Array(piece.length * 3);
    const { written } = encoder.encodeInto(piece, utf8);
    tokens += pieceCount(table, utf8, written);
  }
  return tokens;
}
