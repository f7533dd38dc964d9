import { ConfigSchema } from '@llmtrace/core';
import { describe, expect, it } from 'vitest';
import { BudgetPlan, fromMicros, toMicros } from './budget-plan.js';

const plan = (budgets: unknown) =>
  new BudgetPlan(ConfigSchema.parse({ upstream_url: 'http://x', budgets }).budgets);

describe('BudgetPlan', () => {
  it('is empty without caps, and a tenant without caps gets null (free)', () => {
    expect(plan({}).empty).toBe(true);
    const p = plan({ tenants: { acme: { caps: [{ window: 'daily', hard_limit_usd: 1 }] } } });
    expect(p.empty).toBe(false);
    expect(p.rulesFor('other', null)).toBeNull();
    expect(p.rulesFor('other', 'bot')).toBeNull();
    expect(p.rulesFor('acme', null)?.counters).toEqual([
      { scope: 'tenant', window: 'daily', hardMicros: 1_000_000, softMicros: null },
    ]);
  });

  it('adds agent caps to the tenant caps and overrides token caps one by one', () => {
    const p = plan({
      tenants: {
        acme: {
          caps: [{ window: 'daily', hard_limit_usd: 10 }],
          max_prompt_tokens: 100,
          max_completion_tokens: 50,
          agents: {
            bot: { caps: [{ window: 'hourly', soft_limit_usd: 0.5 }], max_completion_tokens: 500 },
            '*': { max_total_tokens: 1000 },
          },
        },
      },
    });
    const bot = p.rulesFor('acme', 'bot');
    expect(bot?.counters.map((c) => `${c.scope}:${c.window}`)).toEqual([
      'tenant:daily',
      'agent:hourly',
    ]);
    expect(bot?.tokens).toEqual({
      maxPromptTokens: 100,
      maxCompletionTokens: 500,
      maxTotalTokens: undefined,
    });
    expect(p.rulesFor('acme', 'other')?.tokens).toEqual({
      maxPromptTokens: 100,
      maxCompletionTokens: 50,
      maxTotalTokens: 1000,
    });
    expect(p.rulesFor('acme', null)?.tokens?.maxTotalTokens).toBeUndefined();
  });

  it('uses default for unlisted tenants; an empty entry exempts a tenant', () => {
    const p = plan({
      default: { caps: [{ window: 'monthly', hard_limit_usd: 5 }] },
      tenants: { vip: {} },
    });
    expect(p.rulesFor('anyone', null)?.counters[0]?.window).toBe('monthly');
    expect(p.rulesFor('vip', null)).toBeNull();
  });

  it('converts USD to integer micro-dollars without float drift', () => {
    expect(toMicros(0.05)).toBe(50_000);
    expect(toMicros(0.0001475)).toBe(148);
    expect(toMicros(0.1 + 0.2)).toBe(300_000);
    expect(fromMicros(296)).toBe(0.000296);
  });
});
