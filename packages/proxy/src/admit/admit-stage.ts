import { LLMTraceError, type CacheLayer, type TenantId } from '@llmtrace/core';
import type { SecurityAnalysis } from '@llmtrace/security';
import type { ProxyAuth } from '../auth/proxy-auth.js';
import type { BudgetDecision, BudgetGuard } from '../budgets/budget-guard.js';
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
  readonly run: (request: ParsedRequest) => SecurityAnalysis;
}

/** Options of {@link AdmitStage}. */
export interface AdmitStageOptions {
  readonly auth: ProxyAuth;
  readonly tenants: TenantDirectory;
  /** Rate-limit counters (shared by replicas when the cache is Redis). */
  readonly cache: CacheLayer;
  /** Run analyzers at all (the global switch; tenants can turn it off). */
  readonly analyse: boolean;
  /** Absent when no tenant has caps: then budgets cost nothing at all. */
  readonly budgets?: BudgetGuard | undefined;
  /** Absent in `observe` mode, so that mode pays nothing before forwarding. */
  readonly screen?: RequestScreen | undefined;
}

const GO: Verdict = Object.freeze({ ok: true });
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
    const agent = ex.own.agentId;
    if (agent !== undefined && (agent.length === 0 || agent.length > MAX_AGENT_ID)) {
      return {
        ok: false,
        error: clientError('BAD_REQUEST', 'X-LLMTrace-Agent-ID must be 1-128 characters'),
      };
    }
    return GO;
  }

  /** Admits an exchange whose body has been read. */
  admit(ex: Exchange): Verdict | Promise<Verdict> {
    const identity = this.#o.auth.identify(ex.own);
    if (identity instanceof Promise) {
      return identity.then((id) => (id.ok ? this.#tenant(ex, id.tenantId) : id));
    }
    return identity.ok ? this.#tenant(ex, identity.tenantId) : identity;
  }

  #tenant(ex: Exchange, tenantId: TenantId): Verdict | Promise<Verdict> {
    ex.tenantId = tenantId;
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
    const rpm = state?.config?.rateLimitRpm ?? null;
    if (rpm === null) return this.#budget(ex);
    // Rate limit first: a refused request must not hold a budget reservation.
    return this.#rateLimit(ex.tenantId, rpm).then((v) => (v.ok ? this.#budget(ex) : v));
  }

  async #rateLimit(tenantId: TenantId, rpm: number): Promise<Verdict> {
    // Fixed one-minute windows: one atomic increment per request, shared by every replica when the
    // cache is shared (Redis).
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    const count = await this.#o.cache.increment(`rl:${tenantId}:${window}`, 1, 120);
    if (count <= rpm) return GO;
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
    return {
      ok: false,
      error: new LLMTraceError(
        'RATE_LIMITED',
        `rate limit of ${rpm} requests per minute exceeded`,
        {
          details: { limit_rpm: rpm, retry_after_seconds: retryAfter },
        },
      ),
      headers: { 'retry-after': String(retryAfter) },
    };
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
      request: () => ex.parsedRequest(),
    });
    const next = (d: BudgetDecision): Verdict => {
      if (!d.ok) return { ok: false, error: d.error, headers: d.headers };
      ex.budget = d.reservation;
      return this.#screen(ex);
    };
    return decision instanceof Promise ? decision.then(next) : next(decision);
  }

  #screen(ex: Exchange): Verdict {
    const screen = this.#o.screen;
    if (screen === undefined || !ex.analyse) return GO;
    const request = ex.parsedRequest();
    if (request === null) return GO;
    const screening = screen.run(request);
    ex.screening = screening;
    if (screen.mode !== 'block' || screening.score < screen.blockThreshold) return GO;
    if (screening.findings.length === 0) return GO;
    const top = [...screening.findings].sort((a, b) => b.confidence - a.confidence)[0];
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
