import { LLMTraceError, type TenantId } from '@llmtrace/core';
import type { SecurityAnalysis } from '@llmtrace/security';
import type { Identity, ProxyAuth } from '../auth/proxy-auth.js';
import type { BudgetDecision, BudgetGuard } from '../budgets/budget-guard.js';
import type { RateLimiter, RateLimits } from '../budgets/rate-limiter.js';
import type { Exchange } from '../exchange/exchange.js';
import { clientError } from '../http/error-envelope.js';
import type { ParsedRequest } from '../providers/types.js';
import type { TenantDirectory } from '../tenant/tenant-directory.js';

/** Why admit refuses a request: answered in the client's format, never forwarded. */
export interface Refusal {
  readonly ok: false;
  readonly error: LLMTraceError;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Record the refused exchange as a span (security blocks: the attempt is the finding). */
  readonly record?: boolean;
}

/** The outcome of admit: go, or a refusal. */
export type Verdict = { readonly ok: true } | Refusal;

/** The request screen of `flag` and `block` modes. */
export interface RequestScreen {
  readonly mode: 'flag' | 'block';
  readonly blockThreshold: number;
  /** Finding types that may block (`security.block_on`); others only add to the score. */
  readonly blockOn: ReadonlySet<string>;
  readonly run: (
    request: ParsedRequest,
    tenantId: string,
  ) => SecurityAnalysis & { readonly partial?: string | undefined };
  /**
   * Block mode with `security.ml.block`: the transformer tier's second opinion, awaited (within
   * its time budget) before the block decision. Absent otherwise: the fast tier alone decides.
   */
  readonly refine?:
    | ((
        request: ParsedRequest,
        fast: SecurityAnalysis & { readonly partial?: string | undefined },
      ) => Promise<SecurityAnalysis & { readonly partial?: string | undefined }>)
    | undefined;
}

/** Options of {@link AdmitStage}. */
export interface AdmitStageOptions {
  readonly auth: ProxyAuth;
  readonly tenants: TenantDirectory;
  /**
   * Requests and tokens per minute per tenant and agent (counters shared by replicas when the
   * cache is Redis; `budgets.on_cache_failure` decides when it is down).
   */
  readonly rateLimiter: RateLimiter;
  /** Run analyzers at all (the global switch; tenants can turn it off). */
  readonly analyse: boolean;
  /** Absent when no tenant has caps: then budgets cost nothing at all. */
  readonly budgets?: BudgetGuard | undefined;
  /** Absent in `observe` mode, so that mode pays nothing before forwarding. */
  readonly screen?: RequestScreen | undefined;
  /**
   * Authentication is on: a request without `X-LLMTrace-Key` is refused before its body is read, so
   * unauthenticated clients cannot make the proxy buffer bodies (issue 14, item 7).
   */
  readonly requireKey?: boolean | undefined;
}

const GO: Verdict = Object.freeze({ ok: true });
/** What flag mode reports for a request with nothing to screen: every response carries a score. */
const NOTHING_TO_SCREEN: SecurityAnalysis = Object.freeze({ score: 0, findings: [] });
const MAX_AGENT_ID = 128;

/**
 * Stage 1 of the request path (DESIGN "Request flow"): decides, before anything is forwarded,
 * whose request this is and whether it may go — auth and tenant ({@link ProxyAuth}), deleted
 * tenants, per-tenant rate limits, token and budget caps (reserving the estimated spend), then the
 * request screen. It writes what it learns into the exchange: tenant, analyse flag, reservation,
 * screening. Without auth, rate limits, caps or screen the answer is synchronous.
 */
export class AdmitStage {
  readonly #o: AdmitStageOptions;

  constructor(options: AdmitStageOptions) {
    this.#o = options;
  }

  /** Checks what the headers alone decide, before the body is read. */
  precheck(ex: Exchange): Verdict {
    if (this.#o.requireKey === true && ex.own.key === undefined) {
      return {
        ok: false,
        error: clientError(
          'UNAUTHORIZED',
          'authentication is enabled: send your LLMTrace key in X-LLMTrace-Key',
        ),
      };
    }
    const agent = ex.own.agentId;
    if (agent !== undefined && (agent.length === 0 || agent.length > MAX_AGENT_ID)) {
      return {
        ok: false,
        error: clientError('BAD_REQUEST', 'X-LLMTrace-Agent-ID must be 1-128 characters'),
      };
    }
    return GO;
  }

  /**
   * Whose request this is, from the headers alone (key → tenant), before the body is read: with
   * authentication on, a wrong key is refused without buffering a byte of the body (issue 14,
   * item 7). Writes the tenant into the exchange.
   */
  identify(ex: Exchange): Verdict | Promise<Verdict> {
    const identity = this.#o.auth.identify(ex.own);
    const settle = (id: Identity): Verdict => {
      if (!id.ok) return id;
      ex.tenantId = id.tenantId;
      return GO;
    };
    return identity instanceof Promise ? identity.then(settle) : settle(identity);
  }

  /** Admits an identified exchange ({@link identify}) whose body has been read. */
  admit(ex: Exchange): Verdict | Promise<Verdict> {
    if (ex.tenantId !== '') return this.#tenant(ex, ex.tenantId);
    const identity = this.identify(ex);
    if (identity instanceof Promise) {
      return identity.then((v) => (v.ok ? this.#tenant(ex, ex.tenantId) : v));
    }
    return identity.ok ? this.#tenant(ex, ex.tenantId) : identity;
  }

  #tenant(ex: Exchange, tenantId: TenantId): Verdict | Promise<Verdict> {
    // First request of a tenant in this process: wait for its settings once, so that deletion and
    // rate limits apply from the very first request.
    if (this.#o.tenants.get(tenantId) === undefined) {
      return this.#o.tenants.refresh(tenantId).then(() => this.#limits(ex));
    }
    return this.#limits(ex);
  }

  #limits(ex: Exchange): Verdict | Promise<Verdict> {
    const state = this.#o.tenants.peek(ex.tenantId);
    if (state?.deleted === true) {
      return {
        ok: false,
        error: new LLMTraceError('FORBIDDEN', `tenant ${ex.tenantId} has been deleted`),
      };
    }
    ex.analyse = this.#o.analyse && state?.config?.securityAnalysis !== false;
    const limits = this.#o.rateLimiter.limitsFor(state?.config);
    if (limits === null) return this.#budget(ex);
    // Rate limit first: a refused request must not hold a budget reservation.
    return this.#rateLimit(ex, limits).then((v) => (v.ok ? this.#afterRateLimit(ex) : v));
  }

  /** Budget and screen after a rate-limit reservation; a later refusal gives its tokens back. */
  async #afterRateLimit(ex: Exchange): Promise<Verdict> {
    const verdict = await this.#budget(ex);
    const reserved = ex.rateLimit;
    if (!verdict.ok && reserved !== undefined) {
      ex.rateLimit = undefined;
      this.#o.rateLimiter.settle(reserved, 0, false);
    }
    return verdict;
  }

  /** The rate-limit step (issue 19, part 3): one atomic reservation of requests and tokens. */
  async #rateLimit(ex: Exchange, limits: RateLimits): Promise<Verdict> {
    const d = await this.#o.rateLimiter.check({
      tenantId: ex.tenantId,
      agentId: ex.agentId,
      limits,
      read: () => ex.reading(),
      bodyBytes: ex.requestBody?.length ?? 0,
    });
    if (!d.ok) {
      const refusal: Refusal = { ok: false, error: d.error, headers: d.headers };
      return d.error.code === 'SERVICE_UNAVAILABLE' ? this.#unavailable(ex, refusal) : refusal;
    }
    ex.rateLimit = d.reservation;
    if (d.headers.length > 0) ex.rateLimitHeaders = d.headers;
    return GO;
  }

  #budget(ex: Exchange): Verdict | Promise<Verdict> {
    const budgets = this.#o.budgets;
    if (budgets === undefined) return this.#screen(ex);
    const decision = budgets.check({
      tenantId: ex.tenantId,
      agentId: ex.agentId,
      provider: ex.provider,
      method: ex.method,
      path: ex.path,
      read: () => ex.reading(),
    });
    const next = (d: BudgetDecision): Verdict | Promise<Verdict> => {
      if (!d.ok) {
        const refusal: Refusal = { ok: false, error: d.error, headers: d.headers };
        return d.error.code === 'SERVICE_UNAVAILABLE' ? this.#unavailable(ex, refusal) : refusal;
      }
      ex.budget = d.reservation;
      return this.#screen(ex);
    };
    return decision instanceof Promise ? decision.then(next) : next(decision);
  }

  /**
   * A refusal because the counters are unreachable (`budgets.on_cache_failure: closed`): recorded
   * as a span, so an outage that refuses traffic leaves a trace of what it refused (issue 14, item 8).
   */
  #unavailable(ex: Exchange, refusal: Refusal): Refusal {
    ex.statusCode = refusal.error.status;
    ex.end('rejected', 'refused: budget and rate-limit counters unreachable');
    return { ...refusal, record: true };
  }

  #screen(ex: Exchange): Verdict | Promise<Verdict> {
    const screen = this.#o.screen;
    if (screen === undefined || !ex.analyse) return GO;
    const reading = ex.reading();
    if (reading.kind === 'none') {
      ex.screening = NOTHING_TO_SCREEN;
      return GO;
    }
    if (reading.kind === 'unreadable') {
      // A chat request the screen cannot read is not forwarded unchecked (issue 14, item 4).
      if (screen.mode !== 'block') return GO;
      const message = `LLMTrace could not read this request to screen it: ${reading.reason}`;
      ex.statusCode = 400;
      ex.end('rejected', message);
      return { ok: false, record: true, error: clientError('BAD_REQUEST', message) };
    }
    const screening = screen.run(reading.request, ex.tenantId);
    if (screen.mode === 'block' && screen.refine !== undefined) {
      return screen.refine(reading.request, screening).then((refined) => this.#decide(ex, refined));
    }
    return this.#decide(ex, screening);
  }

  #decide(
    ex: Exchange,
    screening: SecurityAnalysis & { readonly partial?: string | undefined },
  ): Verdict {
    const screen = this.#o.screen as RequestScreen;
    ex.screening = screening;
    if (screen.mode !== 'block' || screening.score < screen.blockThreshold) return GO;
    // The score counts every finding; only a finding of a `block_on` type may refuse (a user's own
    // e-mail address raises the score but never blocks by default — issue 11, item 7).
    const blocking = screening.findings.filter((f) => screen.blockOn.has(f.type));
    if (blocking.length === 0) return GO;
    const top = [...blocking].sort((a, b) => b.confidence - a.confidence)[0];
    ex.statusCode = 403;
    ex.end('rejected', `blocked: security score ${screening.score}`);
    return {
      ok: false,
      record: true,
      error: clientError(
        'SECURITY_BLOCKED',
        `request blocked by LLMTrace security policy: ${top?.description ?? 'security score over the threshold'}`,
        {
          security_score: screening.score,
          findings: screening.findings.map((f) => ({
            type: f.type,
            severity: f.severity,
            description: f.description,
          })),
        },
      ),
    };
  }
}
