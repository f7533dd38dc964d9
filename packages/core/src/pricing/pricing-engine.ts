import { LLMTraceError } from '../errors.js';
import type { LLMProvider } from '../domain/provider.js';
import { costOfUsage, type TokenUsage } from './cost-of-usage.js';
import { deepFreeze } from './deep-freeze.js';
import { normaliseModelId, stripSnapshotSuffix } from './model-id.js';
import { catalogue, findCatalogueModel, PRICE_CATALOGUE_PACKAGE } from './price-catalogue.js';
import {
  PricingOverrides,
  type ModelPrice,
  type PricingOverridesInput,
} from './pricing-overrides.js';

/**
 * Where the catalogue's prices may apply, per provider: catalogue provider ids tried in order, `null`
 * meaning "whichever catalogue provider claims the model's name".
 * - `openai` is the OpenAI wire format, which Gemini, Mistral, DeepSeek, xAI and routers also speak,
 *   so OpenAI's list comes first and then the model maker's (`gemini-…` → Google);
 * - `azure_openai` is the catalogue's Azure list (which falls back to OpenAI's for OpenAI models);
 * - `anthropic` serves only Claude; `bedrock` is the catalogue's AWS Bedrock list;
 * - self-hosted servers (`ollama`, `vllm`, `sglang`, `tgi`, `custom`) cost what your hardware
 *   costs: no built-in price, only `pricing.providers` / `pricing.models` overrides.
 * A `Record` over every provider, so adding a provider without deciding fails to compile.
 */
const CATALOGUE_PROVIDERS: Readonly<Record<LLMProvider, readonly (string | null)[]>> =
  Object.freeze({
    openai: Object.freeze(['openai', null]),
    azure_openai: Object.freeze(['azure']),
    anthropic: Object.freeze(['anthropic']),
    bedrock: Object.freeze(['aws']),
    ollama: Object.freeze([]),
    vllm: Object.freeze([]),
    sglang: Object.freeze([]),
    tgi: Object.freeze([]),
    custom: Object.freeze([]),
  });

/**
 * Model ids come from client requests, so the memo of looked-up ids is bounded: past this many it
 * starts over (a client sending endless made-up names cannot grow memory without limit).
 */
const MEMO_LIMIT = 10_000;

/** Where a built-in price comes from. */
export interface PricingSourceInfo {
  /** The provider's public pricing page, as the catalogue lists it (null when it lists none). */
  readonly url: string | null;
  /** The npm package whose bundled data holds the price. */
  readonly catalogue: string;
}

/**
 * The price a lookup found, with where it came from.
 *
 * @example
 * const found = engine.price('openai', 'gpt-4o-2024-08-06');
 * // { model: 'gpt-4o', origin: 'builtin', source: { url: 'https://openai.com/api/pricing/', … }, price: { … } }
 */
export interface ResolvedPrice {
  /** Id of the entry that matched (the catalogue's id for a built-in price), or `*` for a provider-wide price. */
  readonly model: string;
  /** `builtin`: the price catalogue; `override`: `pricing.models`; `provider`: `pricing.providers`. */
  readonly origin: 'builtin' | 'override' | 'provider';
  /** Where a built-in price comes from; null for configured prices. */
  readonly source: PricingSourceInfo | null;
  readonly price: Readonly<ModelPrice>;
}

/**
 * Prices calls: the built-in catalogue (the `@pydantic/genai-prices` package, see
 * `price-catalogue.ts`, loaded by the constructor) plus validated overrides, compiled once in the
 * constructor;
 * catalogue lookups are memoised per provider and model id, so a model is matched against the
 * catalogue once and every later lookup is one map read returning the same frozen result.
 *
 * Resolution, in order: (1) a `pricing.models` override of the canonical id
 * ({@link normaliseModelId}: case and one vendor prefix ignored), then of the id without one
 * dated-snapshot or `-latest` suffix ({@link stripSnapshotSuffix}); (2) the catalogue, whose rules
 * know each provider's snapshots and aliases, for the providers it may price (see
 * `CATALOGUE_PROVIDERS`) — or the override of the catalogue model it names; (3) the provider-wide
 * override of a self-hosted provider; (4) null. An unknown model never gets a guessed price.
 *
 * @example
 * const engine = new PricingEngine({ providers: { ollama: { input_per_mtok: 0, output_per_mtok: 0 } } });
 * engine.estimate('openai', 'gpt-4o', { promptTokens: 1000, completionTokens: 500 }); // 0.0075
 */
export class PricingEngine {
  readonly #overrides: ReadonlyMap<string, ResolvedPrice>;
  readonly #providerPrices: ReadonlyMap<string, ResolvedPrice>;
  readonly #memo = new Map<string, ResolvedPrice | null>();

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

    const overridden = new Map<string, ResolvedPrice>();
    for (const [key, price] of Object.entries(parsed.data.models)) {
      const id = normaliseModelId(key);
      overridden.set(
        id,
        deepFreeze<ResolvedPrice>({ model: id, origin: 'override', source: null, price }),
      );
    }
    this.#overrides = overridden;

    const providerPrices = new Map<string, ResolvedPrice>();
    for (const [provider, price] of Object.entries(parsed.data.providers)) {
      if (price === undefined) continue;
      providerPrices.set(
        provider,
        deepFreeze<ResolvedPrice>({ model: '*', origin: 'provider', source: null, price }),
      );
    }
    this.#providerPrices = providerPrices;
    // Load the catalogue now, at startup, rather than on the first request that needs a price.
    catalogue();
  }

  #builtin(provider: LLMProvider, id: string): ResolvedPrice | null {
    const key = `${provider}\u0000${id}`;
    const memo = this.#memo.get(key);
    if (memo !== undefined) return memo;
    let found: ResolvedPrice | null = null;
    const base = stripSnapshotSuffix(id);
    const now = new Date();
    search: for (const candidate of base === null ? [id] : [id, base]) {
      for (const catalogueProvider of CATALOGUE_PROVIDERS[provider]) {
        const match = findCatalogueModel(catalogueProvider, candidate, now);
        if (match === null) continue;
        // An entry without a per-token price we can express is unknown, not $0.
        if (match.price !== null) {
          found = deepFreeze<ResolvedPrice>({
            model: match.model,
            origin: 'builtin',
            source: { url: match.url, catalogue: PRICE_CATALOGUE_PACKAGE },
            price: match.price,
          });
        }
        break search;
      }
    }
    if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
    this.#memo.set(key, found);
    return found;
  }

  /**
   * The price that applies to `model` served by `provider`, or null when none is known.
   *
   * @example
   * engine.price('anthropic', 'claude-3-5-sonnet-20241022')?.price.input_per_mtok; // 3
   */
  price(provider: LLMProvider, model: string): ResolvedPrice | null {
    const id = normaliseModelId(model);
    if (id !== '') {
      const exact = this.#overrides.get(id);
      if (exact !== undefined) return exact;
      const base = stripSnapshotSuffix(id);
      const snapshot = base === null ? undefined : this.#overrides.get(base);
      if (snapshot !== undefined) return snapshot;
      const builtin = this.#builtin(provider, id);
      // An override of a catalogue id reprices every id the catalogue reads as that model
      // (`gpt-4` also prices `gpt-4-0613`): they are the same model.
      if (builtin !== null) return this.#overrides.get(normaliseModelId(builtin.model)) ?? builtin;
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
