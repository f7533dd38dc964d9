/*
 * Built-in price list: a dated, vendored snapshot of public list prices in USD per million tokens.
 *
 * Snapshot date: 2025-11-24 (PRICING_SNAPSHOT_DATE). Prices change; this file is the only
 * place to update them, and a price that is not known for certain is left out (an unknown model
 * costs null, never $0 and never the price of a similar name). Deployments that need other prices
 * (negotiated rates, Batch API, regional endpoints) configure `pricing` overrides instead.
 *
 * Where each family comes from (PRICING_SOURCES):
 * - OpenAI — https://openai.com/api/pricing/ and https://platform.openai.com/docs/pricing
 *   (standard tier; "cached input" is `cache_read_per_mtok`; OpenAI has no cache-write charge).
 * - Anthropic — https://docs.anthropic.com/en/docs/about-claude/pricing (now
 *   https://platform.claude.com/docs/en/about-claude/pricing). Cache write is the 5-minute write,
 *   1.25x input; cache read ("cache hits") is 0.1x input. Sonnet 4/4.5 requests with more than 200K
 *   prompt tokens (1M-context beta) are charged the long-context rates on every token.
 * - Google Gemini — https://ai.google.dev/gemini-api/docs/pricing (paid tier, text/image/video
 *   input; audio input is dearer and not distinguished here). Context-caching prices are left out:
 *   they changed with implicit caching in 2025, so cached tokens are charged at the input price.
 * - Mistral — https://mistral.ai/pricing#api-pricing. Keyed by dated version plus `-latest`; the
 *   bare name (e.g. `mistral-large`) is left out because its older versions had other prices.
 * - Qwen `qwen-max` — Alibaba Cloud Model Studio, international deployment:
 *   https://www.alibabacloud.com/help/en/model-studio/models
 * - Meta Llama 3.1/3.3 and open-weight Qwen2.5 — REPRESENTATIVE hosted price, not a list price of
 *   the model maker (open weights have none): Together AI serverless, https://www.together.ai/pricing.
 *   Other hosts charge differently; self-hosted providers never get these prices (see the engine).
 */
import { deepFreeze } from './deep-freeze.js';
import type { ModelPrice } from './pricing-overrides.js';

/**
 * The day the built-in prices were read from the providers' public pricing pages (ISO 8601).
 *
 * @example
 * console.log(`prices as of ${PRICING_SNAPSHOT_DATE}`);
 */
export const PRICING_SNAPSHOT_DATE = '2025-11-24';

/** Where a built-in price comes from; see {@link PRICING_SOURCES}. */
export type PricingSource = 'openai' | 'anthropic' | 'google' | 'mistral' | 'alibaba' | 'together';

/** One public price list the snapshot was taken from. */
export interface PricingSourceInfo {
  readonly url: string;
  /**
   * `list`: the model maker's own list price. `representative_host`: one host's price for an
   * open-weight model, shown so that hosted Llama/Qwen traffic has an order of magnitude.
   */
  readonly kind: 'list' | 'representative_host';
}

/**
 * The public pricing pages behind {@link PRICING_TABLE}, by source.
 *
 * @example
 * PRICING_SOURCES.anthropic.url; // 'https://docs.anthropic.com/en/docs/about-claude/pricing'
 */
export const PRICING_SOURCES: Readonly<Record<PricingSource, PricingSourceInfo>> = Object.freeze({
  openai: Object.freeze({ url: 'https://openai.com/api/pricing/', kind: 'list' }),
  anthropic: Object.freeze({
    url: 'https://docs.anthropic.com/en/docs/about-claude/pricing',
    kind: 'list',
  }),
  google: Object.freeze({ url: 'https://ai.google.dev/gemini-api/docs/pricing', kind: 'list' }),
  mistral: Object.freeze({ url: 'https://mistral.ai/pricing#api-pricing', kind: 'list' }),
  alibaba: Object.freeze({
    url: 'https://www.alibabacloud.com/help/en/model-studio/models',
    kind: 'list',
  }),
  together: Object.freeze({ url: 'https://www.together.ai/pricing', kind: 'representative_host' }),
} satisfies Record<PricingSource, PricingSourceInfo>);

/** One model of the built-in table. */
export interface PricingTableEntry {
  readonly source: PricingSource;
  readonly price: ModelPrice;
  /**
   * Other ids that are the same model at the same price (undated 4-digit snapshots like
   * `gpt-4-0613`, Mistral `-latest` names, Together ids). Lower-case, as after normalisation.
   */
  readonly aliases?: readonly string[];
}

/** Anthropic 1M-context tier of Sonnet 4 and 4.5: prompts above 200K tokens. */
const SONNET_LONG_CONTEXT = {
  above_input_tokens: 200_000,
  input_per_mtok: 6,
  output_per_mtok: 22.5,
  cache_read_per_mtok: 0.6,
  cache_write_per_mtok: 7.5,
};

const table: Record<string, PricingTableEntry> = {
  // --- OpenAI -----------------------------------------------------------------------------------
  'gpt-4': {
    source: 'openai',
    price: { input_per_mtok: 30, output_per_mtok: 60 },
    aliases: ['gpt-4-0613', 'gpt-4-0314'],
  },
  'gpt-4-32k': {
    source: 'openai',
    price: { input_per_mtok: 60, output_per_mtok: 120 },
    aliases: ['gpt-4-32k-0613', 'gpt-4-32k-0314'],
  },
  'gpt-4-turbo': {
    source: 'openai',
    price: { input_per_mtok: 10, output_per_mtok: 30 },
    aliases: ['gpt-4-turbo-preview', 'gpt-4-0125-preview', 'gpt-4-1106-preview'],
  },
  'gpt-3.5-turbo': {
    source: 'openai',
    price: { input_per_mtok: 0.5, output_per_mtok: 1.5 },
    aliases: ['gpt-3.5-turbo-0125'],
  },
  'gpt-3.5-turbo-1106': { source: 'openai', price: { input_per_mtok: 1, output_per_mtok: 2 } },
  'gpt-4o': {
    source: 'openai',
    price: { input_per_mtok: 2.5, output_per_mtok: 10, cache_read_per_mtok: 1.25 },
  },
  // The first gpt-4o snapshot kept its launch price and has no cached-input discount: an exact id
  // is looked up before the date rule, so this entry wins over `gpt-4o`.
  'gpt-4o-2024-05-13': { source: 'openai', price: { input_per_mtok: 5, output_per_mtok: 15 } },
  'chatgpt-4o-latest': { source: 'openai', price: { input_per_mtok: 5, output_per_mtok: 15 } },
  'gpt-4o-mini': {
    source: 'openai',
    price: { input_per_mtok: 0.15, output_per_mtok: 0.6, cache_read_per_mtok: 0.075 },
  },
  'gpt-4.1': {
    source: 'openai',
    price: { input_per_mtok: 2, output_per_mtok: 8, cache_read_per_mtok: 0.5 },
  },
  'gpt-4.1-mini': {
    source: 'openai',
    price: { input_per_mtok: 0.4, output_per_mtok: 1.6, cache_read_per_mtok: 0.1 },
  },
  'gpt-4.1-nano': {
    source: 'openai',
    price: { input_per_mtok: 0.1, output_per_mtok: 0.4, cache_read_per_mtok: 0.025 },
  },
  'gpt-4.5-preview': {
    source: 'openai',
    price: { input_per_mtok: 75, output_per_mtok: 150, cache_read_per_mtok: 37.5 },
  },
  o1: {
    source: 'openai',
    price: { input_per_mtok: 15, output_per_mtok: 60, cache_read_per_mtok: 7.5 },
  },
  'o1-preview': {
    source: 'openai',
    price: { input_per_mtok: 15, output_per_mtok: 60, cache_read_per_mtok: 7.5 },
  },
  'o1-mini': {
    source: 'openai',
    price: { input_per_mtok: 1.1, output_per_mtok: 4.4, cache_read_per_mtok: 0.55 },
  },
  'o1-pro': { source: 'openai', price: { input_per_mtok: 150, output_per_mtok: 600 } },
  // o3 after the June 2025 price reduction.
  o3: {
    source: 'openai',
    price: { input_per_mtok: 2, output_per_mtok: 8, cache_read_per_mtok: 0.5 },
  },
  'o3-pro': { source: 'openai', price: { input_per_mtok: 20, output_per_mtok: 80 } },
  'o3-mini': {
    source: 'openai',
    price: { input_per_mtok: 1.1, output_per_mtok: 4.4, cache_read_per_mtok: 0.55 },
  },
  'o4-mini': {
    source: 'openai',
    price: { input_per_mtok: 1.1, output_per_mtok: 4.4, cache_read_per_mtok: 0.275 },
  },
  'gpt-5': {
    source: 'openai',
    price: { input_per_mtok: 1.25, output_per_mtok: 10, cache_read_per_mtok: 0.125 },
    aliases: ['gpt-5-chat-latest'],
  },
  'gpt-5-mini': {
    source: 'openai',
    price: { input_per_mtok: 0.25, output_per_mtok: 2, cache_read_per_mtok: 0.025 },
  },
  'gpt-5-nano': {
    source: 'openai',
    price: { input_per_mtok: 0.05, output_per_mtok: 0.4, cache_read_per_mtok: 0.005 },
  },

  // --- Anthropic (cache write = 5-minute write, 1.25x input; cache read = 0.1x input) ------------
  // Claude 3 Haiku is listed with rounded cache prices ($0.30 / $0.03), not exactly 1.25x / 0.1x.
  'claude-3-haiku': {
    source: 'anthropic',
    price: {
      input_per_mtok: 0.25,
      output_per_mtok: 1.25,
      cache_read_per_mtok: 0.03,
      cache_write_per_mtok: 0.3,
    },
  },
  // Claude 3 Sonnet (retired) was never listed with prompt-caching prices.
  'claude-3-sonnet': { source: 'anthropic', price: { input_per_mtok: 3, output_per_mtok: 15 } },
  'claude-3-opus': {
    source: 'anthropic',
    price: {
      input_per_mtok: 15,
      output_per_mtok: 75,
      cache_read_per_mtok: 1.5,
      cache_write_per_mtok: 18.75,
    },
  },
  'claude-3-5-haiku': {
    source: 'anthropic',
    price: {
      input_per_mtok: 0.8,
      output_per_mtok: 4,
      cache_read_per_mtok: 0.08,
      cache_write_per_mtok: 1,
    },
  },
  'claude-3-5-sonnet': {
    source: 'anthropic',
    price: {
      input_per_mtok: 3,
      output_per_mtok: 15,
      cache_read_per_mtok: 0.3,
      cache_write_per_mtok: 3.75,
    },
  },
  'claude-3-7-sonnet': {
    source: 'anthropic',
    price: {
      input_per_mtok: 3,
      output_per_mtok: 15,
      cache_read_per_mtok: 0.3,
      cache_write_per_mtok: 3.75,
    },
  },
  'claude-sonnet-4': {
    source: 'anthropic',
    price: {
      input_per_mtok: 3,
      output_per_mtok: 15,
      cache_read_per_mtok: 0.3,
      cache_write_per_mtok: 3.75,
      long_context: SONNET_LONG_CONTEXT,
    },
    aliases: ['claude-sonnet-4-0'],
  },
  'claude-opus-4': {
    source: 'anthropic',
    price: {
      input_per_mtok: 15,
      output_per_mtok: 75,
      cache_read_per_mtok: 1.5,
      cache_write_per_mtok: 18.75,
    },
    aliases: ['claude-opus-4-0'],
  },
  'claude-opus-4-1': {
    source: 'anthropic',
    price: {
      input_per_mtok: 15,
      output_per_mtok: 75,
      cache_read_per_mtok: 1.5,
      cache_write_per_mtok: 18.75,
    },
  },
  'claude-sonnet-4-5': {
    source: 'anthropic',
    price: {
      input_per_mtok: 3,
      output_per_mtok: 15,
      cache_read_per_mtok: 0.3,
      cache_write_per_mtok: 3.75,
      long_context: SONNET_LONG_CONTEXT,
    },
  },
  'claude-haiku-4-5': {
    source: 'anthropic',
    price: {
      input_per_mtok: 1,
      output_per_mtok: 5,
      cache_read_per_mtok: 0.1,
      cache_write_per_mtok: 1.25,
    },
  },
  'claude-opus-4-5': {
    source: 'anthropic',
    price: {
      input_per_mtok: 5,
      output_per_mtok: 25,
      cache_read_per_mtok: 0.5,
      cache_write_per_mtok: 6.25,
    },
  },

  // --- Google Gemini (paid tier; 1.5 models: higher tier above 128K prompt tokens) ---------------
  'gemini-1.5-pro': {
    source: 'google',
    price: {
      input_per_mtok: 1.25,
      output_per_mtok: 5,
      long_context: { above_input_tokens: 128_000, input_per_mtok: 2.5, output_per_mtok: 10 },
    },
    aliases: ['gemini-1.5-pro-001', 'gemini-1.5-pro-002'],
  },
  'gemini-1.5-flash': {
    source: 'google',
    price: {
      input_per_mtok: 0.075,
      output_per_mtok: 0.3,
      long_context: { above_input_tokens: 128_000, input_per_mtok: 0.15, output_per_mtok: 0.6 },
    },
    aliases: ['gemini-1.5-flash-001', 'gemini-1.5-flash-002'],
  },
  'gemini-1.5-flash-8b': {
    source: 'google',
    price: {
      input_per_mtok: 0.0375,
      output_per_mtok: 0.15,
      long_context: { above_input_tokens: 128_000, input_per_mtok: 0.075, output_per_mtok: 0.3 },
    },
    aliases: ['gemini-1.5-flash-8b-001'],
  },
  'gemini-2.0-flash': {
    source: 'google',
    price: { input_per_mtok: 0.1, output_per_mtok: 0.4 },
    aliases: ['gemini-2.0-flash-001'],
  },
  'gemini-2.0-flash-lite': {
    source: 'google',
    price: { input_per_mtok: 0.075, output_per_mtok: 0.3 },
    aliases: ['gemini-2.0-flash-lite-001'],
  },
  'gemini-2.5-pro': {
    source: 'google',
    price: {
      input_per_mtok: 1.25,
      output_per_mtok: 10,
      long_context: { above_input_tokens: 200_000, input_per_mtok: 2.5, output_per_mtok: 15 },
    },
  },
  'gemini-2.5-flash': { source: 'google', price: { input_per_mtok: 0.3, output_per_mtok: 2.5 } },
  'gemini-2.5-flash-lite': {
    source: 'google',
    price: { input_per_mtok: 0.1, output_per_mtok: 0.4 },
  },

  // --- Mistral ------------------------------------------------------------------------------------
  'mistral-large-2411': {
    source: 'mistral',
    price: { input_per_mtok: 2, output_per_mtok: 6 },
    aliases: ['mistral-large-latest'],
  },
  'pixtral-large-2411': {
    source: 'mistral',
    price: { input_per_mtok: 2, output_per_mtok: 6 },
    aliases: ['pixtral-large-latest'],
  },
  'mistral-medium-2505': {
    source: 'mistral',
    price: { input_per_mtok: 0.4, output_per_mtok: 2 },
    aliases: ['mistral-medium-latest'],
  },
  'mistral-small-2503': {
    source: 'mistral',
    price: { input_per_mtok: 0.1, output_per_mtok: 0.3 },
    aliases: ['mistral-small-2501', 'mistral-small-latest'],
  },
  'codestral-2501': {
    source: 'mistral',
    price: { input_per_mtok: 0.3, output_per_mtok: 0.9 },
    aliases: ['codestral-latest'],
  },
  'ministral-8b-2410': {
    source: 'mistral',
    price: { input_per_mtok: 0.1, output_per_mtok: 0.1 },
    aliases: ['ministral-8b-latest'],
  },
  'ministral-3b-2410': {
    source: 'mistral',
    price: { input_per_mtok: 0.04, output_per_mtok: 0.04 },
    aliases: ['ministral-3b-latest'],
  },
  'open-mistral-nemo': {
    source: 'mistral',
    price: { input_per_mtok: 0.15, output_per_mtok: 0.15 },
    aliases: ['open-mistral-nemo-2407'],
  },

  // --- Qwen (Alibaba Cloud Model Studio, international) -------------------------------------------
  'qwen-max': { source: 'alibaba', price: { input_per_mtok: 1.6, output_per_mtok: 6.4 } },

  // --- Open weights at a REPRESENTATIVE hosted price (Together AI serverless) ---------------------
  'llama-3.1-8b-instruct': {
    source: 'together',
    price: { input_per_mtok: 0.18, output_per_mtok: 0.18 },
    aliases: ['meta-llama-3.1-8b-instruct', 'meta-llama-3.1-8b-instruct-turbo'],
  },
  'llama-3.1-70b-instruct': {
    source: 'together',
    price: { input_per_mtok: 0.88, output_per_mtok: 0.88 },
    aliases: ['meta-llama-3.1-70b-instruct', 'meta-llama-3.1-70b-instruct-turbo'],
  },
  'llama-3.1-405b-instruct': {
    source: 'together',
    price: { input_per_mtok: 3.5, output_per_mtok: 3.5 },
    aliases: ['meta-llama-3.1-405b-instruct', 'meta-llama-3.1-405b-instruct-turbo'],
  },
  'llama-3.3-70b-instruct': {
    source: 'together',
    price: { input_per_mtok: 0.88, output_per_mtok: 0.88 },
    aliases: ['llama-3.3-70b-instruct-turbo'],
  },
  'qwen2.5-72b-instruct': {
    source: 'together',
    price: { input_per_mtok: 1.2, output_per_mtok: 1.2 },
    aliases: ['qwen2.5-72b-instruct-turbo'],
  },
  'qwen2.5-7b-instruct': {
    source: 'together',
    price: { input_per_mtok: 0.3, output_per_mtok: 0.3 },
    aliases: ['qwen2.5-7b-instruct-turbo'],
  },
  'qwen2.5-coder-32b-instruct': {
    source: 'together',
    price: { input_per_mtok: 0.8, output_per_mtok: 0.8 },
  },
};

/**
 * The built-in prices, keyed by canonical model id (see {@link normaliseModelId}), deeply frozen.
 * Read it for display; price lookups go through a {@link PricingEngine}, which applies the
 * resolution rules, provider rules and overrides.
 *
 * @example
 * PRICING_TABLE['gpt-4o']?.price.input_per_mtok; // 2.5
 */
export const PRICING_TABLE: Readonly<Record<string, PricingTableEntry>> = deepFreeze(table);
