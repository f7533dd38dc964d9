import {
  BLIND_LOOK_ALIKE_CARRIERS,
  BLIND_PII_CARRIERS,
  HELD_OUT_LOOK_ALIKE_CARRIERS,
  HELD_OUT_PII_CARRIERS,
  LOOK_ALIKE_CARRIERS,
  PII_CARRIERS,
} from './carrier-sentences.js';
import * as v from './eval-values.js';
import type { EvalLanguage } from './eval-values.js';
import { RandomSource } from './random-source.js';

/** Entity kinds scored by the PII evaluation (secrets split into vendor formats and generic keys). */
export type EvalEntityKind =
  | 'email'
  | 'phone'
  | 'credit_card'
  | 'iban'
  | 'ssn'
  | 'ip_address'
  | 'vendor_api_key'
  | 'generic_api_key';

/** One labelled entity: offsets in the record's text, end exclusive. */
export interface EvalEntity {
  readonly kind: EvalEntityKind;
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

export interface PiiEvalRecord {
  readonly id: number;
  readonly lang: EvalLanguage;
  readonly text: string;
  readonly entities: readonly EvalEntity[];
}

type Filler = (r: RandomSource, lang: EvalLanguage) => string;

const ENTITY_FILLERS: Readonly<Record<string, readonly [EvalEntityKind, Filler]>> = {
  email: ['email', v.email],
  phone: ['phone', v.phone],
  card: ['credit_card', (r) => v.card(r)],
  iban: ['iban', v.iban],
  ssn: ['ssn', (r) => v.ssn(r)],
  ip: ['ip_address', (r) => v.ipv4(r)],
  ipv6: ['ip_address', (r) => v.ipv6(r)],
  vkey: ['vendor_api_key', (r) => v.vendorKey(r)],
  gkey: ['generic_api_key', (r) => v.genericKeyValue(r)],
};

const LOOK_ALIKE_FILLERS: Readonly<Record<string, Filler>> = {
  uuid: (r) => v.uuid(r),
  hex: (r) => v.hexDigest(r),
  iso: (r) => v.isoTimestamp(r),
  date: v.localDate,
  unix: (r) => v.unixTime(r),
  stamp: (r) => v.compactTimestamp(r),
  order: (r) => v.orderNumber(r),
  tracking: (r) => v.trackingNumber(r),
  invoice: (r) => v.invoiceNumber(r),
  version: (r) => v.version(r),
  isbn: (r) => v.isbn(r),
  coords: (r) => v.coordinates(r),
  price: v.price,
  product: (r) => v.productCode(r),
  serial: (r) => v.serialNumber(r),
  duration: (r) => v.duration(r),
  badcard: (r) => v.badCard(r),
  badiban: v.badIban,
  placeholder: (r) => v.placeholderKey(r),
};

const SLOT = /\{\{|\}\}|\{(\w+)\}/g;

/** Fills a carrier sentence, recording where each entity landed. */
export function fillCarrier(
  template: string,
  r: RandomSource,
  lang: EvalLanguage,
): { text: string; entities: EvalEntity[] } {
  let text = '';
  let at = 0;
  const entities: EvalEntity[] = [];
  for (const m of template.matchAll(SLOT)) {
    text += template.slice(at, m.index);
    at = m.index + m[0].length;
    const name = m[1];
    if (name === undefined) {
      text += m[0][0] ?? '';
      continue;
    }
    const entity = ENTITY_FILLERS[name];
    if (entity !== undefined) {
      const value = entity[1](r, lang);
      entities.push({
        kind: entity[0],
        start: text.length,
        end: text.length + value.length,
        value,
      });
      text += value;
      continue;
    }
    const lookAlike = LOOK_ALIKE_FILLERS[name];
    if (lookAlike === undefined) throw new Error(`unknown slot {${name}} in "${template}"`);
    text += lookAlike(r, lang);
  }
  return { text: text + template.slice(at), entities };
}

export interface PiiEvalSetOptions {
  readonly seed: number;
  /** Number of records (spread evenly over en/de/fr/es). */
  readonly records: number;
  /** Share of records made of look-alikes only. */
  readonly lookAlikeShare: number;
  /**
   * `dev`: the carriers the detectors were tuned on; `held-out`: written after the first round of
   * tuning (and then looked at); `blind`: written last and measured once, untuned.
   */
  readonly carriers?: 'dev' | 'held-out' | 'blind';
}

const LANGS: readonly EvalLanguage[] = ['en', 'de', 'fr', 'es'];

/**
 * A deterministic PII evaluation set: hand-written carrier sentences in four languages filled with
 * generated values. Records with entities carry real-shaped data (valid checksums and numbering
 * plans); look-alike-only records carry nothing that should be reported.
 */
export function generatePiiEvalSet(options: PiiEvalSetOptions): PiiEvalRecord[] {
  const r = new RandomSource(options.seed);
  const [pii, lookAlikes] =
    options.carriers === 'held-out'
      ? [HELD_OUT_PII_CARRIERS, HELD_OUT_LOOK_ALIKE_CARRIERS]
      : options.carriers === 'blind'
        ? [BLIND_PII_CARRIERS, BLIND_LOOK_ALIKE_CARRIERS]
        : [PII_CARRIERS, LOOK_ALIKE_CARRIERS];
  const out: PiiEvalRecord[] = [];
  for (let id = 0; id < options.records; id++) {
    const lang = LANGS[id % LANGS.length] ?? 'en';
    const carriers = r.chance(options.lookAlikeShare) ? lookAlikes : pii;
    const { text, entities } = fillCarrier(r.pick(carriers[lang]), r, lang);
    out.push({ id, lang, text, entities });
  }
  return out;
}
