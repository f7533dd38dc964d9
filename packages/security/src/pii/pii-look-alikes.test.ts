import { describe, expect, it } from 'vitest';
import { detectSecrets } from '../secrets/detect-secrets.js';
import { detectPii } from './detect-pii.js';

// Issue 20, item 5: numbers that look like personal data but are not (timestamps, order and
// tracking numbers, UUIDs, hashes, invalid cards, bad IBANs) must not be reported, and real phone
// numbers in German, French and Spanish formats must be. The look-alikes are generated from a
// seeded PRNG so the set is large, varied and the same on every run.

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(20);
const int = (n: number): number => Math.floor(rand() * n);
const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join('');
const hex = (n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
const pad = (n: number): string => String(n).padStart(2, '0');

function luhnInvalidCard(): string {
  // A Visa-shaped number whose check digit is off by one: fails Luhn by construction.
  const body = `4${digits(14)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  const check = (10 - (sum % 10)) % 10;
  const n = `${body}${(check + 1) % 10}`;
  return pick([n, n.replace(/(\d{4})(?=\d)/g, '$1 '), n.replace(/(\d{4})(?=\d)/g, '$1-')]);
}

function badIban(): string {
  const valid = pick([
    'DE89370400440532013000',
    'FR1420041010050500013M02606',
    'ES9121000418450200051332',
    'GB29NWBK60161331926819',
  ]);
  const i = 4 + int(valid.length - 4);
  const c = valid[i] ?? '0';
  const swapped = /\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'Z' ? 'A' : 'Z';
  const bad = valid.slice(0, i) + swapped + valid.slice(i + 1);
  return pick([bad, bad.replace(/(.{4})(?=.)/g, '$1 ')]);
}

const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const isoTime = (): string =>
  `20${pad(10 + int(20))}-${pad(1 + int(12))}-${pad(1 + int(28))}${pick(['T', ' '])}${pad(int(24))}:${pad(int(60))}:${pad(int(60))}`;
const euroDate = (): string =>
  `${pad(1 + int(28))}.${pad(1 + int(12))}.20${pad(10 + int(20))} ${pad(int(24))}:${pad(int(60))}`;
const usDate = (): string => `${1 + int(12)}/${1 + int(28)}/20${pad(10 + int(20))}`;
const compactStamp = (): string =>
  `20${pad(10 + int(20))}${pad(1 + int(12))}${pad(1 + int(28))}${pad(int(24))}${pad(int(60))}`;
const unixStamp = (): string => `1${digits(9)}`;
const orderNo = (): string =>
  pick([
    `${digits(3)}-${digits(3)}-${digits(4)}`,
    `${digits(4)} ${digits(4)} ${digits(2)}`,
    digits(10 + int(4)),
  ]);
const trackingNo = (): string =>
  pick([`1Z${hex(6).toUpperCase()}${digits(10)}`, digits(12 + int(10)), `JD${digits(16)}`]);

const LOOK_ALIKES: readonly (() => string)[] = [
  () => `Card ${luhnInvalidCard()} was declined, is it a typo?`,
  () => `Überweise bitte an ${badIban()}, danke.`,
  () => `Virement sur le compte ${badIban()} demain.`,
  () => `request id ${uuid()} failed with 502`,
  () => `sha256 ${hex(64)} and md5 ${hex(32)}`,
  () => `commit ${hex(40)} broke the build`,
  () => `The job started at ${isoTime()} and ended at ${isoTime()}.`,
  () => `Termin am ${euroDate()} Uhr bestätigt.`,
  () => `Rendez-vous le ${euroDate()}.`,
  () => `Due ${usDate()}, invoice ${digits(8)}.`,
  () => `log file app-${compactStamp()}.log rotated`,
  () => `created_at: ${unixStamp()}`,
  () => `Order ${orderNo()} has shipped.`,
  () => `Your order #${orderNo()} is on its way.`,
  () => `Bestellnummer ${orderNo()} wurde versandt.`,
  () => `Numéro de commande ${orderNo()}, suivi ${trackingNo()}.`,
  () => `Pedido ${orderNo()} enviado, seguimiento ${trackingNo()}.`,
  () => `Tracking number: ${trackingNo()}`,
  () => `Sendungsnummer ${trackingNo()}`,
  () => `Ticket ${digits(3)}-${digits(3)}-${digits(4)} was closed.`,
  () => `Kundennummer ${digits(4)} ${digits(3)} ${digits(3)}`,
  () => `version ${1 + int(9)}.${int(30)}.${int(30)}.${int(300)}`,
  () => `Total: ${digits(3)} ${digits(3)},${digits(2)} EUR`,
  () => `ISBN 978-${digits(1)}-${digits(3)}-${digits(5)}-${digits(1)}`,
];

const PHONES: readonly string[] = [
  'Ruf mich an: 030 12345678.',
  'Meine Handynummer ist 0171 1234567.',
  'Telefon: +49 (0)30 1234567',
  'Sie erreichen mich unter 089/12345678.',
  'Appelez-moi au 06 12 34 56 78.',
  'Mon fixe : 01 23 45 67 89',
  'Téléphone : +33 6 12 34 56 78',
  'Llámame al 612 34 56 78, por favor.',
  'Mi teléfono es +34 912 345 678',
  'Call me at (202) 456-1111 tomorrow.',
  'My number is 202.456.1111',
  'UK office: +44 20 7946 0958',
  'phone: 020 7946 0958',
  'WhatsApp +1 415 555 2671',
];

describe('PII look-alikes (issue 20)', () => {
  it('reports nothing for generated look-alikes: invalid cards, bad IBANs, UUIDs, hashes, timestamps, order and tracking numbers', () => {
    const texts = Array.from({ length: 600 }, (_, i) =>
      (LOOK_ALIKES[i % LOOK_ALIKES.length] as () => string)(),
    );
    const flagged = texts
      .map((t) => ({ t, found: detectPii(t).map((m) => `${m.kind}:${m.value}`) }))
      .filter((r) => r.found.length > 0);
    expect(flagged).toEqual([]);
  });

  it('finds phone numbers in German, French, Spanish, US and UK formats', () => {
    const missed = PHONES.filter((t) => !detectPii(t).some((m) => m.kind === 'phone'));
    expect(missed).toEqual([]);
  });

  it('keeps a phone number that is called one even after an id-like word', () => {
    expect(detectPii('customer phone number: 0171 1234567').map((m) => m.kind)).toEqual(['phone']);
  });
});

describe('PII look-alikes found by the evaluation set (issue 20)', () => {
  const kinds = (t: string): string[] => detectPii(t).map((m) => `${m.kind}:${m.value}`);

  it.each([
    // An identifier word right before the number beats a phone word further back.
    ['Customer called from +1-646-559-6175 about order 7244-061948.', ['phone:+1-646-559-6175']],
    ['Seriennummer 034 768 3083 steht auf dem Typenschild.', []],
    ['Referencia del artículo 050-543-694, cantidad 5.', []],
    ['Commande n° 338 825 874, suivi en cours.', []],
    ['Su código de confirmación es 872-833-1552.', []],
    ['The winning lottery numbers were 920-929-2395.', []],
    // Not an identifier: "po" must not match the start of "portable".
    ['Mon nouveau numéro de portable est le 06 71 30 55 32.', ['phone:06 71 30 55 32']],
    ['My number is 202.456.1111', ['phone:202.456.1111']],
    // Separated runs that contain a date shape are still phones when written like one.
    ['Il préfère WhatsApp : 06-05-83-42-96.', ['phone:06-05-83-42-96']],
    ['call 202-906-0603', ['phone:202-906-0603']],
    ['Mon fixe : 0033 1 84 70 37 23', ['phone:0033 1 84 70 37 23']],
    // Dotted identifiers, quantities and IBAN remainders are not phones.
    ['Aktenzeichen 073.613.507 vom 21.05.2017.', []],
    ['Relevé du compteur : 762-737-9679 kWh.', []],
    ['Is GB06 GIAI 0657 7050 4147 33 a valid IBAN?', []],
    // Without a phone word the first group must be the area code as the country writes it.
    ['Retourenschein 79299910259406, Vorgang 7274 4542 21.', []],
    ['la inquilina está en el 637 137 030.', ['phone:637 137 030']],
    // "+49 151 …" is a phone, not a 13-digit Visa number.
    ['Rückruf unter +49 151 96946136.', ['phone:+49 151 96946136']],
    // Dotted quads: release numbers and image tags are not addresses; IP words win when nearer.
    ['Upgrade from 5.18.2.23 to 2.19.3.131 fixed the leak.', []],
    ['docker run -e X=1 myimage:3.7.11.225', []],
    ['Desde la actualización 4.8.8.19 la app se cierra sola.', []],
    ['After the upgrade we saw requests from 8.8.4.4 again.', ['ip_address:8.8.4.4']],
    // Spaced slashes (DIN 5008's older style) and a code token before a digit run.
    ['Festnetz 040 / 234 567 89', ['phone:040 / 234 567 89']],
    ['UPS 1Z 999 AA1 01 2345 6784', []],
    // Found by the blind set: process ids in brackets, meter readings, pinned versions.
    ['Jan 12 10:14:03 app[507-626-5828]: job done', []],
    ['Lectura del contador 74 025 705 30 el 07.05.2025.', []],
    ['pip install requests==3.15.17.82 fixed it', []],
    ['il m’a filé son numéro, 0655515839, je l’appelle ?', ['phone:0655515839']],
  ])('%s', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });
});

describe('generic API keys', () => {
  const keys = [
    'api key: 3f9a8b7c6d5e4f3a2b1c0d9e',
    'X-API-Key: Zq8vR2mT5yL1pW9sK4nB7cD3',
    'Authorization: Bearer 9b2e7f4a1c8d3e6b5a0f2c7d9e4b1a6c',
    'const apiKey = "a81f3c92d7e64b05";',
    'my API token is tk_4f8a2b9c7d1e6f3a',
    'export SERVICE_API_KEY=Hk29dLq81ZmN4vB7xR3t',
    '{"api_key": "c2d5e8f1a4b7c0d3e6f9"}',
    'API_KEY=aecbfe0499aa3fa6b59702e99343',
    'PAIEMENT_KEY=tok_14008a83a3e11fa71788',
    'MAILGUN_KEY=key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
    'mycli --api-key Hk29dLq81ZmN4vB7xR3t',
    'GET https://maps.example.com/geo?q=berlin&key=AbC93kdLq81ZmN4vB7xR',
    'glpat-pRfP4Cn1p3AiX96FNjC3',
    'hf_tpy41K5uTN7ybmu4bJmVImwH3nW18suCYX',
    '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',
    'npm_uc4ohGu1IUolKHV2jlMywL1b1zDCcyDdyUaW',
    'auth: Basic dXNlcjpwYXNzd29yZDEyMw==',
    'Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b',
    'Der API-Schlüssel lautet Zq8vR2mT5yL1pW9sK4nB7cD3',
    'La clé API est Zq8vR2mT5yL1pW9sK4nB7cD3',
    'mi clave de API: Zq8vR2mT5yL1pW9sK4nB7cD3',
  ];
  it.each(keys)('finds the key in %s', (text) => {
    expect(detectSecrets(text).length).toBeGreaterThan(0);
  });

  it('ignores placeholders and identifiers after key labels', () => {
    expect(detectSecrets('api_key: YOUR_API_KEY')).toEqual([]);
    expect(detectSecrets('apiKey = getApiKeyFromVault()')).toEqual([]);
    expect(detectSecrets(`request id ${uuid()}`)).toEqual([]);
    expect(detectSecrets(`commit ${hex(40)} and sha256 ${hex(64)}`)).toEqual([]);
    expect(detectSecrets('sort_key = created_at')).toEqual([]);
    expect(detectSecrets('private_token = glpat-xxxxxxxxxxxxxxxxxxxx')).toEqual([]);
    expect(detectSecrets('Basic authentication is enabled')).toEqual([]);
    expect(detectSecrets('etag: "33a64df551425fcc55e4d42a148795d9f25f89d4"')).toEqual([]);
    expect(detectSecrets('API_KEY=${OPENAI_API_KEY}')).toEqual([]);
  });
});
