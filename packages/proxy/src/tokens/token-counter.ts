import { countTokensBounded } from './bounded-token-count.js';

/**
 * Counts tokens with the o200k_base BPE (GPT-4o and later). For other model families the count is an
 * estimate, which is why spans record `tokensEstimated: true` whenever this is used instead of the
 * provider's own usage. Linear and bounded (issue 14, item 1): see {@link countTokensBounded}.
 *
 * @example
 * estimateTokens('Hello, world'); // 4
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return countTokensBounded(text).tokens;
}
