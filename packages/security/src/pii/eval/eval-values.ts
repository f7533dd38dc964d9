import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import { ibanLength, isValidIban } from '../iban.js';
import { isLuhnValid } from '../luhn.js';
import type { RandomSource } from './random-source.js';

// Makers for the values the PII evaluation set puts into its sentences: real-shaped personal data
// (valid checksums, numbering plans) and look-alikes that share its shape but are not personal data.

/** Languages of the evaluation set. */
export type EvalLanguage = 'en' | 'de' | 'fr' | 'es';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = LOWER + UPPER + DIGITS;
const HEX = '0123456789abcdef';
const B64URL = ALNUM + '-_';

const FIRST: Readonly<Record<EvalLanguage, readonly string[]>> = {
  en: ['james', 'olivia', 'liam', 'emma', 'noah', 'ava', 'sophie', 'jack', 'grace', 'harry'],
  de: ['jonas', 'lena', 'lukas', 'anna', 'felix', 'marie', 'paul', 'sophie', 'jürgen', 'katrin'],
  fr: ['camille', 'louis', 'chloe', 'hugo', 'lea', 'arthur', 'manon', 'jules', 'ines', 'theo'],
  es: ['lucia', 'hugo', 'martina', 'mateo', 'sofia', 'pablo', 'carmen', 'alvaro', 'elena', 'diego'],
};
const LAST: Readonly<Record<EvalLanguage, readonly string[]>> = {
  en: ['smith', 'jones', 'taylor', 'brown', 'wilson', 'evans', 'walker', 'wright', 'clarke'],
  de: ['mueller', 'schmidt', 'schneider', 'fischer', 'weber', 'meyer', 'wagner', 'becker'],
  fr: ['martin', 'bernard', 'dubois', 'thomas', 'robert', 'richard', 'petit', 'durand'],
  es: ['garcia', 'rodriguez', 'gonzalez', 'fernandez', 'lopez', 'martinez', 'sanchez', 'perez'],
};
const DOMAINS: Readonly<Record<EvalLanguage, readonly string[]>> = {
  en: ['gmail.com', 'outlook.com', 'acme-corp.co.uk', 'yahoo.com', 'fastmail.fm', 'uni.ac.uk'],
  de: ['web.de', 'gmx.de', 't-online.de', 'firma-gmbh.de', 'posteo.de', 'stadtwerke.at'],
  fr: ['orange.fr', 'free.fr', 'laposte.net', 'societe.fr', 'sfr.fr', 'mairie-lyon.fr'],
  es: ['telefonica.es', 'gmail.com', 'hotmail.es', 'empresa.com.es', 'correo.es', 'uv.es'],
};

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

export function email(r: RandomSource, lang: EvalLanguage): string {
  const f = ascii(r.pick(FIRST[lang]));
  const l = r.pick(LAST[lang]);
  const local = r.pick([
    `${f}.${l}`,
    `${f[0] ?? 'x'}.${l}`,
    `${f}${l}${r.between(1, 99)}`,
    `${f}_${l}`,
    `${f}.${l}+${r.pick(['news', 'shop', 'work'])}`,
    `${l}.${f}`,
    `${f}${r.between(70, 99)}`,
  ]);
  return `${local}@${r.pick(DOMAINS[lang])}`;
}

// --- phones -------------------------------------------------------------------------------------

type PhoneShape = (r: RandomSource) => string;

const PHONE_SHAPES: Readonly<Record<string, readonly PhoneShape[]>> = {
  US: [
    (r) => `(${usArea(r)}) ${usExchange(r)}-${r.digits(4)}`,
    (r) => `${usArea(r)}-${usExchange(r)}-${r.digits(4)}`,
    (r) => `${usArea(r)}.${usExchange(r)}.${r.digits(4)}`,
    (r) => `+1 ${usArea(r)} ${usExchange(r)} ${r.digits(4)}`,
    (r) => `+1-${usArea(r)}-${usExchange(r)}-${r.digits(4)}`,
    (r) => `+1 (${usArea(r)}) ${usExchange(r)}-${r.digits(4)}`,
  ],
  GB: [
    (r) => `020 7${r.digits(3)} ${r.digits(4)}`,
    (r) => `07${r.pick(['4', '5', '7', '8', '9'])}${r.digits(2)} ${r.digits(6)}`,
    (r) => `+44 20 7${r.digits(3)} ${r.digits(4)}`,
    (r) => `+44 7${r.pick(['4', '5', '7', '8', '9'])}${r.digits(2)} ${r.digits(6)}`,
    (r) => `0161 ${r.between(2, 9)}${r.digits(2)} ${r.digits(4)}`,
    (r) =>
      `+44 (0)1${r.pick(['13', '17', '21', '31', '41'])} ${r.between(2, 9)}${r.digits(2)} ${r.digits(4)}`,
  ],
  DE: [
    (r) => `030 ${r.between(2, 9)}${r.digits(6)}`,
    (r) => `030/${r.between(2, 9)}${r.digits(7)}`,
    (r) => `089 ${r.between(2, 9)}${r.digits(5)}${r.chance(0.5) ? r.digits(1) : ''}`,
    (r) => `(040) ${r.between(2, 9)}${r.digits(6)}`,
    (r) => `0221-${r.between(2, 9)}${r.digits(5)}`,
    (r) => `069 ${r.between(2, 9)}${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    (r) => `017${r.pick(['1', '2', '4', '6', '8'])} ${r.digits(7)}`,
    (r) => `015${r.pick(['1', '2', '7', '9'])}-${r.digits(8)}`,
    (r) => `0160 ${r.digits(3)} ${r.digits(4)}`,
    (r) => `+49 30 ${r.between(2, 9)}${r.digits(7)}`,
    (r) => `+49 (0)30 ${r.between(2, 9)}${r.digits(6)}`,
    (r) => `+49 17${r.pick(['1', '2', '6'])} ${r.digits(7)}`,
    (r) => `+49 151 ${r.digits(8)}`,
    (r) => `+49-89-${r.between(2, 9)}${r.digits(6)}`,
    (r) => `0049 ${r.pick(['30', '40', '89'])} ${r.between(2, 9)}${r.digits(6)}`,
  ],
  AT: [(r) => `+43 1 ${r.between(2, 9)}${r.digits(6)}`, (r) => `0664 ${r.digits(7)}`],
  CH: [
    (r) => `+41 44 ${r.between(2, 9)}${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    (r) => `079 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  ],
  FR: [
    (r) => `0${r.pick(['6', '7'])} ${pairs(r, 4)}`,
    (r) => `0${r.between(1, 5)} ${pairs(r, 4)}`,
    (r) => `0${r.between(1, 7)}.${pairs(r, 4).replace(/ /g, '.')}`,
    (r) => `0${r.pick(['6', '7'])}-${pairs(r, 4).replace(/ /g, '-')}`,
    (r) => `0${r.pick(['1', '6'])}${pairs(r, 4).replace(/ /g, '')}`,
    (r) => `+33 ${r.pick(['6', '7'])} ${pairs(r, 4)}`,
    (r) => `+33 (0)${r.between(1, 5)} ${pairs(r, 4)}`,
    (r) => `+33${r.between(1, 7)}${pairs(r, 4).replace(/ /g, '')}`,
    (r) => `0033 ${r.pick(['1', '6'])} ${pairs(r, 4)}`,
  ],
  BE: [
    (r) =>
      `+32 4${r.pick(['7', '8', '9'])}${r.digits(1)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  ],
  ES: [
    (r) => `6${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    (r) => `6${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    (r) => `91 ${r.between(2, 7)}${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    (r) => `93 ${r.between(2, 7)}${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    (r) => `7${r.pick(['1', '2', '3', '4'])}${r.digits(1)}-${r.digits(3)}-${r.digits(3)}`,
    (r) => `+34 6${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    (r) => `+34 9${r.pick(['1', '3', '5', '6'])}${r.between(2, 7)} ${r.digits(3)} ${r.digits(3)}`,
    (r) => `+34 6${r.digits(8)}`,
    (r) => `0034 6${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  ],
};

const PHONE_COUNTRIES: Readonly<Record<EvalLanguage, readonly string[]>> = {
  en: ['US', 'US', 'US', 'GB', 'GB'],
  de: ['DE', 'DE', 'DE', 'DE', 'DE', 'AT', 'CH'],
  fr: ['FR', 'FR', 'FR', 'FR', 'FR', 'BE', 'CH'],
  es: ['ES'],
};

function usArea(r: RandomSource): string {
  return r.pick(['202', '212', '312', '415', '617', '646', '713', '206', '305', '512', '720']);
}

function usExchange(r: RandomSource): string {
  // N11 and 555 exchanges are service or fictional codes (NANP).
  for (;;) {
    const e = `${r.between(2, 9)}${r.digits(2)}`;
    if (e[1] !== '1' && e !== '555') return e;
  }
}

function pairs(r: RandomSource, n: number): string {
  return Array.from({ length: n }, () => r.digits(2)).join(' ');
}

/**
 * A phone number of a country the language suggests, in a national or international format that
 * people write; kept only if its digits form a number of that country's numbering plan.
 */
export function phone(r: RandomSource, lang: EvalLanguage): string {
  const country = r.pick(PHONE_COUNTRIES[lang]);
  const shapes = PHONE_SHAPES[country] ?? [];
  for (;;) {
    const raw = r.pick(shapes)(r);
    const normalised = raw.startsWith('00') ? `+${raw.slice(2)}` : raw;
    if (parsePhoneNumberFromString(normalised, country as CountryCode)?.isValid() === true)
      return raw;
  }
}

// --- cards and IBANs ----------------------------------------------------------------------------

function luhnComplete(body: string): string {
  for (let d = 0; d < 10; d++) if (isLuhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable: one check digit always completes a Luhn number');
}

function cardDigits(r: RandomSource): string {
  const kind = r.int(5);
  if (kind === 0) return luhnComplete(`37${r.digits(12)}`);
  if (kind === 1) return luhnComplete(`5${r.between(1, 5)}${r.digits(13)}`);
  if (kind === 2) return luhnComplete(`6011${r.digits(11)}`);
  return luhnComplete(`4${r.digits(14)}`);
}

function groupCard(digits: string, sep: string): string {
  if (digits.length === 15)
    return `${digits.slice(0, 4)}${sep}${digits.slice(4, 10)}${sep}${digits.slice(10)}`;
  return digits.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
}

export function card(r: RandomSource): string {
  return groupCard(cardDigits(r), r.pick([' ', ' ', '-', '']));
}

/** Card-shaped and from a real issuer range, but the Luhn check fails. */
export function badCard(r: RandomSource): string {
  const good = cardDigits(r);
  const last = Number(good.at(-1));
  const bad = `${good.slice(0, -1)}${(last + r.between(1, 9)) % 10}`;
  return groupCard(bad, r.pick([' ', '-', '']));
}

const IBAN_BBAN: Readonly<Record<string, (r: RandomSource) => string>> = {
  DE: (r) => r.digits(18),
  AT: (r) => r.digits(16),
  CH: (r) => r.digits(17),
  FR: (r) => `${r.digits(10)}${r.chars(DIGITS + UPPER, 11)}${r.digits(2)}`,
  BE: (r) => r.digits(12),
  ES: (r) => r.digits(20),
  GB: (r) => `${r.chars(UPPER, 4)}${r.digits(14)}`,
  IE: (r) => `${r.chars(UPPER, 4)}${r.digits(14)}`,
  IT: (r) => `${r.chars(UPPER, 1)}${r.digits(22)}`,
  NL: (r) => `${r.chars(UPPER, 4)}${r.digits(10)}`,
};
const IBAN_COUNTRIES: Readonly<Record<EvalLanguage, readonly string[]>> = {
  en: ['GB', 'GB', 'IE', 'NL', 'DE'],
  de: ['DE', 'DE', 'DE', 'AT', 'CH'],
  fr: ['FR', 'FR', 'FR', 'BE', 'CH'],
  es: ['ES', 'ES', 'ES', 'IT', 'FR'],
};

function ibanCompact(r: RandomSource, lang: EvalLanguage): string {
  const country = r.pick(IBAN_COUNTRIES[lang]);
  const bban = (IBAN_BBAN[country] ?? IBAN_BBAN.DE ?? ((x: RandomSource) => x.digits(18)))(r);
  for (let check = 2; check < 99; check++) {
    const iban = `${country}${String(check).padStart(2, '0')}${bban}`;
    if (isValidIban(iban)) return iban;
  }
  throw new Error('unreachable: exactly one check pair in 02..98 is valid');
}

function spaceIban(iban: string, r: RandomSource): string {
  return r.chance(0.6) ? iban.replace(/(.{4})(?=.)/g, '$1 ') : iban;
}

export function iban(r: RandomSource, lang: EvalLanguage): string {
  return spaceIban(ibanCompact(r, lang), r);
}

/** IBAN-shaped with a wrong check (one character changed) or a wrong length. */
export function badIban(r: RandomSource, lang: EvalLanguage): string {
  const good = ibanCompact(r, lang);
  if (r.chance(0.25)) {
    const len = ibanLength(good.slice(0, 2)) ?? good.length;
    return spaceIban(good.slice(0, len - r.between(1, 3)), r);
  }
  for (;;) {
    const i = r.between(4, good.length - 1);
    const c = good[i] ?? '0';
    const swapped = DIGITS.includes(c)
      ? String((Number(c) + r.between(1, 9)) % 10)
      : r.pick([...UPPER]);
    const bad = `${good.slice(0, i)}${swapped}${good.slice(i + 1)}`;
    if (!isValidIban(bad)) return spaceIban(bad, r);
  }
}

export function ssn(r: RandomSource): string {
  for (;;) {
    const area = r.between(1, 899);
    if (area === 666) continue;
    return `${String(area).padStart(3, '0')}-${String(r.between(1, 99)).padStart(2, '0')}-${String(r.between(1, 9999)).padStart(4, '0')}`;
  }
}

export function ipv4(r: RandomSource): string {
  if (r.chance(0.3))
    return r.pick([
      `10.${r.int(256)}.${r.int(256)}.${r.between(1, 254)}`,
      `192.168.${r.int(256)}.${r.between(1, 254)}`,
    ]);
  for (;;) {
    const a = r.between(11, 223);
    if (a === 127 || a === 172 || a === 192 || a === 169 || a === 100) continue;
    return `${a}.${r.int(256)}.${r.int(256)}.${r.between(1, 254)}`;
  }
}

export function ipv6(r: RandomSource): string {
  const g = (): string => r.chars(HEX, r.between(1, 4)).replace(/^0+(?=.)/, '');
  return r.pick([
    `2001:${g()}:${g()}:${g()}::${g()}`,
    `2a02:${g()}:${g()}:${g()}:${g()}:${g()}:${g()}:${g()}`,
    `fe80::${g()}:${g()}:${g()}:${g()}`,
  ]);
}

// --- secrets ------------------------------------------------------------------------------------

/** An API key or token in a vendor's documented format. */
export function vendorKey(r: RandomSource): string {
  return r.pick<() => string>([
    () => `sk-proj-${r.chars(B64URL, 48)}`,
    () => `sk-${r.chars(ALNUM, 20)}T3BlbkFJ${r.chars(ALNUM, 20)}`,
    () => `sk-ant-api03-${r.chars(B64URL, 93)}AA`,
    () => `AKIA${r.chars(UPPER + '234567', 16)}`,
    () => `ghp_${r.chars(ALNUM, 36)}`,
    () => `github_pat_11${r.chars(UPPER + DIGITS, 20)}_${r.chars(ALNUM, 59)}`,
    () => `xoxb-${r.digits(12)}-${r.digits(13)}-${r.chars(ALNUM, 24)}`,
    () => `sk_live_${r.chars(ALNUM, 24)}`,
    () => `AIza${r.chars(ALNUM + '-_', 35)}`,
    () => `glpat-${r.chars(ALNUM + '-_', 20)}`,
    () => `hf_${r.chars(ALNUM, 34)}`,
    () => `npm_${r.chars(ALNUM, 36)}`,
    () => `SG.${r.chars(ALNUM + '-_', 22)}.${r.chars(ALNUM + '-_', 43)}`,
    () => `shpat_${r.chars(HEX, 32)}`,
    () => `pypi-AgEIcHlwaS5vcmc${r.chars(B64URL, 60)}`,
    () => `dop_v1_${r.chars(HEX, 64)}`,
    () => `gsk_${r.chars(ALNUM, 52)}`,
    () => `SK${r.chars(HEX, 32)}`,
  ])();
}

const GENERIC_ALPHABETS = [ALNUM, ALNUM, HEX, `${ALNUM}-_`, `${ALNUM}+/`];

/** The value of a generic API key or token: random-looking, no vendor prefix. */
export function genericKeyValue(r: RandomSource): string {
  const alphabet = r.pick(GENERIC_ALPHABETS);
  for (;;) {
    const v = r.chars(alphabet, r.between(20, 48));
    // Mixed enough to be a credential and not, by chance, a word or a digit run.
    if (/\d/.test(v) && /[a-zA-Z]/.test(v))
      return r.chance(0.15) ? `${r.pick(['key-', 'live_', 'tok_', 'pk_'])}${v}` : v;
  }
}

// --- look-alikes --------------------------------------------------------------------------------

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function uuid(r: RandomSource): string {
  const s = `${r.chars(HEX, 8)}-${r.chars(HEX, 4)}-4${r.chars(HEX, 3)}-${r.pick(['8', '9', 'a', 'b'])}${r.chars(HEX, 3)}-${r.chars(HEX, 12)}`;
  return r.chance(0.2) ? s.toUpperCase() : s;
}

export function hexDigest(r: RandomSource): string {
  return r.chars(HEX, r.pick([32, 40, 64, 7, 12]));
}

export function isoTimestamp(r: RandomSource): string {
  const base = `20${pad2(r.between(15, 29))}-${pad2(r.between(1, 12))}-${pad2(r.between(1, 28))}`;
  const time = `${pad2(r.int(24))}:${pad2(r.int(60))}:${pad2(r.int(60))}`;
  return r.pick([
    `${base}T${time}Z`,
    `${base} ${time}`,
    `${base}T${time}.${r.digits(3)}+0${r.between(0, 2)}:00`,
    `${base} ${time.slice(0, 5)}`,
  ]);
}

export function localDate(r: RandomSource, lang: EvalLanguage): string {
  const d = r.between(1, 28);
  const m = r.between(1, 12);
  const y = r.between(2015, 2029);
  if (lang === 'en')
    return r.pick([`${m}/${d}/${y}`, `${pad2(m)}/${pad2(d)}/${y}`, `${y}-${pad2(m)}-${pad2(d)}`]);
  const sep = lang === 'de' ? '.' : r.pick(['/', '.', '-']);
  const date = `${pad2(d)}${sep}${pad2(m)}${sep}${y}`;
  return r.chance(0.5) ? `${date} ${pad2(r.int(24))}:${pad2(r.int(60))}` : date;
}

export function unixTime(r: RandomSource): string {
  const s = String(r.between(1_500_000_000, 1_900_000_000));
  return r.chance(0.4) ? `${s}${r.digits(3)}` : s;
}

export function compactTimestamp(r: RandomSource): string {
  const s = `20${pad2(r.between(15, 29))}${pad2(r.between(1, 12))}${pad2(r.between(1, 28))}`;
  return r.pick([
    s,
    `${s}${pad2(r.int(24))}${pad2(r.int(60))}`,
    `${s}-${pad2(r.int(24))}${pad2(r.int(60))}${pad2(r.int(60))}`,
    `${s}_${r.digits(6)}`,
  ]);
}

export function orderNumber(r: RandomSource): string {
  return r.pick([
    `${r.digits(3)}-${r.digits(3)}-${r.digits(4)}`,
    `${r.digits(4)} ${r.digits(4)} ${r.digits(2)}`,
    r.digits(r.between(9, 13)),
    `${r.between(100, 999)}-${r.digits(7)}-${r.digits(7)}`,
    `${r.digits(2)} ${r.digits(3)} ${r.digits(3)} ${r.digits(2)}`,
    `${r.digits(4)}-${r.digits(6)}`,
    `${r.digits(3)}.${r.digits(3)}.${r.digits(3)}`,
  ]);
}

export function trackingNumber(r: RandomSource): string {
  return r.pick([
    `1Z${r.chars(UPPER + DIGITS, 6)}${r.digits(10)}`,
    r.digits(r.between(12, 22)),
    `00${r.digits(18)}`,
    `JJD${r.digits(18)}`,
    `${r.chars(UPPER, 2)}${r.digits(9)}${r.pick(['DE', 'FR', 'ES', 'GB', 'US'])}`,
    `${r.digits(4)} ${r.digits(4)} ${r.digits(4)}`,
    `${r.digits(4)} ${r.digits(4)} ${r.digits(4)} ${r.digits(4)}`,
    `6A${r.digits(11)}`,
    `PQ${r.digits(2)}${r.chars(UPPER, 2)}${r.digits(12)}`,
  ]);
}

export function invoiceNumber(r: RandomSource): string {
  return r.pick([
    `INV-${r.between(2019, 2026)}-${r.digits(6)}`,
    `RE-${r.between(2019, 2026)}-${r.digits(4)}`,
    `F${r.between(2019, 2026)}${r.digits(5)}`,
    `${r.between(2019, 2026)}/${r.digits(5)}`,
    r.digits(r.between(8, 11)),
    `${r.digits(3)} ${r.digits(3)} ${r.digits(3)}`,
  ]);
}

export function version(r: RandomSource): string {
  return r.pick([
    `${r.between(1, 20)}.${r.int(30)}.${r.int(50)}`,
    `v${r.between(0, 9)}.${r.int(30)}.${r.int(50)}-rc.${r.between(1, 5)}`,
    `${r.between(1, 12)}.${r.int(10)}.${r.digits(5)}.${r.digits(4)}`,
    `${r.between(1, 5)}.${r.int(20)}.${r.int(20)}.${r.int(300)}`,
    `${r.between(2019, 2026)}.${r.between(1, 12)}.${r.int(9)}`,
  ]);
}

export function isbn(r: RandomSource): string {
  const body = `978${r.between(0, 3)}${r.digits(8)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  const check = (10 - (sum % 10)) % 10;
  const d = `${body}${check}`;
  return r.chance(0.6)
    ? `${d.slice(0, 3)}-${d.slice(3, 4)}-${d.slice(4, 7)}-${d.slice(7, 12)}-${d.slice(12)}`
    : d;
}

export function coordinates(r: RandomSource): string {
  const lat = (r.next() * 140 - 70).toFixed(r.between(4, 6));
  const lon = (r.next() * 340 - 170).toFixed(r.between(4, 6));
  return r.pick([`${lat}, ${lon}`, `${lat},${lon}`, `(${lat}; ${lon})`]);
}

export function price(r: RandomSource, lang: EvalLanguage): string {
  const whole = r.between(1, 99_999);
  const cents = r.digits(2);
  if (lang === 'en') return `$${whole.toLocaleString('en-US')}.${cents}`;
  const grouped = whole.toLocaleString('de-DE').replace(/\./g, lang === 'de' ? '.' : ' ');
  return `${grouped},${cents} €`;
}

export function productCode(r: RandomSource): string {
  return r.pick([
    `${r.chars(UPPER, 2)}-${r.digits(3)}-${r.digits(3)}-${r.digits(4)}`,
    `${r.digits(3)}-${r.digits(3)}-${r.digits(3)}`,
    `${r.chars(UPPER, 3)} ${r.digits(4)} ${r.digits(4)}`,
    `400${r.digits(10)}`,
    `${r.digits(2)}.${r.digits(3)}.${r.digits(2)}.${r.digits(2)}`,
    `${r.digits(4)}-${r.digits(4)}-${r.digits(4)}`,
  ]);
}

export function serialNumber(r: RandomSource): string {
  return r.pick([
    `${r.digits(4)}-${r.digits(4)}-${r.digits(4)}`,
    `${r.chars(UPPER, 2)}${r.digits(10)}`,
    `${r.digits(3)} ${r.digits(3)} ${r.digits(4)}`,
    `${r.chars(UPPER + DIGITS, 5)}-${r.chars(UPPER + DIGITS, 5)}-${r.chars(UPPER + DIGITS, 5)}`,
  ]);
}

export function duration(r: RandomSource): string {
  return r.pick([
    `${pad2(r.int(24))}:${pad2(r.int(60))}:${pad2(r.int(60))}.${r.digits(3)}`,
    `${r.digits(2)}:${pad2(r.int(60))}:${pad2(r.int(60))}`,
    `${r.between(1, 900)}.${r.digits(3)} ms`,
  ]);
}

/** What people paste instead of a key: placeholders, redactions and environment lookups. */
export function placeholderKey(r: RandomSource): string {
  return r.pick([
    'YOUR_API_KEY',
    '<your-api-key>',
    '${OPENAI_API_KEY}',
    'sk-...',
    '********',
    'xxxxxxxxxxxxxxxxxxxx',
    'process.env.API_KEY',
    'os.environ["API_KEY"]',
    '{{ secrets.API_TOKEN }}',
    'REDACTED',
    'changeme',
    'getTokenFromVault()',
  ]);
}
