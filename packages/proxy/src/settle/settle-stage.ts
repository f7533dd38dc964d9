import type { TraceSpan } from '@llmtrace/core';
import type { AlertManager } from '../alerts/alert-manager.js';
import type { BudgetGuard } from '../budgets/budget-guard.js';
import type { RateLimiter } from '../budgets/rate-limiter.js';
import type { Exchange } from '../exchange/exchange.js';

/** Options of {@link SettleStage}. */
export interface SettleStageOptions {
  /** Absent when no tenant has caps. */
  readonly budgets?: BudgetGuard | undefined;
  readonly alerts: AlertManager;
  /** Settles the tokens per-minute limits reserved (issue 19). */
  readonly rateLimiter?: RateLimiter | undefined;
}

/**
 * Stage 5 of the request path, run by capture once the span is built: the true cost replaces the
 * budget reservation admit made (a failed call releases it), and the span goes to alerting.
 * Neither waits: settlement and delivery run in the background and never throw here.
 */
export class SettleStage {
  readonly #budgets: BudgetGuard | undefined;
  readonly #alerts: AlertManager;
  readonly #rateLimiter: RateLimiter | undefined;

  constructor(options: SettleStageOptions) {
    this.#budgets = options.budgets;
    this.#alerts = options.alerts;
    this.#rateLimiter = options.rateLimiter;
  }

  /** True when settling does something (capture then skips the call entirely). */
  get active(): boolean {
    return this.#budgets !== undefined || this.#rateLimiter !== undefined || this.#alerts.active;
  }

  settle(span: TraceSpan, ex: Exchange): void {
    if (ex.budget !== undefined) {
      this.#budgets?.settle(
        ex.budget,
        span.estimatedCostUsd,
        ex.endReason === 'complete' && (ex.statusCode ?? 0) < 400,
      );
    }
    if (ex.rateLimit !== undefined) {
      const tokens =
        span.totalTokens ??
        (span.promptTokens === null && span.completionTokens === null
          ? null
          : (span.promptTokens ?? 0) + (span.completionTokens ?? 0));
      this.#rateLimiter?.settle(
        ex.rateLimit,
        tokens,
        ex.endReason === 'complete' && (ex.statusCode ?? 0) < 400,
      );
    }
    this.#alerts.onSpan(span);
  }

  /** Waits for settlements in progress, then for alert deliveries (before storage closes). */
  async close(): Promise<void> {
    await this.#budgets?.flush();
    await this.#rateLimiter?.flush();
    await this.#alerts.close();
  }
}
