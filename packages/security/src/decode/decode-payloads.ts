import { looksLikeText } from './looks-like-text.js';

/** How a payload was hidden. */
export type PayloadEncoding = 'base64' | 'hex' | 'url' | 'rot13' | 'reversed';

/** A payload found inside a text and decoded. */
export interface DecodedPayload {
  readonly encoding: PayloadEncoding;
  readonly text: string;
  /** Offsets of the encoded form in the scanned text (whole text for rot13 / reversed). */
  readonly start: number;
  readonly end: number;
}

const MAX_CANDIDATES = 16;
const MAX_CANDIDATE_LENGTH = 16_384;
const BASE64_CANDIDATE = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const BASE64_NEEDS = /[0-9+/=_-]|[a-z][A-Z]|[A-Z][a-z]{0,2}[A-Z]/;
const HEX_CANDIDATE = /(?<![0-9A-Za-z])(?:0x)?(?:[0-9A-Fa-f]{2}[ :]?){8,}(?![0-9A-Za-z])/g;
const HEX_ESCAPES = /(?:\\x[0-9A-Fa-f]{2}){4,}/g;
const HEX_DIGITS = /[0-9A-Fa-f]{2}/g;
const HEX_NOISE = /0x|\\x|[ :]/g;
const URL_CANDIDATE = /\S*%[0-9A-Fa-f]{2}\S*/g;
const URL_ESCAPE = /%([0-9A-Fa-f]{2})/g;
const DASH = /-/g;
const UNDERSCORE = /_/g;
// Words an instruction-style payload almost always contains; used to decide whether a rot13 or
// reversed reading is worth analysing (a bare letter shift cannot be recognised otherwise).
const PAYLOAD_WORDS =
  /\b(?:ignore|instructions?|previous|prompt|system|disregard|reveal|password|forget|override|secret|jailbreak|bypass|rules|admin|restrictions|pretend)\b/gi;

function countWords(text: string): number {
  PAYLOAD_WORDS.lastIndex = 0;
  let n = 0;
  // test() advances lastIndex like exec() without building a match array.
  while (PAYLOAD_WORDS.test(text)) n++;
  return n;
}

// Texts longer than this are not tried as rot13 / reversed: an attack hidden that way is short, and
// the check costs a copy of the text.
const MAX_SHIFT_CHECK = 8192;

function rot13(text: string): string {
  // UTF-16 code units: only ASCII letters change, so the rest round-trips untouched.
  const buf = Buffer.from(text, 'utf16le');
  for (let i = 0; i < buf.length; i += 2) {
    if (buf[i + 1] !== 0) continue;
    const c = buf[i] ?? 0;
    if (c >= 65 && c <= 90) buf[i] = ((c - 65 + 13) % 26) + 65;
    else if (c >= 97 && c <= 122) buf[i] = ((c - 97 + 13) % 26) + 97;
  }
  return buf.toString('utf16le');
}

/** The text backwards by code point (surrogate pairs kept in order), in one buffer pass. */
function reverseText(text: string): string {
  const n = text.length;
  const buf = Buffer.allocUnsafe(n * 2);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let o = (n - 1 - i) * 2;
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      // A pair lands as high, low at the mirrored position of its low half.
      o -= 2;
      buf[o + 2] = next & 0xff;
      buf[o + 3] = next >>> 8;
      i++;
    }
    buf[o] = c & 0xff;
    buf[o + 1] = c >>> 8;
  }
  return buf.toString('utf16le');
}

function decodeBase64(s: string): string | undefined {
  if (!BASE64_NEEDS.test(s)) return undefined;
  const b64 = s.replace(DASH, '+').replace(UNDERSCORE, '/');
  const decoded = Buffer.from(b64, 'base64').toString('utf8');
  return looksLikeText(decoded) ? decoded : undefined;
}

function decodeHex(s: string): string | undefined {
  const digits = s.replace(HEX_NOISE, '').match(HEX_DIGITS);
  if (digits === null) return undefined;
  const decoded = Buffer.from(digits.join(''), 'hex').toString('utf8');
  return looksLikeText(decoded) ? decoded : undefined;
}

function decodeUrl(s: string): string | undefined {
  let escapes = 0;
  const bytes = s.replace(URL_ESCAPE, (_m, hex: string) => {
    escapes++;
    return String.fromCharCode(parseInt(hex, 16));
  });
  if (escapes < 3) return undefined;
  const decoded = Buffer.from(bytes, 'latin1').toString('utf8');
  return looksLikeText(decoded) ? decoded : undefined;
}

function scan(
  text: string,
  re: RegExp,
  encoding: PayloadEncoding,
  decode: (s: string) => string | undefined,
  out: DecodedPayload[],
): void {
  re.lastIndex = 0;
  let seen = 0;
  for (let m = re.exec(text); m !== null && seen < MAX_CANDIDATES; m = re.exec(text)) {
    seen++;
    if (m[0].length > MAX_CANDIDATE_LENGTH) continue;
    const decoded = decode(m[0]);
    if (decoded !== undefined) {
      out.push({ encoding, text: decoded, start: m.index, end: m.index + m[0].length });
    }
  }
}

/**
 * Finds base64, hex, URL-encoded, rot13 and reversed payloads in a text and decodes the ones that
 * read as text. Pure; at most a fixed number of candidates per encoding is examined.
 */
export function decodePayloads(text: string): DecodedPayload[] {
  const out: DecodedPayload[] = [];
  scan(text, BASE64_CANDIDATE, 'base64', decodeBase64, out);
  scan(text, HEX_CANDIDATE, 'hex', decodeHex, out);
  scan(text, HEX_ESCAPES, 'hex', decodeHex, out);
  if (text.includes('%')) scan(text, URL_CANDIDATE, 'url', decodeUrl, out);
  const plainHits = countWords(text);
  if (plainHits < 2 && text.length <= MAX_SHIFT_CHECK) {
    const rotated = rot13(text);
    if (countWords(rotated) >= 2) {
      out.push({ encoding: 'rot13', text: rotated, start: 0, end: text.length });
    }
    const reversed = reverseText(text);
    if (countWords(reversed) >= 2) {
      out.push({ encoding: 'reversed', text: reversed, start: 0, end: text.length });
    }
  }
  return out;
}
