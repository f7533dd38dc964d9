import type { Config, TenantId } from '@llmtrace/core';
import type { BudgetWindow } from './budget-window.js';

/** The `budgets` config section. */
export type BudgetsConfig = Config['budgets'];
/** Settings of one tenant (`budgets.tenants.<id>` or `budgets.default`). */
export type TenantBudgetConfig = NonNullable<BudgetsConfig['default']>;
/** Settings of one agent (`budgets.tenants.<id>.agents.<agent>`). */
export type AgentBudgetConfig = TenantBudgetConfig['agents'][string];

/** Per-request token caps after agent overrides are applied. */
export interface TokenCaps {
  readonly maxPromptTokens: number | undefined;
  readonly maxCompletionTokens: number | undefined;
  readonly maxTotalTokens: number | undefined;
}

/** One spend counter a request is checked against. Amounts are integer micro-dollars. */
export interface CounterRule {
  /** `tenant`: the whole tenant's spend; `agent`: one agent's own spend. */
  readonly scope: 'tenant' | 'agent';
  readonly window: BudgetWindow;
  readonly hardMicros: number | null;
  readonly softMicros: number | null;
}

/** What applies to one (tenant, agent): token caps and spend counters. */
export interface BudgetRules {
  readonly tokens: TokenCaps | null;
  readonly counters: readonly CounterRule[];
}

interface CompiledTenant {
  readonly tokens: TokenCaps;
  readonly counters: readonly CounterRule[];
  readonly agents: ReadonlyMap<
    string,
    { readonly tokens: Partial<TokenCaps>; readonly counters: readonly CounterRule[] }
  >;
  readonly anyAgent:
    { readonly tokens: Partial<TokenCaps>; readonly counters: readonly CounterRule[] } | undefined;
  /** No caps and no token limits anywhere: the tenant pays nothing. */
  readonly empty: boolean;
}

/**
 * USD → integer micro-dollars. Counters hold integers so that thousands of reserve/settle steps add
 * up exactly (floating-point sums drift) and Redis can use plain integer increments.
 */
export const toMicros = (usd: number): number => Math.ceil(usd * 1_000_000 - 1e-6);
/** Integer micro-dollars → USD. */
export const fromMicros = (micros: number): number => Math.round(micros) / 1_000_000;

function countersOf(caps: TenantBudgetConfig['caps'], scope: CounterRule['scope']): CounterRule[] {
  return caps.map((cap) => ({
    scope,
    window: cap.window,
    hardMicros: cap.hard_limit_usd === undefined ? null : toMicros(cap.hard_limit_usd),
    softMicros: cap.soft_limit_usd === undefined ? null : toMicros(cap.soft_limit_usd),
  }));
}

function tokensOf(c: AgentBudgetConfig): Partial<TokenCaps> {
  const out: { -readonly [K in keyof TokenCaps]?: number } = {};
  if (c.max_prompt_tokens !== undefined) out.maxPromptTokens = c.max_prompt_tokens;
  if (c.max_completion_tokens !== undefined) out.maxCompletionTokens = c.max_completion_tokens;
  if (c.max_total_tokens !== undefined) out.maxTotalTokens = c.max_total_tokens;
  return out;
}

function compile(c: TenantBudgetConfig): CompiledTenant {
  const agents = new Map<string, { tokens: Partial<TokenCaps>; counters: CounterRule[] }>();
  let anyAgent: { tokens: Partial<TokenCaps>; counters: CounterRule[] } | undefined;
  let agentRules = false;
  for (const [agent, a] of Object.entries(c.agents)) {
    const compiled = { tokens: tokensOf(a), counters: countersOf(a.caps, 'agent') };
    agentRules ||= compiled.counters.length > 0 || Object.keys(compiled.tokens).length > 0;
    if (agent === '*') anyAgent = compiled;
    else agents.set(agent, compiled);
  }
  const tokens: TokenCaps = {
    maxPromptTokens: c.max_prompt_tokens,
    maxCompletionTokens: c.max_completion_tokens,
    maxTotalTokens: c.max_total_tokens,
  };
  const counters = countersOf(c.caps, 'tenant');
  return {
    tokens,
    counters,
    agents,
    anyAgent,
    empty: counters.length === 0 && !hasTokenCaps(tokens) && !agentRules,
  };
}

function hasTokenCaps(t: Partial<TokenCaps>): boolean {
  return (
    t.maxPromptTokens !== undefined ||
    t.maxCompletionTokens !== undefined ||
    t.maxTotalTokens !== undefined
  );
}

/**
 * The `budgets` section compiled once at startup (STYLE rule 14) into a lookup: tenant → caps, with
 * agent overrides. `rulesFor` is two map reads for a tenant without budgets and allocates nothing.
 */
export class BudgetPlan {
  readonly #tenants: ReadonlyMap<TenantId, CompiledTenant>;
  readonly #default: CompiledTenant | undefined;

  constructor(config: BudgetsConfig) {
    const tenants = new Map<TenantId, CompiledTenant>();
    for (const [id, c] of Object.entries(config.tenants)) {
      const compiled = compile(c);
      // An empty entry still shadows `default`: that is how a tenant is exempted from it.
      tenants.set(id, compiled);
    }
    this.#tenants = tenants;
    const fallback = config.default === undefined ? undefined : compile(config.default);
    this.#default = fallback?.empty === true ? undefined : fallback;
  }

  /** True when no tenant has caps: the proxy can skip budgets entirely. */
  get empty(): boolean {
    if (this.#default !== undefined) return false;
    for (const t of this.#tenants.values()) if (!t.empty) return false;
    return true;
  }

  /** The caps of this tenant and agent, or null when none apply (the common, free case). */
  rulesFor(tenantId: TenantId, agentId: string | null): BudgetRules | null {
    const tenant = this.#tenants.get(tenantId) ?? this.#default;
    if (tenant === undefined || tenant.empty) return null;
    const agent = agentId === null ? undefined : (tenant.agents.get(agentId) ?? tenant.anyAgent);
    if (agent === undefined) {
      return {
        tokens: hasTokenCaps(tenant.tokens) ? tenant.tokens : null,
        counters: tenant.counters,
      };
    }
    // An agent's token limits replace the tenant's one by one; its caps add to the tenant's.
    const tokens: TokenCaps = {
      maxPromptTokens: agent.tokens.maxPromptTokens ?? tenant.tokens.maxPromptTokens,
      maxCompletionTokens: agent.tokens.maxCompletionTokens ?? tenant.tokens.maxCompletionTokens,
      maxTotalTokens: agent.tokens.maxTotalTokens ?? tenant.tokens.maxTotalTokens,
    };
    const counters =
      agent.counters.length === 0 ? tenant.counters : [...tenant.counters, ...agent.counters];
    if (!hasTokenCaps(tokens) && counters.length === 0) return null;
    return { tokens: hasTokenCaps(tokens) ? tokens : null, counters };
  }
}
