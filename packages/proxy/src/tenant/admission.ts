import { LLMTraceError, type CacheLayer, type TenantId } from '@llmtrace/core';
import type { Authenticator } from '../api/authenticator.js';
import type { CacheFailurePolicy } from '../budgets/cache-failure-policy.js';
import type { BudgetDecision, BudgetGuard, BudgetReservation } from '../budgets/budget-guard.js';
import type { CaptureJob } from '../capture/capture-job.js';
import type { LLMTraceHeaders } from '../http/headers.js';
import { resolveTenant } from './resolve-tenant.js';
import type { TenantDirectory } from './tenant-directory.js';

/** The outcome of admission: who the request belongs to, or why it is refused. */
export type Admission =
  | {
      readonly ok: true;
      readonly tenantId: TenantId;
      readonly analyse: boolean;
      /** Spend reserved on the tenant's budget counters, to settle after capture. */
      readonly budget?: BudgetReservation | undefined;
    }
  | {
      readonly ok: false;
      readonly error: LLMTraceError;
      readonly headers?: Record<string, string>;
    };

/** What admission reads of the request besides its headers (set by the forwarder). */
type RequestFacts = Pick<CaptureJob, 'agentId' | 'provider' | 'method' | 'path'>;

/**
 * Decides, before forwarding, whose request this is and whether it may go: LLMTrace key (when auth
 * is on) or tenant header / hashed provider key, deleted tenants, per-tenant rate limits, then
 * token and budget caps ({@link BudgetGuard}). Without auth, rate limit or caps the answer is
 * synchronous — that common case pays no promise.
 */
export class AdmissionControl {
  readonly #auth: Authenticator;
  readonly #tenants: TenantDirectory;
  readonly #cache: CacheLayer;
  readonly #defaultTenant: TenantId;
  readonly #analyse: boolean;
  readonly #budgets: BudgetGuard | undefined;
  readonly #cachePolicy: CacheFailurePolicy | undefined;

  constructor(options: {
    authenticator: Authenticator;
    tenants: TenantDirectory;
    cache: CacheLayer;
    defaultTenant: TenantId;
    analyse: boolean;
    /** Absent when no tenant has caps: then budgets cost nothing at all. */
    budgets?: BudgetGuard | undefined;
    /** What a rate limit does when the cache is unreachable (shared with the budget guard). */
    cachePolicy?: CacheFailurePolicy | undefined;
  }) {
    this.#auth = options.authenticator;
    this.#tenants = options.tenants;
    this.#cache = options.cache;
    this.#defaultTenant = options.defaultTenant;
    this.#analyse = options.analyse;
    this.#budgets = options.budgets;
    this.#cachePolicy = options.cachePolicy;
  }

  admit(
    own: LLMTraceHeaders,
    req: RequestFacts,
    body: Buffer | null,
  ): Admission | Promise<Admission> {
    if (this.#auth.enabled) return this.#admitWithKey(own, req, body);
    const resolved = resolveTenant(own.tenantId, own.upstreamCredential, this.#defaultTenant);
    if (resolved.error !== undefined) {
      return { ok: false, error: new LLMTraceError('BAD_REQUEST', resolved.error) };
    }
    return this.#checkTenant(resolved.tenantId, req, body);
  }

  async #admitWithKey(
    own: LLMTraceHeaders,
    req: RequestFacts,
    body: Buffer | null,
  ): Promise<Admission> {
    if (own.key === undefined) {
      return {
        ok: false,
        error: new LLMTraceError(
          'UNAUTHORIZED',
          'authentication is enabled: send your LLMTrace key in X-LLMTrace-Key',
        ),
      };
    }
    try {
      const principal = await this.#auth.resolve(own.key);
      if (principal.kind !== 'tenant_key') {
        return {
          ok: false,
          error: new LLMTraceError(
            'FORBIDDEN',
            'proxy traffic needs a tenant key, not the admin key',
          ),
        };
      }
      // The tenant comes from the key; a tenant header naming another tenant is refused.
      if (own.tenantId !== undefined && own.tenantId !== principal.tenantId) {
        return {
          ok: false,
          error: new LLMTraceError('FORBIDDEN', 'X-LLMTrace-Tenant-ID does not match the key'),
        };
      }
      return await this.#checkTenant(principal.tenantId, req, body);
    } catch (error) {
      if (error instanceof LLMTraceError) return { ok: false, error };
      throw error;
    }
  }

  #checkTenant(
    tenantId: TenantId,
    req: RequestFacts,
    body: Buffer | null,
  ): Admission | Promise<Admission> {
    const state = this.#tenants.get(tenantId);
    // First request of a tenant in this process: wait for its settings once, so that deletion and
    // rate limits apply from the very first request.
    if (state === undefined) {
      return this.#tenants.refresh(tenantId).then(() => this.#checkLoaded(tenantId, req, body));
    }
    return this.#checkLoaded(tenantId, req, body);
  }

  #checkLoaded(
    tenantId: TenantId,
    req: RequestFacts,
    body: Buffer | null,
  ): Admission | Promise<Admission> {
    const state = this.#tenants.peek(tenantId);
    if (state?.deleted === true) {
      return {
        ok: false,
        error: new LLMTraceError('FORBIDDEN', `tenant ${tenantId} has been deleted`),
      };
    }
    const analyse = this.#analyse && state?.config?.securityAnalysis !== false;
    const rpm = state?.config?.rateLimitRpm ?? null;
    if (rpm === null) return this.#checkBudget(tenantId, analyse, req, body);
    // Rate limit first: a refused request must not hold a budget reservation.
    return this.#rateLimit(tenantId, rpm, analyse).then((a) =>
      a.ok ? this.#checkBudget(tenantId, analyse, req, body) : a,
    );
  }

  #checkBudget(
    tenantId: TenantId,
    analyse: boolean,
    req: RequestFacts,
    body: Buffer | null,
  ): Admission | Promise<Admission> {
    if (this.#budgets === undefined) return { ok: true, tenantId, analyse };
    const decision = this.#budgets.check({
      tenantId,
      agentId: req.agentId,
      provider: req.provider,
      method: req.method,
      path: req.path,
      body,
    });
    const toAdmission = (d: BudgetDecision): Admission =>
      d.ok
        ? { ok: true, tenantId, analyse, budget: d.reservation }
        : { ok: false, error: d.error, ...(d.headers === undefined ? {} : { headers: d.headers }) };
    return decision instanceof Promise ? decision.then(toAdmission) : toAdmission(decision);
  }

  async #rateLimit(tenantId: TenantId, rpm: number, analyse: boolean): Promise<Admission> {
    // Fixed one-minute windows: one atomic increment per request, shared by every replica when the
    // cache is shared (Redis).
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    let count: number;
    try {
      count = await this.#cache.increment(`rl:${tenantId}:${window}`, 1, 120);
      this.#cachePolicy?.succeeded();
    } catch (error) {
      // The shared cache is down: the budgets.on_cache_failure policy decides (issue 14, item 8);
      // without one, the error is reported as before.
      if (this.#cachePolicy === undefined) throw error;
      const outcome = this.#cachePolicy.failed(error, 'rate limit');
      return outcome.ok ? { ok: true, tenantId, analyse } : outcome;
    }
    if (count <= rpm) return { ok: true, tenantId, analyse };
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
}
