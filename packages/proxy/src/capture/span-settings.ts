import { createPricingEngine, type Config, type LLMProvider } from '@llmtrace/core';
import { createAnalyzer, redactPii } from '@llmtrace/security';
import { DEFAULT_ANALYSIS_BUDGET } from '../security/analysis-budget.js';
import { createActionAnalyzer, type ActionAnalyzer } from '../security/span-actions.js';
import { createSpanAnalyzer } from '../security/span-security.js';
import type { BuildSpanOptions } from './build-span.js';

/** Plain data that turns into {@link BuildSpanOptions} on whichever thread builds spans. */
export interface SpanSettings {
  readonly maxTextChars: number;
  readonly security: Config['security'];
  readonly pricing: Config['pricing'];
  readonly defaultProvider: LLMProvider;
}

/** The settings of `config` (cloneable: they are a span worker's `workerData`). */
export function spanSettingsOf(
  config: Readonly<Config>,
  defaultProvider: LLMProvider,
): SpanSettings {
  return {
    maxTextChars: config.capture.max_text_chars,
    security: config.security,
    pricing: config.pricing,
    defaultProvider,
  };
}

/**
 * Build options from settings: the analyzer (its classifier weights load here, once for the thread,
 * not per job), the pricing engine and PII redaction.
 */
export function buildOptionsOf(settings: SpanSettings): BuildSpanOptions {
  const pricing = createPricingEngine(settings.pricing);
  const security = settings.security;
  const analyzer = security.enabled ? createAnalyzer() : null;
  // Load and dequantise the classifier now (a few hundred ms) rather than inside the first job.
  analyzer?.analyze('warm-up');
  const budget = { ...DEFAULT_ANALYSIS_BUDGET, timeoutMs: security.analysis_timeout_ms };
  return {
    maxTextChars: settings.maxTextChars,
    analyze: analyzer === null ? undefined : createSpanAnalyzer(analyzer, budget),
    price: (provider, model, usage) => pricing.estimate(provider, model, usage),
    redact: security.redact_pii ? redactPii : undefined,
    defaultProvider: settings.defaultProvider,
    actions: actionAnalyzerOf(security),
  };
}

/** Tool calls → typed actions with the config's extra rules (compiled once; a bad rule throws). */
export function actionAnalyzerOf(security: Config['security']): ActionAnalyzer {
  return createActionAnalyzer({
    rules: security.action_rules.map((r) => ({
      id: r.id,
      description: r.description,
      toolName: r.tool_name,
      actionType: r.action_type,
      subjectArguments: r.subject_arguments,
      ...(r.operation === undefined ? {} : { operation: r.operation }),
      ...(r.method_argument === undefined ? {} : { methodArgument: r.method_argument }),
    })),
  });
}
