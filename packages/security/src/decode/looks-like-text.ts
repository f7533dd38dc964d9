const PRINTABLE = /[\p{L}\p{N}\p{P}\p{S}\p{Zs}\n\t]/u;
const LETTER = /\p{L}/u;

/**
 * True when a decoded byte string reads as natural-language text: mostly printable, mostly letters,
 * with word breaks. Random bytes, hashes and identifiers that merely fit an alphabet fail this, which
 * keeps the decoders from producing noise.
 */
export function looksLikeText(s: string): boolean {
  if (s.length < 6 || s.includes('\uFFFD')) return false;
  let printable = 0;
  let letters = 0;
  let spaces = 0;
  for (const ch of s) {
    if (PRINTABLE.test(ch)) printable++;
    if (LETTER.test(ch)) letters++;
    if (ch === ' ') spaces++;
  }
  const n = [...s].length;
  if (printable / n < 0.95 || letters / n < 0.55) return false;
  // Natural text has word breaks; a single long token must be short enough to be a word or two.
  return spaces >= 1 || n <= 24;
}
