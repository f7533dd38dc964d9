import { z } from 'zod';
import { normaliseModelId } from './model-id.js';

const PER_MTOK = 'a price in USD per million tokens';

const Usd = z
  .number({
    error: (issue) =>
      issue.input === undefined ? `is required: ${PER_MTOK}` : `must be a number: ${PER_MTOK}`,
  })
  .nonnegative({ error: `must be 0 or more: ${PER_MTOK} (a negative price is never right)` });

/** Names the keys a price accepts when it meets one it does not know (a typo, usually). */
const unknownPriceKey =
  (accepted: string) =>
  (issue: { code?: string | undefined }): string | undefined =>
    issue.code === 'unrecognized_keys' ? `unknown key; a price accepts ${accepted}` : undefined;
const PRICE_KEYS = 'input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok';

const LongContextPrice = z.strictObject(
  {
    /** The tier applies when the whole prompt (cached tokens included) is larger than this. */
    above_input_tokens: z
      .number({ error: 'must be a whole number of prompt tokens' })
      .int({ error: 'must be a whole number of prompt tokens' })
      .positive({ error: 'must be more than 0 prompt tokens' }),
    input_per_mtok: Usd,
    output_per_mtok: Usd,
    cache_read_per_mtok: Usd.optional(),
    cache_write_per_mtok: Usd.optional(),
  },
  { error: unknownPriceKey(`above_input_tokens, ${PRICE_KEYS}`) },
);

/**
 * The price of one model in USD per million tokens. `cache_read_per_mtok` is the price of a prompt
 * token served from the provider's prompt cache; `cache_write_per_mtok` of one written to it
 * (Anthropic's 5-minute cache). A missing cache price means the provider lists no discount or
 * surcharge, so those tokens are charged at `input_per_mtok`. `long_context` is a second tier that
 * replaces every rate of a request whose prompt exceeds `above_input_tokens` (Gemini Pro above
 * 128K/200K, Claude Sonnet 4/4.5 above 200K).
 *
 * @example
 * ModelPrice.parse({ input_per_mtok: 2.5, output_per_mtok: 10, cache_read_per_mtok: 1.25 });
 */
export const ModelPrice = z.strictObject(
  {
    input_per_mtok: Usd,
    output_per_mtok: Usd,
    cache_read_per_mtok: Usd.optional(),
    cache_write_per_mtok: Usd.optional(),
    long_context: LongContextPrice.optional(),
  },
  { error: unknownPriceKey(`${PRICE_KEYS}, long_context`) },
);
/** See {@link ModelPrice}. */
export type ModelPrice = z.infer<typeof ModelPrice>;

/**
 * Custom prices, as written in the `pricing` section of the YAML config (snake_case keys).
 *
 * - `models`: a price per model id. It replaces the built-in price of that id or adds a model the
 *   table does not know, for every provider (a fine-tune, a self-hosted model, a negotiated rate).
 *   Keys follow the same resolution rules as lookups: case and one vendor prefix do not matter, and
 *   a dated snapshot falls back to its base id.
 * - `providers`: one price for *any* model of a self-hosted provider (ollama, vllm, sglang, tgi,
 *   custom), e.g. your GPU cost per token. Hosted providers are priced per model only, so they are
 *   not accepted here.
 *
 * @example
 * PricingOverrides.parse({
 *   models: { 'my-finetune': { input_per_mtok: 3, output_per_mtok: 12 } },
 *   providers: { ollama: { input_per_mtok: 0, output_per_mtok: 0 } },
 * });
 */
export const PricingOverrides = z
  .strictObject(
    {
      models: z.record(z.string(), ModelPrice).default({}),
      providers: z
        .strictObject(
          {
            ollama: ModelPrice.optional(),
            vllm: ModelPrice.optional(),
            sglang: ModelPrice.optional(),
            tgi: ModelPrice.optional(),
            custom: ModelPrice.optional(),
          },
          {
            error: (issue) =>
              issue.code === 'unrecognized_keys'
                ? `only self-hosted providers (ollama, vllm, sglang, tgi, custom) take a flat price; ` +
                  `price hosted models under pricing.models instead of: ${issue.keys.join(', ')}`
                : undefined,
          },
        )
        .default({}),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? 'unknown key; pricing accepts models and providers'
          : issue.code === 'invalid_type'
            ? 'must be an object with `models` and/or `providers`'
            : undefined,
    },
  )
  .superRefine((overrides, ctx) => {
    // Two spellings of one id ('GPT-4o', 'openai/gpt-4o') would silently shadow each other.
    const seen = new Map<string, string>();
    for (const key of Object.keys(overrides.models)) {
      const id = normaliseModelId(key);
      if (id === '') {
        ctx.addIssue({
          code: 'custom',
          path: ['models', key],
          message: 'a model id must not be empty',
        });
        continue;
      }
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, key);
      } else {
        ctx.addIssue({
          code: 'custom',
          path: ['models', key],
          message: `"${key}" and "${first}" name the same model (${id}); keep one of them`,
        });
      }
    }
  });
/** Validated overrides (defaults applied). */
export type PricingOverrides = z.infer<typeof PricingOverrides>;
/** Overrides as written by hand or in YAML (every section optional). */
export type PricingOverridesInput = z.input<typeof PricingOverrides>;
