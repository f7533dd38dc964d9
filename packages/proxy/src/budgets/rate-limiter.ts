import {
  LLMTraceError,
  type CacheLayer,
  type Config,
  type CounterReservation,
  type TenantConfig,
  type TenantId,
} from '@llmtrace/core';
import type { Logger } from 'pino';
import type { RequestReading } from '../providers/read-request.js';
import type { ParsedRequest } from '../providers/types.js';
import { estimateTokensBounded } from '../tokens/cheap-token-estimate.js';
import type { CacheFailurePolicy } from './cache-failure-policy.js';

/** The per-minute limits that apply to one tenant (null: none of that kind). */
export interface RateLimits {
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly agentRpm: number | null;
  readonly agentTpm: number | null;
}

/** What the rate-limit step needs to know about a request. */
export interface RateRequest {
  readonly tenantId: TenantId;
  readonly agentId: string | null;
  readonly limits: RateLimits;
  /** The request as admit reads it (parsed once per exchange); called only when a TPM applies. */
  readonly read: () => RequestReading;
  /** Bytes of the request body (the estimate of a body that cannot be read). */
  readonly bodyBytes: number;
}

/** Tokens reserved before forwarding, settled to the answer's usage after capture. */
export interface RateReservation {
  readonly tenantId: TenantId;
  readonly tokens: number;
  readonly counters: readonly { readonly key: string; readonly ttlSeconds: number }[];
}

/** Outcome of the rate-limit step: a value, never an exception (STYLE rule 10). */
export type RateDecision =
  | {
      readonly ok: true;
      readonly reservation: RateReservation | undefined;
      /** `x-ratelimit-*` headers for the answer (name, value, name, value …). */
      readonly headers: readonly string[];
    }
  | {
      readonly ok: false;
      readonly error: LLMTraceError;
      readonly headers: Readonly<Record<string, string>>;
    };

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Global defaults (`rate_limits`); a tenant's own settings override them one by one. */
  readonly defaults: Config['rate_limits'];
  readonly cache: CacheLayer;
  /** `budgets.on_cache_failure`, shared with the budget guard. */
  readonly cachePolicy: CacheFailurePolicy;
  /** Completion tokens assumed for a request without max_tokens (`budgets.default_completion_tokens`). */
  readonly defaultCompletionTokens: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

const WINDOW_MS = 60_000;
/** Counters outlive their minute a little, so a late settlement still finds (and fixes) them. */
const TTL_SECONDS = 180;

/** The OpenAI-style `x-ratelimit-*` header names (OpenAI API "Rate limits" guide). */
const H = {
  limitRequests: 'x-ratelimit-limit-requests',
  remainingRequests: 'x-ratelimit-remaining-requests',
  resetRequests: 'x-ratelimit-reset-requests',
  limitTokens: 'x-ratelimit-limit-tokens',
  remainingTokens: 'x-ratelimit-remaining-tokens',
  resetTokens: 'x-ratelimit-reset-tokens',
} as const;

/** Names of the headers the limiter sets; relay drops the upstream's own values of them. */
export const RATE_LIMIT_HEADERS: ReadonlySet<string> = new Set(Object.values(H));

function promptText(request: ParsedRequest): string {
  const parts = request.system === null ? [] : [request.system];
  for (const m of request.messages) parts.push(m.content);
  return parts.join('\n');
}

/** A duration the way OpenAI writes `x-ratelimit-reset-*`: `250ms`, `17s`, `1m0s`. */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

interface Counter {
  readonly kind: 'requests' | 'tokens';
  readonly scope: 'tenant' | 'agent';
  readonly limit: number;
  readonly entry: CounterReservation;
}

/**
 * Requests and tokens per minute, per tenant and per agent (issue 19, part 3). Fixed one-minute
 * windows; every applicable counter — tenant RPM and TPM, agent RPM and TPM — is reserved in one
 * atomic `reserveAll` (one Lua script on Redis, one transaction on SQLite), so replicas can never
 * jointly pass a limit on their estimates. The token estimate (prompt estimate plus max_tokens,
 * times `n`) is replaced by the answer's usage at settle, so a window overshoots by at most what
 * the requests in flight produce beyond their estimates — with max_tokens set, never.
 */
export class RateLimiter {
  readonly #o: RateLimiterOptions;
  readonly #now: () => number;
  readonly #pending = new Set<Promise<void>>();
  #settleErrors = 0;

  /** True when no limit is configured globally (tenants may still set their own). */
  readonly globallyOff: boolean;

  constructor(options: RateLimiterOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    const d = options.defaults;
    this.globallyOff =
      d.rpm === null && d.tpm === null && d.agent_rpm === null && d.agent_tpm === null;
  }

  /** The limits of a tenant: its own settings, else the global defaults; null when none apply. */
  limitsFor(config: TenantConfig | null | undefined): RateLimits | null {
    // The common case — no limit anywhere — allocates nothing (STYLE rule 15).
    if (
      this.globallyOff &&
      (config == null ||
        (config.rateLimitRpm == null &&
          config.rateLimitTpm == null &&
          config.agentRateLimitRpm == null &&
          config.agentRateLimitTpm == null))
    )
      return null;
    const d = this.#o.defaults;
    const limits: RateLimits = {
      rpm: config?.rateLimitRpm ?? d.rpm,
      tpm: config?.rateLimitTpm ?? d.tpm,
      agentRpm: config?.agentRateLimitRpm ?? d.agent_rpm,
      agentTpm: config?.agentRateLimitTpm ?? d.agent_tpm,
    };
    return limits.rpm === null &&
      limits.tpm === null &&
      limits.agentRpm === null &&
      limits.agentTpm === null
      ? null
      : limits;
  }

  /** Reserves one request and the estimated tokens on every counter that applies, or refuses. */
  async check(req: RateRequest): Promise<RateDecision> {
    const now = this.#now();
    const window = Math.floor(now / WINDOW_MS);
    const resetMs = (window + 1) * WINDOW_MS - now;
    const { limits } = req;
    const agent = req.agentId === null ? null : encodeURIComponent(req.agentId);
    const needTokens = limits.tpm !== null || (agent !== null && limits.agentTpm !== null);
    const tokens = needTokens ? this.#estimate(req) : 0;
    const counters: Counter[] = [];
    const add = (
      kind: Counter['kind'],
      scope: Counter['scope'],
      limit: number | null,
      amount: number,
    ): void => {
      if (limit === null) return;
      const who = scope === 'tenant' ? req.tenantId : `${req.tenantId}/${agent ?? ''}`;
      counters.push({
        kind,
        scope,
        limit,
        entry: {
          key: `rl:${kind === 'requests' ? 'r' : 't'}:${who}:${window}`,
          amount,
          limit,
          ttlSeconds: TTL_SECONDS,
        },
      });
    };
    add('requests', 'tenant', limits.rpm, 1);
    add('tokens', 'tenant', limits.tpm, tokens);
    if (agent !== null) {
      add('requests', 'agent', limits.agentRpm, 1);
      add('tokens', 'agent', limits.agentTpm, tokens);
    }
    if (counters.length === 0) return { ok: true, reservation: undefined, headers: [] };

    let outcome: { readonly ok: boolean; readonly values: readonly number[] };
    try {
      outcome = await this.#o.cache.reserveAll(counters.map((c) => c.entry));
      this.#o.cachePolicy.succeeded();
    } catch (error) {
      // The shared cache is down: budgets.on_cache_failure decides (issue 14, item 8).
      const failed = this.#o.cachePolicy.failed(error, 'rate limit');
      return failed.ok ? { ok: true, reservation: undefined, headers: [] } : failed;
    }
    const headers = this.#headers(counters, outcome.values, resetMs);
    if (outcome.ok) {
      const tokenCounters = counters
        .filter((c) => c.kind === 'tokens')
        .map((c) => ({ key: c.entry.key, ttlSeconds: TTL_SECONDS }));
      return {
        ok: true,
        reservation:
          tokenCounters.length === 0
            ? undefined
            : { tenantId: req.tenantId, tokens, counters: tokenCounters },
        headers,
      };
    }
    return this.#refusal(counters, outcome.values, { tokens, resetMs, headers });
  }

  #estimate(req: RateRequest): number {
    const reading = req.read();
    const completion = this.#o.defaultCompletionTokens;
    switch (reading.kind) {
      case 'none':
        return 0;
      case 'unreadable':
        // Roughly four bytes per token: settlement replaces it with the answer's usage.
        return Math.ceil(req.bodyBytes / 4) + completion;
      case 'generation':
        return (
          estimateTokensBounded(promptText(reading.request)) +
          (reading.request.maxTokens ?? completion) * reading.choices
        );
    }
  }

  /** Header values: for each kind the tightest counter (least remaining) speaks. */
  #headers(counters: readonly Counter[], values: readonly number[], resetMs: number): string[] {
    const out: string[] = [];
    for (const kind of ['requests', 'tokens'] as const) {
      let best: { limit: number; remaining: number } | undefined;
      counters.forEach((c, i) => {
        if (c.kind !== kind) return;
        const remaining = Math.max(0, Math.floor(c.limit - (values[i] ?? 0)));
        if (best === undefined || remaining < best.remaining) best = { limit: c.limit, remaining };
      });
      if (best === undefined) continue;
      const reset = duration(resetMs);
      if (kind === 'requests') {
        out.push(H.limitRequests, String(best.limit), H.remainingRequests);
        out.push(String(best.remaining), H.resetRequests, reset);
      } else {
        out.push(H.limitTokens, String(best.limit), H.remainingTokens);
        out.push(String(best.remaining), H.resetTokens, reset);
      }
    }
    return out;
  }

  #refusal(
    counters: readonly Counter[],
    values: readonly number[],
    {
      tokens,
      resetMs,
      headers,
    }: { readonly tokens: number; readonly resetMs: number; readonly headers: readonly string[] },
  ): RateDecision {
    const full = counters.find((c, i) => (values[i] ?? 0) + c.entry.amount > c.limit);
    const retryAfter = Math.max(1, Math.ceil(resetMs / 1000));
    const out: Record<string, string> = { 'retry-after': String(retryAfter) };
    for (let i = 0; i + 1 < headers.length; i += 2) out[headers[i] ?? ''] = headers[i + 1] ?? '';
    const who = full?.scope === 'agent' ? 'this agent' : 'this tenant';
    const unit = full?.kind === 'tokens' ? 'tokens' : 'requests';
    const limit = full?.limit ?? 0;
    const never = full?.kind === 'tokens' && tokens > limit;
    const message = never
      ? `this request needs about ${tokens} tokens, more than the ${limit} tokens per minute ${who} may use; lower max_tokens or shorten the prompt`
      : `rate limit of ${limit} ${unit} per minute for ${who} reached; retry in ${retryAfter} s`;
    return {
      ok: false,
      error: new LLMTraceError('RATE_LIMITED', message, {
        details: {
          [full?.kind === 'tokens' ? 'limit_tpm' : 'limit_rpm']: limit,
          scope: full?.scope ?? 'tenant',
          ...(full?.kind === 'tokens' ? { estimated_tokens: tokens } : {}),
          retry_after_seconds: retryAfter,
        },
      }),
      headers: out,
    };
  }

  /**
   * Replaces the reserved estimate with the answer's tokens (off the request path; never throws).
   * `actual` is null when the usage is unknown: a failed call releases the reservation, a completed
   * one keeps its estimate.
   */
  settle(reservation: RateReservation, actual: number | null, completed: boolean): void {
    const spent = actual ?? (completed ? reservation.tokens : 0);
    const delta = spent - reservation.tokens;
    if (delta === 0) return;
    const task = Promise.all(
      reservation.counters.map((c) => this.#o.cache.increment(c.key, delta, c.ttlSeconds)),
    )
      .then(() => undefined)
      .catch((error: unknown) => {
        this.#settleErrors++;
        this.#o.logger.warn(
          { err: error, tenantId: reservation.tenantId },
          'could not settle rate-limit tokens',
        );
      })
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** Settlements that failed since start (for `/health`). */
  get settleErrors(): number {
    return this.#settleErrors;
  }

  /** Waits for settlements in progress (before storage closes). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
