import type { LLMProvider } from '../domain/provider.js';
import type { TokenUsage } from './cost-of-usage.js';
import { PricingEngine } from './pricing-engine.js';

/** Options of {@link estimateCost}. */
export interface EstimateCostOptions {
  /** Engine carrying configured overrides; the built-in prices alone when left out. */
  readonly engine?: PricingEngine;
}

// Built on first use rather than at import, so importing core costs nothing.
let builtinEngine: PricingEngine | undefined;

/**
 * Cost in USD of one call at the built-in list prices (or with `options.engine`'s overrides), or
 * null for an unknown model, a self-hosted provider without a configured price, or broken counts.
 *
 * @example
 * estimateCost('openai', 'gpt-4o', { promptTokens: 1000, completionTokens: 500 }); // 0.0075
 */
export function estimateCost(
  provider: LLMProvider,
  model: string,
  usage: TokenUsage,
  options: EstimateCostOptions = {},
): number | null {
  const engine = options.engine ?? (builtinEngine ??= new PricingEngine());
  return engine.estimate(provider, model, usage);
}
