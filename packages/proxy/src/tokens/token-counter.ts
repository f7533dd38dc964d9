import { countTokens } from 'gpt-tokenizer';

/**
 * Counts tokens with the o200k_base BPE (GPT-4o and later). For other model families the count is an
 * estimate, which is why spans record `tokensEstimated: true` whenever this is used instead of the
 * provider's own usage.
 *
 * @example
 * estimateTokens('Hello, world'); // 4
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return countTokens(text);
}
