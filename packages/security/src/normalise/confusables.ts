/**
 * Cyrillic, Greek and Latin-extended letters that render like a Latin letter, mapped to that letter.
 * A subset of Unicode's confusables.txt (UTS #39), limited to the lookalikes used in homoglyph
 * evasion of English prompts; uppercase forms map to lowercase because detection is case-blind.
 */
const PAIRS: readonly (readonly [string, string])[] = [
  // Cyrillic lowercase
  ['а', 'a'], ['в', 'b'], ['е', 'e'], ['ё', 'e'], ['к', 'k'], ['м', 'm'], ['н', 'h'], ['о', 'o'],
  ['р', 'p'], ['с', 'c'], ['т', 't'], ['у', 'y'], ['х', 'x'], ['і', 'i'], ['ї', 'i'], ['ј', 'j'],
  ['ѕ', 's'], ['ԁ', 'd'], ['ԛ', 'q'], ['ԝ', 'w'], ['ӏ', 'l'], ['һ', 'h'], ['ь', 'b'], ['п', 'n'],
  ['г', 'r'], ['ц', 'u'], ['д', 'd'], ['з', '3'],
  // Cyrillic uppercase
  ['А', 'a'], ['В', 'b'], ['Е', 'e'], ['К', 'k'], ['М', 'm'], ['Н', 'h'], ['О', 'o'], ['Р', 'p'],
  ['С', 'c'], ['Т', 't'], ['У', 'y'], ['Х', 'x'], ['І', 'i'], ['Ј', 'j'], ['Ѕ', 's'], ['Ӏ', 'l'],
  ['Ԁ', 'd'], ['Ԛ', 'q'], ['Ԝ', 'w'],
  // Greek
  ['α', 'a'], ['β', 'b'], ['γ', 'y'], ['ε', 'e'], ['η', 'n'], ['ι', 'i'], ['κ', 'k'], ['ν', 'v'],
  ['ο', 'o'], ['ρ', 'p'], ['τ', 't'], ['υ', 'u'], ['χ', 'x'], ['ω', 'w'], ['ς', 'c'],
  ['Α', 'a'], ['Β', 'b'], ['Ε', 'e'], ['Ζ', 'z'], ['Η', 'h'], ['Ι', 'i'], ['Κ', 'k'], ['Μ', 'm'],
  ['Ν', 'n'], ['Ο', 'o'], ['Ρ', 'p'], ['Τ', 't'], ['Υ', 'y'], ['Χ', 'x'],
  // Latin extensions and IPA
  ['ı', 'i'], ['ɩ', 'i'], ['ɑ', 'a'], ['ɡ', 'g'], ['ɢ', 'g'], ['ʜ', 'h'], ['ɪ', 'i'], ['ʟ', 'l'],
  ['ɴ', 'n'], ['ʀ', 'r'], ['ʏ', 'y'], ['ᴀ', 'a'], ['ᴄ', 'c'], ['ᴅ', 'd'], ['ᴇ', 'e'], ['ᴋ', 'k'],
  ['ᴍ', 'm'], ['ᴏ', 'o'], ['ᴘ', 'p'], ['ᴛ', 't'], ['ᴜ', 'u'], ['ᴠ', 'v'], ['ᴡ', 'w'], ['ᴢ', 'z'],
  ['ł', 'l'], ['ø', 'o'], ['đ', 'd'], ['ħ', 'h'],
];

/** Lookalike letter → Latin letter (frozen). */
export const CONFUSABLES: ReadonlyMap<string, string> = new Map(PAIRS);

/** Matches any character that has an entry in {@link CONFUSABLES}. */
export const CONFUSABLE_CHAR = new RegExp(`[${PAIRS.map(([from]) => from).join('')}]`, 'g');
