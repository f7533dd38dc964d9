import {
  LLMTraceError,
  type CacheLayer,
  type LLMProvider,
  type TenantId,
  type TokenUsage,
} from '@llmtrace/core';
import type { Logger } from 'pino';
import { pricingFallback, type RequestReading } from '../providers/read-request.js';
import type { ParsedRequest } from '../providers/types.js';
import { countTokensBounded, countTokensSliced } from '../tokens/bounded-token-count.js';
import { estimateTokensBounded } from '../tokens/cheap-token-estimate.js';
import { CacheFailurePolicy, type CacheFailureStats } from './cache-failure-policy.js';
import {
  BudgetPlan,
  fromMicros,
  toMicros,
  type BudgetRules,
  type BudgetsConfig,
  type CounterRule,
  type TokenCaps,
} from './budget-plan.js';
import {
  periodOf,
  secondsUntilReset,
  type BudgetPeriod,
  type BudgetWindow,
} from './budget-window.js';

/** What the pre-check needs to know about a request (nothing is parsed unless caps apply). */
export interface BudgetRequest {
  readonly tenantId: TenantId;
  readonly agentId: string | null;
  readonly provider: LLMProvider;
  readonly method: string;
  readonly path: string;
  /**
   * The request as the proxy reads it for caps and screening (parsed once per exchange, on first
   * call): see `readRequest`.
   */
  readonly read: () => RequestReading;
}

/** One counter a request reserved spend on. */
export interface ReservedCounter {
  readonly key: string;
  readonly ttlSeconds: number;
  readonly rule: CounterRule;
  readonly period: BudgetPeriod;
}

/** Spend reserved before forwarding, settled to the true cost after capture. */
export interface BudgetReservation {
  readonly tenantId: TenantId;
  readonly agentId: string | null;
  /** The reserved estimate, integer micro-dollars. */
  readonly micros: number;
  readonly counters: readonly ReservedCounter[];
}

/** Outcome of the pre-check: a value, never an exception (STYLE rule 10). */
export type BudgetDecision =
  | { readonly ok: true; readonly reservation: BudgetReservation | undefined }
  | {
      readonly ok: false;
      readonly error: LLMTraceError;
      readonly headers?: Record<string, string>;
    };

/** A budget threshold crossed: the soft cap, or `warn_at_percent` of the hard cap. */
export interface BudgetAlertEvent {
  readonly tenantId: TenantId;
  readonly agentId: string | null;
  readonly scope: CounterRule['scope'];
  readonly window: BudgetWindow;
  /** `soft`: the soft cap; `warning`: the warning share of the hard cap. */
  readonly level: 'soft' | 'warning';
  readonly spentUsd: number;
  readonly thresholdUsd: number;
  readonly limitUsd: number;
  readonly periodId: string;
  readonly resetsAt: string;
}

/** One window of {@link BudgetGuard.current}. */
export interface CounterReport {
  readonly scope: CounterRule['scope'];
  readonly window: BudgetWindow;
  readonly spentUsd: number;
  readonly hardLimitUsd: number | null;
  readonly softLimitUsd: number | null;
  readonly remainingUsd: number | null;
  readonly periodStart: string;
  readonly resetsAt: string;
}

/** Options of {@link BudgetGuard}. */
export interface BudgetGuardOptions {
  readonly config: BudgetsConfig;
  readonly cache: CacheLayer;
  /** USD for a usage at the model's price, or null when the model has no known price. */
  readonly price: (provider: LLMProvider, model: string, usage: TokenUsage) => number | null;
  readonly logger: Logger;
  /** Called once per window and threshold (off the request path). */
  readonly onThreshold?: (event: BudgetAlertEvent) => void;
  readonly now?: () => number;
  /** The provider of `upstream_url`: prices a request whose provider header names an unpriced one. */
  readonly defaultProvider?: LLMProvider;
  /** Shared with rate limiting; built from `budgets.on_cache_failure` when absent. */
  readonly cachePolicy?: CacheFailurePolicy;
}

const DONE: BudgetDecision = Object.freeze({ ok: true, reservation: undefined });
/** Counters outlive their period a little, so a late settlement still finds its counter. */
const TTL_MARGIN_SECONDS = 3_600;

function promptText(request: ParsedRequest): string {
  const parts = request.system === null ? [] : [request.system];
  for (const m of request.messages) parts.push(m.content);
  return parts.join('\n');
}

/**
 * Prompts up to this length are counted synchronously (well under a millisecond); longer ones in
 * slices.
 */
const SYNC_COUNT_CHARS = 4 * 1024;
/** Characters of a prompt counted with the tokenizer for a token cap; the rest is estimated. */
const REQUEST_EXACT_CHARS = 256 * 1024;

type GenerationReading = Extract<RequestReading, { kind: 'generation' }>;

const CAP_NAMES = Object.freeze({
  maxPromptTokens: 'max_prompt_tokens',
  maxCompletionTokens: 'max_completion_tokens',
  maxTotalTokens: 'max_total_tokens',
} as const);

/**
 * The 400 for a token cap. `requested` is null when the request set no `max_tokens` although a
 * completion or total cap applies; `room` is then the largest `max_tokens` that would pass.
 */
function tokenCapError(
  cap: keyof TokenCaps,
  limit: number,
  requested: number | null,
  room = limit,
): LLMTraceError {
  const name = CAP_NAMES[cap];
  const message =
    requested === null
      ? `this tenant or agent allows at most ${limit} ${cap === 'maxTotalTokens' ? 'prompt plus completion' : 'completion'} tokens per request (${name}); set max_tokens (or max_completion_tokens) to at most ${Math.max(0, room)}`
      : cap === 'maxPromptTokens'
        ? `the prompt has ${requested} tokens; this tenant or agent allows at most ${limit} (${name})`
        : cap === 'maxCompletionTokens'
          ? `max_tokens is ${requested}; this tenant or agent allows at most ${limit} (${name})`
          : `prompt plus max_tokens is ${requested} tokens; this tenant or agent allows at most ${limit} (${name})`;
  return new LLMTraceError('TOKEN_CAP_EXCEEDED', message, {
    details: { cap: name, limit, requested },
  });
}

/**
 * Budget and token caps before forwarding (DESIGN request flow step 3), and spend accounting after.
 *
 * Race-free by reserve-then-settle: the request's estimated cost is reserved on every counter that
 * applies with one atomic `CacheLayer.reserve` each (refused when it would pass the hard cap), and
 * after capture the counter is corrected by `actual − estimate`. Concurrent requests can therefore
 * never jointly pass a cap on their estimates; they overshoot only by what their true cost exceeds
 * their estimate. Counters live in the cache (Redis in production), so all replicas share them.
 *
 * A tenant without caps costs one map lookup: no parsing, no tokenizer, no cache round trip.
 */
export class BudgetGuard {
  readonly #o: BudgetGuardOptions;
  readonly #plan: BudgetPlan;
  readonly #now: () => number;
  readonly #warnShare: number;
  readonly #cachePolicy: CacheFailurePolicy;
  /** Thresholds already alerted in this process, so a settlement re-checks the cache only once. */
  readonly #alerted = new Set<string>();
  readonly #pending = new Set<Promise<void>>();
  #settleErrors = 0;

  constructor(options: BudgetGuardOptions) {
    this.#o = options;
    this.#plan = new BudgetPlan(options.config);
    this.#now = options.now ?? Date.now;
    this.#warnShare = options.config.warn_at_percent / 100;
    this.#cachePolicy =
      options.cachePolicy ??
      new CacheFailurePolicy({ mode: options.config.on_cache_failure, logger: options.logger });
  }

  /** The policy applied when the counters' cache is unreachable (shared with rate limits). */
  get cachePolicy(): CacheFailurePolicy {
    return this.#cachePolicy;
  }

  /** True when no tenant has any cap (the server then skips the guard entirely). */
  get empty(): boolean {
    return this.#plan.empty;
  }

  /** The rules of a tenant and agent (null: none). */
  rulesFor(tenantId: TenantId, agentId: string | null): BudgetRules | null {
    return this.#plan.rulesFor(tenantId, agentId);
  }

  /**
   * Checks token caps and reserves the estimated cost on every spend counter. Synchronous (and
   * free) when nothing applies to this tenant and agent.
   */
  check(req: BudgetRequest): BudgetDecision | Promise<BudgetDecision> {
    const rules = this.#plan.rulesFor(req.tenantId, req.agentId);
    if (rules === null) return DONE;
    // One reading for every header and body shape the proxy forwards (issue 14, item 3): the path
    // picks the parser, not X-LLMTrace-Provider; a BOM is skipped; a generation body on an unknown
    // path is still counted; a generation path whose body cannot be read is refused.
    const reading = req.read();
    if (reading.kind === 'none') return DONE;
    if (reading.kind === 'unreadable') {
      return {
        ok: false,
        error: new LLMTraceError(
          'BAD_REQUEST',
          `this tenant has budget or token caps, and LLMTrace could not read the request to count it: ${reading.reason}`,
        ),
      };
    }
    const prompt = promptText(reading.request);
    if (rules.tokens !== null && prompt.length > SYNC_COUNT_CHARS) {
      // A long prompt is counted in slices so that it never holds other requests (issue 14, item 1).
      return countTokensSliced(prompt, { maxExactChars: REQUEST_EXACT_CHARS }).then((count) =>
        this.#decide(req, rules, reading, { prompt, promptTokens: count.tokens }),
      );
    }
    const tokens =
      rules.tokens === null
        ? undefined
        : countTokensBounded(prompt, { maxExactChars: REQUEST_EXACT_CHARS }).tokens;
    return this.#decide(req, rules, reading, { prompt, promptTokens: tokens });
  }

  #decide(
    req: BudgetRequest,
    rules: BudgetRules,
    reading: GenerationReading,
    {
      prompt,
      promptTokens,
    }: { readonly prompt: string; readonly promptTokens: number | undefined },
  ): BudgetDecision | Promise<BudgetDecision> {
    const { request, choices } = reading;
    if (rules.tokens !== null && promptTokens !== undefined) {
      const refused = this.#checkTokens(rules.tokens, promptTokens, request.maxTokens, choices);
      if (refused !== undefined) return { ok: false, error: refused };
    }
    if (rules.counters.length === 0) return DONE;

    const model = request.model ?? reading.adapter?.modelForPath?.(req.path) ?? null;
    // Without token caps the prompt is not run through the tokenizer (its cost per character is
    // too high for the request path): the per-script estimate is at or above the tokenizer's count
    // for the scripts we measured (CJK one token per character), and settlement replaces it with
    // the true cost. Every requested choice (`n`) can use max_tokens (issue 14, item 3).
    const usage: TokenUsage = {
      promptTokens: promptTokens ?? estimateTokensBounded(prompt),
      completionTokens: (request.maxTokens ?? this.#o.config.default_completion_tokens) * choices,
    };
    const usd = model === null ? null : this.#price(req, model, usage);
    if (usd === null && this.#o.config.unpriced_models === 'refuse') {
      return {
        ok: false,
        error: new LLMTraceError(
          'FORBIDDEN',
          `model ${model ?? '(none)'} has no known price and this tenant has a USD budget (budgets.unpriced_models: refuse); add its price under pricing.models`,
          { details: { model } },
        ),
      };
    }
    // An unpriced model (with `allow`) reserves $0: it is forwarded while the cap is not passed,
    // and counts nothing (its cost is unknown, never a guessed number).
    return this.#reserve(req, rules.counters, usd === null ? 0 : toMicros(usd));
  }

  /** The claimed provider's price, else the price the request has without a provider header. */
  #price(req: BudgetRequest, model: string, usage: TokenUsage): number | null {
    const own = this.#o.price(req.provider, model, usage);
    if (own !== null) return own;
    const fallback = pricingFallback(req.provider, req.path, this.#o.defaultProvider ?? 'openai');
    return fallback === null ? null : this.#o.price(fallback, model, usage);
  }

  #checkTokens(
    caps: TokenCaps,
    prompt: number,
    requestedMax: number | null,
    choices: number,
  ): LLMTraceError | undefined {
    // `n` choices may each produce max_tokens: the request's completion limit is their sum.
    const maxTokens = requestedMax === null ? null : requestedMax * choices;
    if (caps.maxPromptTokens !== undefined && prompt > caps.maxPromptTokens) {
      return tokenCapError('maxPromptTokens', caps.maxPromptTokens, prompt);
    }
    // Without max_tokens the completion is unbounded, so a completion or total cap cannot hold.
    if (caps.maxCompletionTokens !== undefined) {
      if (maxTokens === null)
        return tokenCapError('maxCompletionTokens', caps.maxCompletionTokens, null);
      if (maxTokens > caps.maxCompletionTokens) {
        return tokenCapError('maxCompletionTokens', caps.maxCompletionTokens, maxTokens);
      }
    }
    if (caps.maxTotalTokens !== undefined) {
      const room = caps.maxTotalTokens - prompt;
      if (maxTokens === null)
        return tokenCapError('maxTotalTokens', caps.maxTotalTokens, null, room);
      if (prompt + maxTokens > caps.maxTotalTokens) {
        return tokenCapError('maxTotalTokens', caps.maxTotalTokens, prompt + maxTokens);
      }
    }
    return undefined;
  }

  async #reserve(
    req: BudgetRequest,
    rules: readonly CounterRule[],
    micros: number,
  ): Promise<BudgetDecision> {
    const reserved: ReservedCounter[] = [];
    try {
      const decision = await this.#reserveAll(req, rules, micros, reserved);
      this.#cachePolicy.succeeded();
      return decision;
    } catch (error) {
      // The counters are unreachable (Redis down): the configured policy decides (issue 14,
      // item 8). What this request already reserved is given back if the cache allows.
      this.#adjust(reserved, -micros).catch(() => undefined);
      const outcome = this.#cachePolicy.failed(error, 'budget reservation');
      return outcome.ok ? DONE : outcome;
    }
  }

  async #reserveAll(
    req: BudgetRequest,
    rules: readonly CounterRule[],
    micros: number,
    reserved: ReservedCounter[],
  ): Promise<BudgetDecision> {
    const now = this.#now();
    for (const rule of rules) {
      const counter = this.#counter(req.tenantId, req.agentId, rule, now);
      if (rule.hardMicros === null) {
        // Soft-only cap: nothing to refuse, the spend is still counted for its alert.
        await this.#o.cache.increment(counter.key, micros, counter.ttlSeconds);
        reserved.push(counter);
        continue;
      }
      const result = await this.#o.cache.reserve(
        counter.key,
        micros,
        rule.hardMicros,
        counter.ttlSeconds,
      );
      if (result.ok) {
        reserved.push(counter);
        continue;
      }
      // Give back what this request reserved on the other counters (they are not atomic together;
      // a concurrent request may briefly see them higher, which can only make it more careful).
      await this.#adjust(reserved, -micros);
      return this.#refusal(req, counter, result.value, now);
    }
    return {
      ok: true,
      reservation: { tenantId: req.tenantId, agentId: req.agentId, micros, counters: reserved },
    };
  }

  #refusal(
    req: BudgetRequest,
    { rule, period }: ReservedCounter,
    spentMicros: number,
    now: number,
  ): BudgetDecision {
    const retryAfter = secondsUntilReset(period, now);
    const limit = fromMicros(rule.hardMicros ?? 0);
    const who =
      rule.scope === 'agent'
        ? `agent ${req.agentId ?? ''} of tenant ${req.tenantId}`
        : `tenant ${req.tenantId}`;
    return {
      ok: false,
      error: new LLMTraceError(
        'BUDGET_EXCEEDED',
        `the ${rule.window} budget of ${who} ($${limit}) would be exceeded by this request; it resets at ${new Date(period.end).toISOString()}`,
        {
          details: {
            window: rule.window,
            scope: rule.scope,
            ...(rule.scope === 'agent' ? { agent_id: req.agentId } : {}),
            spent_usd: fromMicros(Math.max(0, spentMicros)),
            limit_usd: limit,
            resets_at: new Date(period.end).toISOString(),
          },
        },
      ),
      headers: { 'retry-after': String(retryAfter) },
    };
  }

  #counter(
    tenantId: TenantId,
    agentId: string | null,
    rule: CounterRule,
    now: number,
  ): ReservedCounter {
    const period = periodOf(rule.window, now);
    // Tenant ids never contain `/`; agent ids are URI-encoded, so keys cannot collide. The
    // tenant-wide counter has an empty agent segment.
    const agent = rule.scope === 'agent' && agentId !== null ? encodeURIComponent(agentId) : '';
    return {
      key: `budget:${tenantId}/${agent}/${rule.window}/${period.id}`,
      ttlSeconds: secondsUntilReset(period, now) + TTL_MARGIN_SECONDS,
      rule,
      period,
    };
  }

  async #adjust(counters: readonly ReservedCounter[], micros: number): Promise<number[]> {
    const values: number[] = [];
    for (const c of counters)
      values.push(await this.#o.cache.increment(c.key, micros, c.ttlSeconds));
    return values;
  }

  /**
   * Replaces the reservation with the true cost (off the request path; never throws). `actualUsd`
   * is null when the cost is unknown: the request failed before the provider produced anything
   * (released), or a completed call had no price or usage (the estimate stays as its cost).
   */
  settle(reservation: BudgetReservation, actualUsd: number | null, completed: boolean): void {
    const actual = actualUsd !== null ? toMicros(actualUsd) : completed ? reservation.micros : 0;
    const task = this.#settle(reservation, actual - reservation.micros)
      .catch((error: unknown) => {
        this.#settleErrors++;
        this.#o.logger.warn(
          { err: error, tenantId: reservation.tenantId },
          'could not settle budget reservation',
        );
      })
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  async #settle(reservation: BudgetReservation, delta: number): Promise<void> {
    if (reservation.counters.length === 0) return;
    const values = await this.#adjust(reservation.counters, delta);
    if (this.#o.onThreshold === undefined) return;
    for (const [i, c] of reservation.counters.entries()) {
      const value = values[i] ?? 0;
      const { softMicros, hardMicros } = c.rule;
      if (softMicros !== null && value >= softMicros) {
        await this.#threshold(reservation, c, 'soft', { value, threshold: softMicros });
      }
      if (hardMicros !== null) {
        const warnAt = Math.floor(hardMicros * this.#warnShare);
        if (value >= warnAt)
          await this.#threshold(reservation, c, 'warning', { value, threshold: warnAt });
      }
    }
  }

  async #threshold(
    reservation: BudgetReservation,
    c: ReservedCounter,
    level: BudgetAlertEvent['level'],
    { value, threshold }: { readonly value: number; readonly threshold: number },
  ): Promise<void> {
    const flag = `${c.key}/${level}`;
    if (this.#alerted.has(flag)) return;
    // Once per window across replicas: the first to reserve the flag sends the alert.
    const first = await this.#o.cache.reserve(`alerted:${flag}`, 1, 1, c.ttlSeconds);
    this.#alerted.add(flag);
    if (this.#alerted.size > 10_000) this.#alerted.clear();
    if (!first.ok) return;
    this.#o.onThreshold?.({
      tenantId: reservation.tenantId,
      agentId: c.rule.scope === 'agent' ? reservation.agentId : null,
      scope: c.rule.scope,
      window: c.rule.window,
      level,
      spentUsd: fromMicros(value),
      thresholdUsd: fromMicros(threshold),
      limitUsd: fromMicros(level === 'soft' ? (c.rule.softMicros ?? 0) : (c.rule.hardMicros ?? 0)),
      periodId: c.period.id,
      resetsAt: new Date(c.period.end).toISOString(),
    });
  }

  /**
   * The counters of a tenant (and agent) in their current periods: spend so far (including
   * reservations of requests in flight), limits, what remains and when each resets.
   */
  async current(tenantId: TenantId, agentId: string | null): Promise<CounterReport[]> {
    const rules = this.#plan.rulesFor(tenantId, agentId);
    if (rules === null) return [];
    const now = this.#now();
    const reports: CounterReport[] = [];
    for (const rule of rules.counters) {
      const counter = this.#counter(tenantId, agentId, rule, now);
      const raw = await this.#o.cache.get(counter.key);
      const spent = Math.max(0, raw === null ? 0 : Number(raw) || 0);
      reports.push({
        scope: rule.scope,
        window: rule.window,
        spentUsd: fromMicros(spent),
        hardLimitUsd: rule.hardMicros === null ? null : fromMicros(rule.hardMicros),
        softLimitUsd: rule.softMicros === null ? null : fromMicros(rule.softMicros),
        remainingUsd:
          rule.hardMicros === null ? null : fromMicros(Math.max(0, rule.hardMicros - spent)),
        periodStart: new Date(counter.period.start).toISOString(),
        resetsAt: new Date(counter.period.end).toISOString(),
      });
    }
    return reports;
  }

  /** Counters for `/health`. */
  stats(): {
    readonly settleErrors: number;
    readonly pending: number;
    readonly cache: CacheFailureStats;
  } {
    return {
      settleErrors: this.#settleErrors,
      pending: this.#pending.size,
      cache: this.#cachePolicy.stats(),
    };
  }

  /** Waits for settlements in progress (before storage closes). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
