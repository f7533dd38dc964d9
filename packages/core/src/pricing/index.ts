export { ModelPrice, PricingOverrides } from './pricing-overrides.js';
export type { PricingOverridesInput } from './pricing-overrides.js';
export { normaliseModelId, stripSnapshotSuffix } from './model-id.js';
export { costOfUsage } from './cost-of-usage.js';
export type { TokenUsage } from './cost-of-usage.js';
export { PricingEngine, createPricingEngine } from './pricing-engine.js';
export type { PricingSourceInfo, ResolvedPrice } from './pricing-engine.js';
export { estimateCost } from './estimate-cost.js';
export type { EstimateCostOptions } from './estimate-cost.js';
