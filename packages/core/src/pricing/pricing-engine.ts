import { LLMTraceError } from '../errors.js';
import { LLMProvider } from '../domain/provider.js';
import { costOfUsage, type TokenUsage } from './cost-of-usage.js';
import { deepFreeze } from './deep-freeze.js';
import { normaliseModelId, stripSnapshotSuffix } from './model-id.js';
import {
  PricingOverrides,
  type ModelPrice,
  type PricingOverridesInput,
} from './pricing-overrides.js';
import {
  PRICING_SOURCES,
  PRICING_TABLE,
  type PricingSource,
  type PricingSourceInfo,
} from './pricing-table.js';

const ALL_SOURCES = Object.freeze(Object.keys(PRICING_SOURCES) as PricingSource[]);
const NO_SOURCES: readonly PricingSource[] = Object.freeze([]);

/**
 * Which built-in prices a provider may use. The table is keyed by model, and usage semantics come
 * from the field names of {@link TokenUsage}, so the provider only decides *whether* list prices
 * apply:
 * - `openai` is the OpenAI wire format, which Gemini, Mistral, Together and routers also speak, so
 *   every family's price applies to it;
 * - `azure_openai` hosts OpenAI models at OpenAI's list prices (global deployments);
 * - `anthropic` serves only Claude;
 * - `bedrock` prices differ by region and inference profile, so it has no built-in price;
 * - self-hosted servers (`ollama`, `vllm`, `sglang`, `tgi`, `custom`) cost what your hardware
 *   costs: no built-in price, only `pricing.providers` / `pricing.models` overrides.
 * A `Record` over every provider, so adding a provider without deciding fails to compile.
 */
const BUILTIN_SOURCES: Readonly<Record<LLMProvider, readonly PricingSource[]>> = Object.freeze({
  openai: ALL_SOURCES,
  azure_openai: Object.freeze(['openai'] as const),
  anthropic: Object.freeze(['anthropic'] as const),
  bedrock: NO_SOURCES,
  ollama: NO_SOURCES,
  vllm: NO_SOURCES,
  sglang: NO_SOURCES,
  tgi: NO_SOURCES,
  custom: NO_SOURCES,
});

/**
 * The price a lookup found, with where it came from.
 *
 * @example
 * const found = engine.price('openai', 'gpt-4o-2024-08-06');
 * // { model: 'gpt-4o', origin: 'builtin', source: { url: 'https://openai.com/api/pricing/', … }, price: { … } }
 */
export interface ResolvedPrice {
  /** Canonical id of the entry that matched, or `*` for a provider-wide price. */
  readonly model: string;
  /** `builtin`: {@link PRICING_TABLE}; `override`: `pricing.models`; `provider`: `pricing.providers`. */
  readonly origin: 'builtin' | 'override' | 'provider';
  /** The public price list of a built-in price; null for configured prices. */
  readonly source: PricingSourceInfo | null;
  readonly price: Readonly<ModelPrice>;
}

/**
 * Prices calls: the built-in snapshot plus validated overrides, compiled once (in the
 * constructor) into one private, read-only id → frozen price map per provider. A lookup is a string
 * normalisation and at most two map reads; no table is built per call.
 *
 * Resolution, in order: (1) the exact canonical id ({@link normaliseModelId}: case and one vendor
 * prefix ignored), including listed aliases; (2) the id without one dated-snapshot or `-latest`
 * suffix ({@link stripSnapshotSuffix}); (3) the provider-wide override of a self-hosted provider;
 * (4) null. Model overrides replace a built-in id (and its aliases) or add new ids, for every
 * provider.
 *
 * @example
 * const engine = new PricingEngine({ providers: { ollama: { input_per_mtok: 0, output_per_mtok: 0 } } });
 * engine.estimate('openai', 'gpt-4o', { promptTokens: 1000, completionTokens: 500 }); // 0.0075
 */
export class PricingEngine {
  readonly #tables: ReadonlyMap<string, ReadonlyMap<string, ResolvedPrice>>;
  readonly #providerPrices: ReadonlyMap<string, ResolvedPrice>;

  /** @throws LLMTraceError `CONFIG_INVALID` listing every problem of `overrides` with its path. */
  constructor(overrides: PricingOverridesInput = {}) {
    const parsed = PricingOverrides.safeParse(overrides);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => {
        // An unknown key is reported on its parent; point at the key itself.
        const path =
          issue.code === 'unrecognized_keys' && issue.keys.length === 1
            ? [...issue.path, ...issue.keys]
            : issue.path;
        return {
          path: path.length === 0 ? '(root)' : path.map(String).join('.'),
          message: issue.message,
        };
      });
      throw new LLMTraceError(
        'CONFIG_INVALID',
        `invalid pricing overrides: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        { details: { issues } },
      );
    }

    const builtins = Object.entries(PRICING_TABLE).map(([id, entry]) => ({
      id,
      entry,
      resolved: deepFreeze<ResolvedPrice>({
        model: id,
        origin: 'builtin',
        source: PRICING_SOURCES[entry.source],
        price: entry.price,
      }),
    }));
    const overridden = new Map<string, ResolvedPrice>();
    for (const [key, price] of Object.entries(parsed.data.models)) {
      const id = normaliseModelId(key);
      overridden.set(
        id,
        deepFreeze<ResolvedPrice>({ model: id, origin: 'override', source: null, price }),
      );
    }

    const tables = new Map<string, ReadonlyMap<string, ResolvedPrice>>();
    for (const provider of LLMProvider.options) {
      const allowed = new Set<PricingSource>(BUILTIN_SOURCES[provider]);
      const table = new Map<string, ResolvedPrice>();
      for (const { id, entry, resolved } of builtins) {
        if (!allowed.has(entry.source)) continue;
        table.set(id, resolved);
        for (const alias of entry.aliases ?? []) table.set(alias, resolved);
      }
      for (const [id, resolved] of overridden) {
        table.set(id, resolved);
        // Overriding a built-in id also reprices its aliases (they are the same model), unless
        // the alias has an override of its own.
        for (const alias of PRICING_TABLE[id]?.aliases ?? []) {
          if (!overridden.has(alias)) table.set(alias, resolved);
        }
      }
      tables.set(provider, table);
    }
    this.#tables = tables;

    const providerPrices = new Map<string, ResolvedPrice>();
    for (const [provider, price] of Object.entries(parsed.data.providers)) {
      if (price === undefined) continue;
      providerPrices.set(
        provider,
        deepFreeze<ResolvedPrice>({ model: '*', origin: 'provider', source: null, price }),
      );
    }
    this.#providerPrices = providerPrices;
  }

  /**
   * The price that applies to `model` served by `provider`, or null when none is known.
   *
   * @example
   * engine.price('anthropic', 'claude-3-5-sonnet-20241022')?.price.input_per_mtok; // 3
   */
  price(provider: LLMProvider, model: string): ResolvedPrice | null {
    const table = this.#tables.get(provider);
    if (table === undefined) return null;
    const id = normaliseModelId(model);
    if (id !== '') {
      const exact = table.get(id);
      if (exact !== undefined) return exact;
      const base = stripSnapshotSuffix(id);
      if (base !== null) {
        const snapshot = table.get(base);
        if (snapshot !== undefined) return snapshot;
      }
    }
    return this.#providerPrices.get(provider) ?? null;
  }

  /**
   * Cost in USD of one call, or null when the model has no known price (never a guessed $0) or
   * the usage counts are broken. See {@link TokenUsage} for what each count means.
   *
   * @example
   * engine.estimate('anthropic', 'claude-sonnet-4-20250514', {
   *   promptTokens: 200, completionTokens: 100, cacheReadTokens: 10_000,
   * }); // 0.0051
   */
  estimate(provider: LLMProvider, model: string, usage: TokenUsage): number | null {
    const found = this.price(provider, model);
    return found === null ? null : costOfUsage(found.price, usage);
  }
}

/**
 * Builds a {@link PricingEngine} from the `pricing` config section (validated here; invalid
 * overrides throw `CONFIG_INVALID` with every issue). Call it once at startup.
 *
 * @example
 * const pricing = createPricingEngine(config.pricing);
 * span.estimatedCostUsd = pricing.estimate(span.provider, model, usage);
 */
export function createPricingEngine(overrides?: PricingOverridesInput): PricingEngine {
  return new PricingEngine(overrides);
}
