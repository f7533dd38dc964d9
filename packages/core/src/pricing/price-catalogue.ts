/*
 * Built-in prices come from a maintained catalogue, the `@pydantic/genai-prices` npm package (MIT):
 * its bundled data, pinned by package-lock.json and never fetched at run time (its optional
 * `updatePrices` auto-update is never called). To take newer prices, bump the package (README
 * "Cost"). This file only translates its entries into our {@link ModelPrice} shape.
 */
import { createRequire } from 'node:module';
import type * as GenaiPrices from '@pydantic/genai-prices';
import type { ModelPrice } from './pricing-overrides.js';

type Catalogue = typeof GenaiPrices;
type CatalogueModel = GenaiPrices.ModelInfo;
type CataloguePrice = GenaiPrices.ModelPrice;

/**
 * The npm package the built-in prices come from.
 *
 * @example
 * console.log(`prices from ${PRICE_CATALOGUE_PACKAGE}`);
 */
export const PRICE_CATALOGUE_PACKAGE = '@pydantic/genai-prices';

let loaded: Catalogue | undefined;

/**
 * The catalogue module, loaded on first use: it carries its whole data set as code (tens of
 * milliseconds to parse), which a process that never prices a call (the CLI's `validate`, the
 * storage worker) should not pay for. `require` of its CommonJS build keeps the engine's constructor
 * synchronous.
 *
 * @example
 * catalogue().findProvider({ providerId: 'openai' })?.models.length;
 */
export function catalogue(): Catalogue {
  loaded ??= createRequire(import.meta.url)(PRICE_CATALOGUE_PACKAGE) as Catalogue;
  return loaded;
}

/** One catalogue entry as found for a model id (see {@link findCatalogueModel}). */
export interface CatalogueMatch {
  /** The catalogue's provider id (`openai`, `anthropic`, `google`, …). */
  readonly provider: string;
  /** The catalogue's model id, e.g. `gpt-4o` for `gpt-4o-2024-08-06`. */
  readonly model: string;
  /** The provider's public pricing page, as the catalogue lists it. */
  readonly url: string | null;
  /** The price in our shape, or null when the entry has no per-token text price we can express. */
  readonly price: ModelPrice | null;
}

/**
 * A model's price as it stands at `now`: the latest entry whose `start_date` has passed. Time-of-day
 * discounts (off-peak hours) are not applied: the standard price is kept, so a cost is never lower
 * than what was billed.
 *
 * @example
 * currentPrice(catalogueModels('openai')[0]!, new Date())['input_mtok'];
 */
export function currentPrice(model: CatalogueModel, now: Date): CataloguePrice {
  if (!Array.isArray(model.prices)) return model.prices;
  const entries = model.prices;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    const constraint = entry?.constraint;
    if (entry === undefined) continue;
    if (constraint === undefined) return entry.prices;
    if (constraint.type === 'start_date' && now >= new Date(constraint.start_date)) {
      return entry.prices;
    }
  }
  return entries[0]?.prices ?? {};
}

interface Tiered {
  readonly base: number;
  readonly tiers: readonly { readonly start: number; readonly price: number }[];
}

function isTiered(value: unknown): value is Tiered {
  return typeof value === 'object' && value !== null && 'base' in value && 'tiers' in value;
}

/**
 * Our {@link ModelPrice} for a catalogue price: `input_mtok`, `output_mtok`, `cache_read_mtok` and
 * `cache_write_mtok` (the 5-minute write) map one to one. A tiered price (`{base, tiers}`, the
 * whole request charged at the tier's rate once the prompt passes `start` tokens, as
 * Anthropic and Google bill) becomes `long_context`; we express one tier shared by every rate, and
 * anything else is refused (null) rather than priced wrong. Prices for audio, images, searches and
 * the like are not token prices of a text exchange and are left out. An entry without an input price
 * is not priced per token (null); one without an output price (embeddings) charges output at 0.
 *
 * @example
 * toModelPrice({ input_mtok: 2.5, output_mtok: 10 }); // { input_per_mtok: 2.5, output_per_mtok: 10 }
 */
export function toModelPrice(price: CataloguePrice): ModelPrice | null {
  const keys = {
    input_per_mtok: price['input_mtok'],
    output_per_mtok: price['output_mtok'] ?? 0,
    cache_read_per_mtok: price['cache_read_mtok'],
    cache_write_per_mtok: price['cache_write_mtok'],
  };
  if (keys.input_per_mtok === undefined) return null;
  const starts = new Set<number>();
  for (const value of Object.values(keys)) {
    if (!isTiered(value)) continue;
    if (value.tiers.length !== 1) return null;
    for (const tier of value.tiers) starts.add(tier.start);
  }
  if (starts.size > 1) return null;
  const base = (value: number | Tiered | undefined): number | undefined =>
    isTiered(value) ? value.base : value;
  const tier = (value: number | Tiered | undefined): number | undefined =>
    isTiered(value) ? value.tiers[0]?.price : value;
  const out: {
    -readonly [K in keyof ModelPrice]: ModelPrice[K];
  } = {
    input_per_mtok: base(keys.input_per_mtok) ?? 0,
    output_per_mtok: base(keys.output_per_mtok) ?? 0,
  };
  const cacheRead = base(keys.cache_read_per_mtok);
  const cacheWrite = base(keys.cache_write_per_mtok);
  if (cacheRead !== undefined) out.cache_read_per_mtok = cacheRead;
  if (cacheWrite !== undefined) out.cache_write_per_mtok = cacheWrite;
  const [start] = starts;
  if (start !== undefined) {
    const longRead = tier(keys.cache_read_per_mtok);
    const longWrite = tier(keys.cache_write_per_mtok);
    out.long_context = {
      above_input_tokens: start,
      input_per_mtok: tier(keys.input_per_mtok) ?? 0,
      output_per_mtok: tier(keys.output_per_mtok) ?? 0,
      ...(longRead === undefined ? {} : { cache_read_per_mtok: longRead }),
      ...(longWrite === undefined ? {} : { cache_write_per_mtok: longWrite }),
    };
  }
  return out;
}

/**
 * The catalogue entry for `model` at catalogue provider `providerId`, or, with `providerId` null,
 * at whichever catalogue provider claims the model's name (`claude…` → anthropic, `gemini…` →
 * google): the catalogue's own matching rules, which know each provider's dated snapshots and
 * aliases. Null when no entry matches.
 *
 * @example
 * findCatalogueModel('openai', 'gpt-4o-2024-08-06', new Date())?.model; // 'gpt-4o'
 */
export function findCatalogueModel(
  providerId: string | null,
  model: string,
  now: Date,
): CatalogueMatch | null {
  const found = catalogue().calcPrice(
    {},
    model,
    providerId === null ? { timestamp: now } : { providerId, timestamp: now },
  );
  if (found === null) return null;
  return {
    provider: found.provider.id,
    model: found.model.id,
    url: found.provider.pricing_urls?.[0] ?? null,
    price: toModelPrice(currentPrice(found.model, now)),
  };
}

/**
 * Every model of one catalogue provider, for tests that check the whole catalogue translates.
 *
 * @example
 * catalogueModels('anthropic').length > 0; // true
 */
export function catalogueModels(providerId: string): readonly CatalogueModel[] {
  return catalogue().findProvider({ providerId })?.models ?? [];
}
