import type { ModelPrice } from './pricing-overrides.js';

/**
 * Token counts of one call, as the provider adapters extract them. Each field has ONE meaning,
 * whatever the provider, so that no token is ever charged twice:
 *
 * | field | meaning | OpenAI (and OpenAI-compatible) | Anthropic |
 * |---|---|---|---|
 * | `promptTokens` | prompt tokens, *including* `cachedPromptTokens`, *excluding* the two `cache*Tokens` | `usage.prompt_tokens` | `usage.input_tokens` |
 * | `cachedPromptTokens` | the part of `promptTokens` served from the prompt cache | `usage.prompt_tokens_details.cached_tokens` | — |
 * | `cacheReadTokens` | cache hits counted *outside* `promptTokens` | — | `usage.cache_read_input_tokens` |
 * | `cacheCreationTokens` | cache writes counted *outside* `promptTokens` | — | `usage.cache_creation_input_tokens` |
 * | `completionTokens` | generated tokens, reasoning included | `usage.completion_tokens` | `usage.output_tokens` |
 * | `reasoningTokens` | informational part of `completionTokens`; never charged again | `usage.completion_tokens_details.reasoning_tokens` | — |
 *
 * Sources: OpenAI prompt caching ("cached_tokens … in prompt_tokens_details", part of the prompt
 * count) https://platform.openai.com/docs/guides/prompt-caching; OpenAI reasoning tokens ("billed
 * as output tokens", reported inside `completion_tokens`) https://platform.openai.com/docs/guides/reasoning;
 * Anthropic prompt caching (`input_tokens` counts only the tokens after the last cache breakpoint,
 * total input = cache_read + cache_creation + input_tokens)
 * https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching; Anthropic extended thinking
 * (thinking is billed as output, inside `output_tokens`)
 * https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking.
 *
 * An adapter for a provider that reports thinking separately from output (Gemini's native
 * `thoughtsTokenCount`) must add it to `completionTokens`.
 *
 * @example
 * const usage: TokenUsage = { promptTokens: 1200, completionTokens: 300, cachedPromptTokens: 1024 };
 */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedPromptTokens?: number;
  readonly cacheCreationTokens?: number;
  readonly cacheReadTokens?: number;
  readonly reasoningTokens?: number;
}

function isCount(n: number): boolean {
  return Number.isFinite(n) && n >= 0;
}

/**
 * Cost in USD of `usage` at `price`. Cached prompt tokens are charged at the cache-read price and
 * the rest of the prompt at the input price; cache writes at the cache-write price; a missing cache
 * price means "no discount", so those tokens cost the input price. When `price.long_context` exists
 * and the whole prompt (promptTokens + cacheReadTokens + cacheCreationTokens) exceeds its
 * threshold, every token of the call is charged at the long-context rates, as Anthropic and Google
 * bill it.
 *
 * Returns null when a count is negative or not finite (a broken usage block has no cost, rather
 * than a wrong one). A `cachedPromptTokens` larger than `promptTokens` is capped at `promptTokens`.
 * Zero tokens cost 0.
 *
 * @example
 * costOfUsage({ input_per_mtok: 2.5, output_per_mtok: 10 }, { promptTokens: 1000, completionTokens: 500 }); // 0.0075
 */
export function costOfUsage(price: ModelPrice, usage: TokenUsage): number | null {
  const prompt = usage.promptTokens;
  const completion = usage.completionTokens;
  const cachedInPrompt = usage.cachedPromptTokens ?? 0;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheCreationTokens ?? 0;
  if (
    !isCount(prompt) ||
    !isCount(completion) ||
    !isCount(cachedInPrompt) ||
    !isCount(cacheRead) ||
    !isCount(cacheWrite)
  ) {
    return null;
  }
  const cached = Math.min(cachedInPrompt, prompt);
  const long = price.long_context;
  const rates =
    long !== undefined && prompt + cacheRead + cacheWrite > long.above_input_tokens ? long : price;
  const input = rates.input_per_mtok;
  // Sum in token-dollars per million and divide once, which keeps round prices round
  // (1000 x 2.5 + 500 x 10 = 7500 -> 0.0075 exactly as a double).
  const perMillion =
    (prompt - cached) * input +
    (cached + cacheRead) * (rates.cache_read_per_mtok ?? input) +
    cacheWrite * (rates.cache_write_per_mtok ?? input) +
    completion * rates.output_per_mtok;
  return perMillion / 1_000_000;
}
