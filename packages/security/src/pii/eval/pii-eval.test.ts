import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { isValidIban } from '../iban.js';
import { isLuhnValid } from '../luhn.js';
import { LOOK_ALIKE_CARRIERS, PII_CARRIERS } from './carrier-sentences.js';
import { badCard, badIban, phone } from './eval-values.js';
import { fillCarrier, generatePiiEvalSet } from './pii-eval-set.js';
import { RandomSource } from './random-source.js';
import { scorePiiEval } from './score-pii-eval.js';

// Issue 20, item 5. The floors below are the numbers reached (scripts/eval-pii.mjs, see
// docs/security.md) minus a small margin: a detector change that loses recall or lets
// look-alikes through fails here.
const F1_FLOOR = 0.99;
const KIND_RECALL_FLOOR = 0.98;
const LOOK_ALIKES_FLAGGED_MAX = 3;
// The blind set still has 8 look-alike records flagged (product codes in CSV rows); 2 % of them.
const BLIND_LOOK_ALIKES_FLAGGED_MAX = 12;

describe('PII evaluation set', () => {
  const set = generatePiiEvalSet({ seed: 20, records: 2000, lookAlikeShare: 0.26 });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generatePiiEvalSet({ seed: 20, records: 2000, lookAlikeShare: 0.26 });
    expect(again).toEqual(set);
    const other = generatePiiEvalSet({ seed: 21, records: 2000, lookAlikeShare: 0.26 });
    expect(other.map((r) => r.text)).not.toEqual(set.map((r) => r.text));
  });

  it('has at least 1 500 records in four languages, about a quarter look-alike only', () => {
    expect(set.length).toBeGreaterThanOrEqual(1500);
    expect(new Set(set.map((r) => r.lang))).toEqual(new Set(['en', 'de', 'fr', 'es']));
    const lookAlikeOnly = set.filter((r) => r.entities.length === 0).length;
    expect(lookAlikeOnly / set.length).toBeGreaterThan(0.2);
    expect(lookAlikeOnly / set.length).toBeLessThan(0.32);
  });

  it('labels entities at their offsets, with valid checksums', () => {
    for (const rec of set) {
      for (const e of rec.entities) {
        expect(rec.text.slice(e.start, e.end)).toBe(e.value);
        const compact = e.value.replace(/[ -]/g, '');
        if (e.kind === 'credit_card') expect(isLuhnValid(compact)).toBe(true);
        if (e.kind === 'iban') expect(isValidIban(compact)).toBe(true);
      }
    }
  });

  it('makes look-alikes that fail the checks real values pass', () => {
    const r = new RandomSource(3);
    for (let i = 0; i < 200; i++) {
      expect(isLuhnValid(badCard(r).replace(/[ -]/g, ''))).toBe(false);
      expect(isValidIban(badIban(r, 'de').replace(/ /g, ''))).toBe(false);
    }
  });

  it('makes phone numbers that are valid in one of the language’s countries', () => {
    const r = new RandomSource(4);
    const regions = {
      en: ['US', 'GB'],
      de: ['DE', 'AT', 'CH'],
      fr: ['FR', 'BE', 'CH'],
      es: ['ES'],
    } as const;
    for (const lang of ['en', 'de', 'fr', 'es'] as const) {
      for (let i = 0; i < 50; i++) {
        const raw = phone(r, lang).replace(/^00/, '+');
        const valid = regions[lang].some(
          (region) => parsePhoneNumberFromString(raw, region)?.isValid() === true,
        );
        expect(valid, raw).toBe(true);
      }
    }
  });

  it('uses every hand-written carrier sentence without unknown slots', () => {
    const r = new RandomSource(5);
    for (const lang of ['en', 'de', 'fr', 'es'] as const) {
      for (const t of PII_CARRIERS[lang])
        expect(fillCarrier(t, r, lang).entities.length).toBe(
          (t.match(/\{(?:email|phone|card|iban|ssn|ip|ipv6|vkey|gkey)\}/g) ?? []).length,
        );
      for (const t of LOOK_ALIKE_CARRIERS[lang])
        expect(fillCarrier(t, r, lang).entities).toEqual([]);
    }
  });
});

describe('PII evaluation scorer', () => {
  const records = [
    {
      id: 0,
      lang: 'en' as const,
      text: 'mail a@b.co now',
      entities: [{ kind: 'email' as const, start: 5, end: 11, value: 'a@b.co' }],
    },
    { id: 1, lang: 'en' as const, text: 'order 123', entities: [] },
  ];

  it('counts overlaps of the same kind as hits, the rest as false positives and misses', () => {
    const report = scorePiiEval(records, (text) =>
      text.startsWith('order')
        ? [{ kind: 'phone', start: 6, end: 9, value: '123' }]
        : [{ kind: 'phone', start: 5, end: 11, value: 'a@b.co' }],
    );
    expect(report.perKind.email).toMatchObject({ tp: 0, fn: 1 });
    expect(report.perKind.phone).toMatchObject({ tp: 0, fp: 2 });
    expect(report.lookAlikeFlagged).toBe(1);
    expect(report.overall.f1).toBe(0);
  });

  it('scores a perfect detector 1', () => {
    const report = scorePiiEval(records, (text) =>
      text.startsWith('mail') ? [{ kind: 'email', start: 5, end: 11, value: 'a@b.co' }] : [],
    );
    expect(report.overall).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(report.lookAlikeFlagged).toBe(0);
  });
});

describe.each([
  { carriers: 'dev' as const, seed: 20, maxFlagged: LOOK_ALIKES_FLAGGED_MAX },
  { carriers: 'held-out' as const, seed: 7, maxFlagged: LOOK_ALIKES_FLAGGED_MAX },
  { carriers: 'blind' as const, seed: 11, maxFlagged: BLIND_LOOK_ALIKES_FLAGGED_MAX },
])('shipped detectors on the $carriers carriers (seed $seed)', ({ carriers, seed, maxFlagged }) => {
  const report = scorePiiEval(
    generatePiiEvalSet({ seed, records: 2000, lookAlikeShare: 0.26, carriers }),
  );

  it(`reach F1 ≥ ${F1_FLOOR} and flag at most ${maxFlagged} look-alike-only records`, () => {
    expect(report.overall.f1).toBeGreaterThanOrEqual(F1_FLOOR);
    expect(report.lookAlikeFlagged).toBeLessThanOrEqual(maxFlagged);
  });

  it(`keep every kind's recall ≥ ${KIND_RECALL_FLOOR}`, () => {
    const low = Object.entries(report.perKind).filter(([, s]) => s.recall < KIND_RECALL_FLOOR);
    expect(low).toEqual([]);
    expect(Object.keys(report.perKind)).toEqual(
      expect.arrayContaining(['phone', 'generic_api_key', 'vendor_api_key', 'iban', 'credit_card']),
    );
  });
});
