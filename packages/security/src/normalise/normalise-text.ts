import { CONFUSABLE_CHAR, CONFUSABLES } from './confusables.js';

/** Evasion techniques the normaliser undid. */
export type EvasionTechnique =
  | 'invisible_characters'
  | 'homoglyphs'
  | 'fullwidth_or_compat'
  | 'tag_smuggling'
  | 'variation_selector_smuggling'
  | 'leetspeak'
  | 'spaced_letters';

/** A text in the forms the detectors read. */
export interface NormalisedText {
  /** NFKC, invisible characters removed, homoglyphs mapped to Latin, diacritics stripped, runs of
   *  spaces collapsed (newlines kept). Case is kept; detectors match case-insensitively. Finding
   *  offsets refer to this string. */
  readonly text: string;
  /** Extra readings of `text` worth checking: leetspeak undone, spaced-out letters joined. */
  readonly variants: readonly string[];
  /** Letters and digits only, lower-cased: defeats words split by spaces or punctuation. */
  readonly compact: string;
  /** ASCII text smuggled in Unicode tag characters or variation selectors, decoded. */
  readonly hidden: readonly string[];
  /** What the normaliser had to undo (empty for ordinary text). */
  readonly evasion: readonly EvasionTechnique[];
}

// Zero-width, bidi controls, soft hyphen, fillers, BOM, variation selectors and the tag block
// (U+E0000-U+E007F) plus supplementary variation selectors (U+E0100-U+E01EF). Combining and
// joiner characters are listed on purpose: removing them one by one is the point.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;
// An invisible character between two word characters: a word deliberately broken up.
const INVISIBLE_INSIDE_WORD =
  /[\p{L}\p{N}][\u00AD\u200B-\u200F\u2060-\u2064\uFEFF\u{E0000}-\u{E007F}]+[\p{L}\p{N}]/gu;
const TAG_RUN = /[\u{E0020}-\u{E007E}]{3,}/gu;
const VARIATION_RUN = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{4,}/gu;
const NON_ASCII = /[\u0080-\uFFFF]/;
const COMBINING_MARK = /\p{Mn}+/gu;
// Runs of horizontal space that are not already one plain space (a lone space is left alone, so
// ordinary text is not rebuilt).
const HORIZONTAL_SPACE = /[^\S\n]{2,}|[^\S\n ]/g;
const CRLF = /\r\n?/g;
const LATIN_LETTER = /[A-Za-z]/g;
const LOOKALIKE_SCRIPT = /[\u0370-\u03FF\u0400-\u04FF\u0500-\u052F]/g;
// A word mixes scripts when it has Latin letters and lookalike letters (Greek, Cyrillic, IPA,
// small capitals, dotless ı). Words are found first and each tested once: a lookahead pattern over
// the letters rescans the rest of a word from every position, which is quadratic in scripts
// written without spaces (100 KB of Chinese took 100 s).
const LETTER_RUN = /\p{L}{2,}/gu;
const LATIN_IN_WORD = /[A-Za-z]/;
const LOOKALIKE_IN_WORD = /[\u0370-\u03FF\u0400-\u052F\u0250-\u02AF\u1D00-\u1D2B\u0131]/;
// Turkish and Azerbaijani write the dotless ı as a letter of their own: in a text with their other
// letters (ğ, ş, İ, ə) it is no lookalike, so it does not count as mixing scripts there.
const TURKIC_LETTER = /[ğĞşŞİə]/;
const LOOKALIKE_IN_TURKIC_WORD = /[\u0370-\u03FF\u0400-\u052F\u0250-\u02AF\u1D00-\u1D2B]/;

function countMixedScriptWords(text: string): number {
  const lookalike = TURKIC_LETTER.test(text) ? LOOKALIKE_IN_TURKIC_WORD : LOOKALIKE_IN_WORD;
  let n = 0;
  for (const m of text.matchAll(LETTER_RUN)) {
    if (LATIN_IN_WORD.test(m[0]) && lookalike.test(m[0])) n++;
  }
  return n;
}
// Tokens where a leet character touches a letter; others are never rewritten.
const LEET_TOKEN = /[a-z0-9$]*(?:[a-z][013457$]|[013457$][a-z])[a-z0-9$]*/gi;
// Cheap pre-check for LEET_TOKEN, whose leading star makes a full scan slow.
const LEET_HINT = /[a-z][013457$]|[013457$][a-z]/i;
/** Longer tokens with digits are identifiers, hashes or base64, not leetspeak words. */
const MAX_LEET_TOKEN = 20;
const LEET_MAP: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  $: 's',
};
const LEET_REPLACE = /[013457$]/g;
// Four or more single letters separated by single spaces or dots: "i g n o r e", "s.y.s.t.e.m".
const SPACED_LETTERS = /(?<![\p{L}\p{N}])(?:\p{L}[ .\-_*]){3,}\p{L}(?![\p{L}\p{N}])/gu;
const SPACED_SEPARATORS = /[ .\-_*]/g;
const NOT_ALNUM = /[^a-z0-9]+/g;

function decodeTagRun(run: string): string {
  let out = '';
  for (const ch of run) out += String.fromCharCode((ch.codePointAt(0) ?? 0xe0020) - 0xe0000);
  return out;
}

// "Emoji smuggling" (Paul Butler, 2025): one byte per variation selector, VS1-16 = 0-15,
// VS17-256 = 16-255, usually appended to an emoji. Decoded as UTF-8.
function decodeVariationRun(run: string): string {
  const bytes: number[] = [];
  for (const ch of run) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes.push(cp <= 0xfe0f ? cp - 0xfe00 : cp - 0xe0100 + 16);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Undoes leetspeak ("1gn0r3" -> "ignore"); undefined when no token looks deliberately leeted. */
function undoLeet(text: string): string | undefined {
  if (!LEET_HINT.test(text)) return undefined;
  let strong = false;
  const out = text.replace(LEET_TOKEN, (token) => {
    if (token.length > MAX_LEET_TOKEN) return token;
    let letters = 0;
    let leet = 0;
    for (let i = 0; i < token.length; i++) {
      const c = token.charCodeAt(i) | 0x20;
      if (c >= 0x61 && c <= 0x7a) letters++;
      else if (LEET_MAP[token[i] ?? ''] !== undefined) leet++;
    }
    // "h2o", "mp3", "ipv4", "x86" stay: a leetspeak word is mostly letters with several digits
    // mixed in, or one digit inside a longer word.
    if (letters < 2 || letters < token.length / 3) return token;
    if (leet >= 2 || token.length >= 5) strong = true;
    return token.replace(LEET_REPLACE, (c) => LEET_MAP[c] ?? c);
  });
  return strong ? out : undefined;
}

/**
 * Folds a pattern or needle written as a language is spelt ("игнорируй", "bỏ qua", "忘れ",
 * "ลืม") the way {@link normaliseText} folds the text it will meet: compatibility forms
 * decomposed (NFKC's part), combining marks stripped, lower case. Rules and cues that read
 * normalised text compile their non-English sources through it.
 */
export function foldLikeNormalised(source: string): string {
  return source.normalize('NFKD').replace(COMBINING_MARK, '').normalize('NFC').toLowerCase();
}

function countMatches(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.test(text)) n++;
  return n;
}

/**
 * Normalises a text for detection, undoing the usual evasion tricks. Pure; regexes are compiled
 * once at module load.
 */
export function normaliseText(input: string): NormalisedText {
  const evasion: EvasionTechnique[] = [];
  const hidden: string[] = [];
  let text = input.replace(CRLF, '\n');

  if (NON_ASCII.test(text)) {
    for (const m of text.matchAll(TAG_RUN)) hidden.push(decodeTagRun(m[0]));
    if (hidden.length > 0) evasion.push('tag_smuggling');
    let variationRuns = 0;
    for (const m of text.matchAll(VARIATION_RUN)) {
      variationRuns++;
      const decoded = decodeVariationRun(m[0]);
      if (decoded.trim().length > 0) hidden.push(decoded);
    }
    if (variationRuns > 0) evasion.push('variation_selector_smuggling');
    if (countMatches(INVISIBLE_INSIDE_WORD, text) >= 2) evasion.push('invisible_characters');
    text = text.replace(INVISIBLE, '');
    const nfkc = text.normalize('NFKC');
    if (nfkc !== text) {
      evasion.push('fullwidth_or_compat');
      text = nfkc;
    }
    const latin = countMatches(LATIN_LETTER, text);
    const lookalike = countMatches(LOOKALIKE_SCRIPT, text);
    const mixedWords = countMixedScriptWords(text);
    // Map lookalikes when the text is mostly Latin, or words mix scripts (genuine Russian or Greek
    // prose is left alone).
    if (mixedWords > 0 || (lookalike > 0 && latin >= lookalike)) {
      const mapped = text.replace(CONFUSABLE_CHAR, (c) => CONFUSABLES.get(c) ?? c);
      if (mapped !== text && mixedWords > 0) evasion.push('homoglyphs');
      text = mapped;
    }
    text = text.normalize('NFD').replace(COMBINING_MARK, '').normalize('NFC');
  }
  text = text.replace(HORIZONTAL_SPACE, ' ');

  const variants: string[] = [];
  const deleet = undoLeet(text);
  if (deleet !== undefined && deleet !== text) {
    variants.push(deleet);
    evasion.push('leetspeak');
  }
  const joined = text.replace(SPACED_LETTERS, (m) => m.replace(SPACED_SEPARATORS, ''));
  if (joined !== text) {
    variants.push(joined);
    evasion.push('spaced_letters');
  }
  // Built on first use: only the compact rules read it, and not when an override rule already
  // fired on the plain reading (saves two string copies per attack-like text).
  let compact: string | undefined;
  const normalised = text;
  return {
    text,
    variants,
    get compact(): string {
      compact ??= normalised.toLowerCase().replace(NOT_ALNUM, '');
      return compact;
    },
    hidden,
    evasion,
  };
}
