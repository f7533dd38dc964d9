import type { SecuritySeverity } from '@llmtrace/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { cardIssuer } from './card-number.js';
import { isValidEmail } from './email-address.js';
import { ibanLength, isValidIban } from './iban.js';
import { classifyIp } from './ip-address.js';
import { isValidSsn } from './ssn.js';

/** Kinds of personal data detected. */
export type PiiKind = 'email' | 'phone' | 'ssn' | 'credit_card' | 'iban' | 'ip_address';

/** One validated piece of personal data in a text (offsets in that text, end exclusive). */
export interface PiiMatch {
  readonly kind: PiiKind;
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly severity: SecuritySeverity;
  readonly confidence: number;
  /** Extra facts that are safe to log (issuer, country, private/public), never the value. */
  readonly detail: Readonly<Record<string, string>>;
}

// Anchored: applied to the span around each "@" (scanning the whole text with an unanchored
// version backtracks on every word).
const EMAIL =
  /^[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}/;
const EMAIL_LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const SSN = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;
const SSN_CONTEXT =
  /\b(?:ssn|social security(?: number| no\.?)?|ss#)\b\D{0,20}(?<![\d-])(\d{9})(?!\d)/gi;
const CARD = /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const IPV4 =
  /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/g;
const PHONE =
  /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,5}){1,4}(?![\w])/g;
const IPV6_HINT = /[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:|::[0-9A-Fa-f]/;
const NON_DIGIT = /\D/g;
const SPACES = / /g;
const DIGIT_PAIR = /\d\d/;
const DATE_LIKE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/;
const HAS_SEPARATOR = /[ .()-]/;

function overlaps(taken: readonly PiiMatch[], start: number, end: number): boolean {
  return taken.some((m) => start < m.end && end > m.start);
}

function findEmails(text: string, out: PiiMatch[]): void {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && EMAIL_LOCAL_CHAR.test(text[start - 1] ?? '')) start--;
    if (start === at) continue;
    const m = EMAIL.exec(text.slice(start, at + 256));
    if (m === null || !isValidEmail(m[0])) continue;
    out.push({
      kind: 'email',
      start,
      end: start + m[0].length,
      value: m[0],
      severity: 'medium',
      confidence: 0.95,
      detail: {},
    });
  }
}

function findCards(text: string, out: PiiMatch[]): void {
  for (const m of text.matchAll(CARD)) {
    const raw = m[0];
    // One separator style throughout: "4111 1111 1111 1111" or "4111-1111-..." or none.
    if (raw.includes(' ') && raw.includes('-')) continue;
    const digits = raw.replace(NON_DIGIT, '');
    const issuer = cardIssuer(digits);
    if (issuer === undefined) continue;
    out.push({
      kind: 'credit_card',
      start: m.index,
      end: m.index + raw.length,
      value: raw,
      severity: 'high',
      confidence: 0.9,
      detail: { issuer },
    });
  }
}

function findSsns(text: string, out: PiiMatch[]): void {
  for (const m of text.matchAll(SSN)) {
    const digits = `${m[1] ?? ''}${m[3] ?? ''}${m[4] ?? ''}`;
    if (!isValidSsn(digits) || overlaps(out, m.index, m.index + m[0].length)) continue;
    out.push({
      kind: 'ssn',
      start: m.index,
      end: m.index + m[0].length,
      value: m[0],
      severity: 'high',
      confidence: m[2] === '-' ? 0.85 : 0.6,
      detail: {},
    });
  }
  // Unformatted nine digits only count next to the words "SSN" / "social security".
  for (const m of text.matchAll(SSN_CONTEXT)) {
    const digits = m[1] ?? '';
    const start = m.index + m[0].length - digits.length;
    if (!isValidSsn(digits) || overlaps(out, start, start + 9)) continue;
    out.push({
      kind: 'ssn',
      start,
      end: start + 9,
      value: digits,
      severity: 'high',
      confidence: 0.8,
      detail: {},
    });
  }
}

function findIbans(text: string, out: PiiMatch[]): void {
  for (const m of text.matchAll(IBAN)) {
    const compact = m[0].replace(SPACES, '');
    const len = ibanLength(compact.slice(0, 2));
    if (len === undefined || compact.length < len) continue;
    const iban = compact.slice(0, len);
    if (!isValidIban(iban)) continue;
    // Map the IBAN's last character back to an offset in the spaced original.
    let seen = 0;
    let end = m.index;
    for (const ch of m[0]) {
      end++;
      if (ch !== ' ' && ++seen === len) break;
    }
    out.push({
      kind: 'iban',
      start: m.index,
      end,
      value: text.slice(m.index, end),
      severity: 'high',
      confidence: 0.95,
      detail: { country: iban.slice(0, 2) },
    });
  }
}

function findIps(text: string, out: PiiMatch[]): void {
  if (text.includes('.')) {
    for (const m of text.matchAll(IPV4)) {
      const kind = classifyIp(m[0]);
      if (kind === undefined || overlaps(out, m.index, m.index + m[0].length)) continue;
      out.push({
        kind: 'ip_address',
        start: m.index,
        end: m.index + m[0].length,
        value: m[0],
        severity: kind === 'public' ? 'low' : 'info',
        confidence: 0.9,
        detail: { scope: kind, version: '4' },
      });
    }
  }
  if (IPV6_HINT.test(text)) {
    for (const m of text.matchAll(IPV6)) {
      const kind = classifyIp(m[0]);
      if (kind === undefined || overlaps(out, m.index, m.index + m[0].length)) continue;
      out.push({
        kind: 'ip_address',
        start: m.index,
        end: m.index + m[0].length,
        value: m[0],
        severity: kind === 'public' ? 'low' : 'info',
        confidence: 0.85,
        detail: { scope: kind, version: '6' },
      });
    }
  }
}

function findPhones(text: string, out: PiiMatch[]): void {
  for (const m of text.matchAll(PHONE)) {
    const raw = m[0];
    const international = raw.startsWith('+');
    const digits = raw.replace(NON_DIGIT, '');
    // Without "+" a number must be written like one (separators) and have a full national length,
    // so order numbers, timestamps and IDs are not taken for phones.
    if (!international && (!HAS_SEPARATOR.test(raw) || digits.length < 10)) continue;
    if (digits.length < 8 || digits.length > 15 || DATE_LIKE.test(raw)) continue;
    if (overlaps(out, m.index, m.index + raw.length)) continue;
    const phone = parsePhoneNumberFromString(raw, 'US');
    if (phone === undefined || !phone.isValid()) continue;
    out.push({
      kind: 'phone',
      start: m.index,
      end: m.index + raw.length,
      value: raw,
      severity: 'medium',
      confidence: international ? 0.9 : 0.8,
      detail: { country: phone.country ?? 'unknown' },
    });
  }
}

/**
 * Finds validated personal data: e-mail addresses, phone numbers (libphonenumber-js, full
 * metadata), US SSNs, payment cards (issuer + length + Luhn), IBANs (country length + mod 97) and
 * IP addresses. Matches are non-overlapping and sorted by offset.
 */
export function detectPii(text: string): PiiMatch[] {
  const out: PiiMatch[] = [];
  findEmails(text, out);
  if (DIGIT_PAIR.test(text)) {
    findIbans(text, out);
    findCards(text, out);
    findSsns(text, out);
    findIps(text, out);
    findPhones(text, out);
  }
  return out.sort((a, b) => a.start - b.start);
}
