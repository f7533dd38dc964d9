import type { SecuritySeverity } from '@llmtrace/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';
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
const CARD = /(?<![\w+-])\d(?:[ -]?\d){11,18}(?![\w-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const IPV4 =
  /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/g;
// A phone-shaped run: optional +CC, optional "(0)" trunk marker, optional (area), then 2-5 digit
// groups joined by space, dot, dash or slash (German "030/1234567"). The lookbehind and lookahead
// keep it out of versions, times, dates, IP addresses and longer identifiers.
const PHONE =
  /(?<![\w+/.:-])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(0\)[ ]?)?(?:\(\d{1,5}\)[ ./-]?)?\d{1,5}(?:(?: ?[./-] ?|[ ./-])?\d{2,5}){1,5}(?![\w]|[.:/-]\d)/g;
const IPV6_HINT = /[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:|::[0-9A-Fa-f]/;
const NON_DIGIT = /\D/g;
const SPACES = / /g;
// Every numeric detector needs two adjacent digits, or a dotted quad like "8.8.4.4".
const DIGIT_PAIR = /\d\d|\d\.\d/;
// Date and time shapes anywhere in a candidate: "2024-05-02 1430", "02.05.2024", "12/31/2023".
const DATE_SHAPE =
  /(?:^|\D)(?:(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)?\d\d|(?:0?[1-9]|1[0-2])\/(?:0?[1-9]|[12]\d|3[01])\/(?:19|20)?\d\d)(?:\D|$)/;
// A compact timestamp: 20240502, 202405021430, 1714650000 (Unix seconds, 2001-2033).
const TIMESTAMP_SHAPE =
  /^(?:(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{0,6}|1[0-9]\d{8})$/;
const HAS_SEPARATOR = /[ .()/-]/;
// US SSN layout (3-2-4): never taken for a phone, valid SSN or not.
const SSN_SHAPE = /^\d{3}-\d{2}-\d{4}$/;
// A dotted quad after these words (with at most one word between: "Update auf", "upgrade to") is
// a version number, not an address (en/de/fr/es).
const VERSION_BEFORE =
  /\b(?:version|versi[oó]n|ver|v|release|build|firmware|rev|update|upgrade|aktualisierung|mise à jour|actualizaci[oó]n)\.?(?:\s+\p{L}{1,5})?\s*$/iu;
// Words right before a number that make it an identifier, not a phone (en/de/fr/es), optionally
// followed by "number"/"n°"/"de"-style connectors: "Order 123", "Commande n° 123", "Número de
// cliente 123", "Seriennummer 123". German compounds are listed by their first part, so
// "Telefonnummer" and "Handynummer" are not identifiers.
// (Built once from parts; an identifier word may be followed by connectors and further identifier
// words: "código de confirmación es", "lottery numbers were".)
const ID_WORD = String.raw`(?:(?:orders?|invoice|tracking|track|parcel|package|shipment|delivery|ref|reference|ticket|case|account|acct|customer|client|sku|serial|s\/n|part|item|article|model|isbn|ean|version|build|po|transaction|txn|confirmation|booking|reservation|confirmaci[oó]n|meter|reading|z[äa]hlerstand|contador|lectura|compteur|relev[ée]|index|pid|ups|dhl|fedex|usps|gls|dpd|hermes|colissimo|chronopost|seur|correos|mrw|policy|claim|member(?:ship)?|patient|contract|batch|lot|lote|rma|code|c[oó]digo|pin|otp|lottery|lotto|loter[ií]a|id|no|nr|commande|facture|suivi|colis|dossier|s[ée]rie|r[ée]f[ée]rence|r[ée]f|contrat|adh[ée]rent|sinistre|pedido|factura|seguimiento|env[ií]o|referencia|art[ií]culo|cliente|expediente|paquete|contrato|albar[aá]n|p[oó]liza|localizador|reserva|aktenzeichen|az|sendung|bestellung|rechnung|auftrag|vorgang)(?![\p{L}])|(?:bestell|rechnungs|sendungs|kunden|auftrags|vorgangs|serien|artikel|referenz|vertrags|konto|versicherungs|mitglieds|paket|lieferschein|beleg|buchungs|best[äa]tigungs|tracking|ticket|retour|lotto)\p{L}*|n[°º]|n\.º|#)\.?`;
const ID_CONNECTOR = String.raw`(?:n[°º]|n\.º|no|nr|num|number|nummer|num[ée]ro|n[úu]mero|de|du|del|of|is|ist|est|es|lautet|the|la|le|el|numbers|were|was|war|waren|lauten|sont|[ée]tait|son|era|eran|fueron)\.?(?![\p{L}])`;
const ID_BEFORE = new RegExp(
  String.raw`(?<![\p{L}\d])${ID_WORD}(?:[\s:#.-]{1,3}(?:${ID_CONNECTOR}|${ID_WORD}))*[\s:#.,=-]{0,12}$`,
  'iu',
);
// Words near a number that say it is a phone (en/de/fr/es/it).
const PHONE_CONTEXT =
  /(?<![\p{L}\d])(?:(?:my|your|our|his|her|their|mi|su|tu|mon|ton|son|votre|notre|leur|meine?|deine?|seine?|unsere?|ihre?) (?:number|n[úu]mero|num[ée]ro|nummer)|phone|tel\b|tel\.|telephone|call|mobile|cell|fax|whatsapp|sms|text me|contact|reach|ring|dial|hotline|telefon\w*|handy|rufnummer|mobil\w*|anruf\w*|ruf\b|t[eé]l[eé]phone|t[eé]l\b|t[eé]l\.|portable|fixe|joignable|erreichbar|festnetz\w*|anschluss|contactar|kontakt\w*|notfallkontakt|r[üu]ckruf\w*|appel\w*|joindre|tel[eé]fono|m[oó]vil|fijo|llam\w*|cellulare|chiama\w*)/iu;
// The rest of an IBAN (valid or not) before a digit group: "GB06 GIAI 0657 …" is not a phone.
const IBAN_BEFORE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4})* ?$/;
// A code token right before ("1Z 999 AA1 01 2345 6784"): the digits continue an identifier.
const CODE_TOKEN_BEFORE = /(?:^|\s)(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{2,} $/;
// "app[507-626-5828]": a process id or index in brackets after a name.
const SUBSCRIPT_BEFORE = /\w\[$/;
// Dotted national numbers are written in pairs (France, Belgium) or 3.3.4 (North America);
// "144.543.779" or "02.543.13.98" are identifiers.
const DOTTED_PHONE = /^(?:\d{2}(?:\.\d{2}){3,4}|\(?\d{3}\)?\.\d{3}\.\d{4})$/;
// A quantity, not a phone: "762-737-9679 kWh", "41 668 445 89 €".
const UNIT_AFTER =
  /^\s?(?:kwh|kw|wh|kg|km|cm|mm|ml|m³|m²|€|eur|euros?|\$|usd|chf|gbp|£|%|ms|sec|min|mb|gb|kb|tb|px|pts?|points?|units?|st[üu]ck|pcs|items?)(?![\p{L}])/iu;
// French numbers in dashed pairs ("06-05-83-42-96") contain date-shaped runs; they are phones.
const FRENCH_PAIRS = /^0[1-9](?:[ .-]\d{2}){4}$/;
// Words around a dotted quad that make it a release number; IP words win over them.
const VERSION_CONTEXT =
  /(?<![\p{L}])(?:version|versi[oó]n|actualizaci[oó]n|aktualisierung|mise à jour|releases?|released|build|firmware|update|upgrade|patch|fixed in|behoben|corrig[ée]|corregido|ver[öo]ffentlicht|publi[ée]e?|publicado|lanzad[oa]|ausgerollt|d[ée]ploy[ée]e?|desplegad[oa]|deployed|rolled out|tagged|changelog|v\d+\.\d+)(?![\p{L}])/giu;
const IP_CONTEXT =
  /(?<![\p{L}])(?:ips?|address|adresse|direcci[oó]n|server|serveur|servidor|host|hostname|from|von|desde|depuis|subnet|gateway|dns|proxy|firewall|vpn|ping|ssh|router|client)(?![\p{L}])/giu;
// "myimage:1.2.3.4" is an image tag, "requests==1.2.3.4" and "pkg@1.2.3.4" are pinned versions.
const TAG_BEFORE = /[\w.-](?::|==|@)$/;
const GROUP_SEPARATOR = /[ ./)-]/;
const OPEN_PAREN = /^\(/;

/** How close a dotted quad must follow a release number to be read as one. */
const VERSION_CHAIN_CHARS = 12;

/** End offset of the last match of a global regex in `s`, or -1. */
function lastMatchEnd(re: RegExp, s: string): number {
  let end = -1;
  for (const m of s.matchAll(re)) end = m.index + m[0].length;
  return end;
}

/** The first digit group as written: "(030) 1234" → "030". */
function firstGroup(s: string): string {
  return s.replace(OPEN_PAREN, '').split(GROUP_SEPARATOR)[0] ?? '';
}

/** Characters before an identifier word in which a phone word still wins ("phone number: …"). */
const PHONE_WORD_WINDOW = 12;
// Region hints for numbers written without "+": which country's national format to try first.
const GERMAN_HINT =
  /\b(?:und|der|die|das|bitte|ich|mich|mir|meine|ruf|sie|erreichen|nicht|mit|f[uü]r|unter|erreichbar|telefon)\b/i;
const FRENCH_HINT = /\b(?:et|le|la|les|je|vous|pour|avec|merci|t[eé]l[eé]phone|appelez)\b/i;
const SPANISH_HINT = /\b(?:y|el|los|las|por favor|llame|llamar|tel[eé]fono|gracias)\b/i;
/** Context looked at before a candidate, in characters. */
const CONTEXT_CHARS = 40;

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
    if (overlaps(out, m.index, m.index + raw.length)) continue;
    // A tracking or order number passes Luhn one time in ten: trust the words before it.
    const before = text.slice(Math.max(0, m.index - CONTEXT_CHARS), m.index);
    if (ID_BEFORE.test(before) || IBAN_BEFORE.test(before)) continue;
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
    // "from 5.18.2.23 to 5.19.0.1": a dotted quad right after a release number is one too.
    let versionEnd = -1;
    for (const m of text.matchAll(IPV4)) {
      const before = text.slice(Math.max(0, m.index - CONTEXT_CHARS), m.index);
      if (ID_BEFORE.test(before)) continue;
      // The nearer word decides: "requests from 1.2.3.4" is an address, "upgrade from 1.2.3.4"
      // and "update auf 1.2.3.4" are releases.
      const ipAt = lastMatchEnd(IP_CONTEXT, before);
      if (TAG_BEFORE.test(before) && ipAt < 0) continue;
      if (
        VERSION_BEFORE.test(before) ||
        lastMatchEnd(VERSION_CONTEXT, before) > ipAt ||
        (versionEnd >= 0 && m.index - versionEnd < VERSION_CHAIN_CHARS)
      ) {
        versionEnd = m.index + m[0].length;
        continue;
      }
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

/** Countries suggested by the text's language, tried first for a number without "+". */
function languageHints(text: string): CountryCode[] {
  const hinted: CountryCode[] = [];
  if (GERMAN_HINT.test(text)) hinted.push('DE');
  if (FRENCH_HINT.test(text)) hinted.push('FR');
  if (SPANISH_HINT.test(text)) hinted.push('ES');
  return hinted;
}

// A leading 0 is a trunk prefix (Europe, UK); North American numbers never start with 0 or 1.
const TRUNK_REGIONS: readonly CountryCode[] = ['GB', 'DE', 'FR', 'IT', 'NL', 'AT', 'CH', 'BE'];
const NO_TRUNK_REGIONS: readonly CountryCode[] = ['US', 'ES', 'IT'];

function findPhones(text: string, out: PiiMatch[]): void {
  let hints: CountryCode[] | undefined;
  for (const m of text.matchAll(PHONE)) {
    const raw = m[0];
    const international = raw.startsWith('+');
    const digits = raw.replace(NON_DIGIT, '');
    if (digits.length < 8 || digits.length > 15) continue;
    if (!FRENCH_PAIRS.test(raw) && DATE_SHAPE.test(raw)) continue;
    // A compact timestamp is one unbroken run; "202-906-0603" only looks like 2029-06-06.
    if ((raw === digits && TIMESTAMP_SHAPE.test(digits)) || SSN_SHAPE.test(raw)) continue;
    if (UNIT_AFTER.test(text.slice(m.index + raw.length, m.index + raw.length + 8))) continue;
    if (overlaps(out, m.index, m.index + raw.length)) continue;
    if (raw.includes('.') && !international && !DOTTED_PHONE.test(raw)) continue;
    const before = text.slice(Math.max(0, m.index - CONTEXT_CHARS), m.index);
    if (IBAN_BEFORE.test(before) || CODE_TOKEN_BEFORE.test(before) || SUBSCRIPT_BEFORE.test(before))
      continue;
    // "Order 123-456-7890", "Sendungsnummer 0034 5678 9012": an identifier, unless a phone word
    // sits right before the identifier word ("customer phone number: …").
    const id = ID_BEFORE.exec(before);
    if (id !== null) {
      const window = before.slice(Math.max(0, id.index - PHONE_WORD_WINDOW), id.index);
      if (!PHONE_CONTEXT.test(window)) continue;
    }
    const phoneWords = PHONE_CONTEXT.test(before);
    let phone: PhoneNumber | undefined;
    // "0033 6 12 34 56 78": 00 is the international call prefix in Europe.
    const dialled = digits.startsWith('00') && digits[2] !== '0' ? `+${raw.slice(2)}` : undefined;
    if (international || dialled !== undefined) {
      phone = parsePhoneNumberFromString(dialled ?? raw);
      if (phone?.isValid() !== true) continue;
    } else {
      // Without "+", a number must be written like one (separators) or be called one, and have
      // a full national length: bare digit runs are IDs far more often than phones.
      if (digits.length < 9 || (!HAS_SEPARATOR.test(raw) && !phoneWords)) continue;
      hints ??= languageHints(text);
      const regions = [...hints, ...(digits.startsWith('0') ? TRUNK_REGIONS : NO_TRUNK_REGIONS)];
      // Not called a phone, it must also start with the area code as the country writes it
      // ("030 …", "0151-…", "612 …", "(202) …"): "7274 4542 21" or "0458-749882" are identifiers
      // that happen to be valid numbers somewhere.
      const lead = firstGroup(raw);
      for (const region of regions) {
        const candidate = parsePhoneNumberFromString(raw, region);
        if (candidate?.isValid() !== true) continue;
        if (phoneWords || firstGroup(candidate.formatNational()).startsWith(lead)) {
          phone = candidate;
          break;
        }
      }
      if (phone === undefined) continue;
    }
    out.push({
      kind: 'phone',
      start: m.index,
      end: m.index + raw.length,
      value: raw,
      severity: 'medium',
      confidence: international ? 0.9 : phoneWords ? 0.85 : 0.7,
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
