/**
 * Hashed n-gram features shared by the classifier and its training script (scripts/train.mjs
 * imports the built copy, so training and inference featurise identically).
 *
 * Features: character 3-, 4- and 5-grams and word uni- and bigrams of the lower-cased normalised
 * text, hashed (FNV-1a + murmur3 finaliser) into 2^FEATURE_BITS buckets. A text's vector is the
 * bag of its n-gram occurrences, each group scaled by 1/sqrt(count) so long texts do not dominate.
 */

/** log2 of the number of hash buckets. */
export const FEATURE_BITS = 18;
/** Number of hash buckets. */
export const FEATURE_DIM = 1 << FEATURE_BITS;
const MASK = FEATURE_DIM - 1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_SEED = 0x5bd1e995;
const BIGRAM_SEED = 0x27d4eb2d;

/** Features of one text: `indices[0..charCount)` are character n-grams, the rest word n-grams. */
export interface TextFeatures {
  readonly indices: Int32Array;
  readonly charCount: number;
  readonly wordCount: number;
}

let scratch = new Int32Array(16_384);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & MASK;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || c > 127;
}

/**
 * Extracts hashed features. The returned `indices` is a shared scratch buffer, valid until the
 * next call: copy it (`indices.slice(0, n)`) to keep it.
 */
export function extractFeatures(text: string): TextFeatures {
  const s = text.toLowerCase();
  const len = s.length;
  const needed = len * 5 + 16;
  if (scratch.length < needed) scratch = new Int32Array(needed);
  const out = scratch;
  let n = 0;
  for (let i = 0; i + 2 < len; i++) {
    let h = FNV_OFFSET;
    h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
    h = Math.imul(h ^ s.charCodeAt(i + 1), FNV_PRIME);
    h = Math.imul(h ^ s.charCodeAt(i + 2), FNV_PRIME);
    out[n++] = fmix(h);
    if (i + 3 < len) {
      h = Math.imul(h ^ s.charCodeAt(i + 3), FNV_PRIME);
      out[n++] = fmix(h);
      if (i + 4 < len) {
        h = Math.imul(h ^ s.charCodeAt(i + 4), FNV_PRIME);
        out[n++] = fmix(h);
      }
    }
  }
  const charCount = n;
  let prev = 0;
  let havePrev = false;
  let h = 0;
  let inWord = false;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? s.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      if (!inWord) {
        h = FNV_OFFSET ^ WORD_SEED;
        inWord = true;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
    } else if (inWord) {
      inWord = false;
      out[n++] = fmix(h);
      if (havePrev) out[n++] = fmix(Math.imul(prev ^ BIGRAM_SEED, FNV_PRIME) ^ h);
      prev = h;
      havePrev = true;
    }
  }
  return { indices: out, charCount, wordCount: n - charCount };
}
