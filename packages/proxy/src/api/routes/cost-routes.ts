import { TenantId, type Storage } from '@llmtrace/core';
import { z } from 'zod';
import type { BudgetGuard } from '../../budgets/budget-guard.js';
import { BUDGET_WINDOWS, periodOf } from '../../budgets/budget-window.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { scopeTenant } from '../scope.js';

const CostQuery = z
  .object({
    tenant_id: TenantId.optional(),
    /** Also report this agent's own caps (`X-LLMTrace-Agent-ID`). */
    agent_id: z.string().min(1).max(128).optional(),
  })
  .strict();

const money = z.number().nullable();
const CostWindow = z.object({
  window: z.enum(['hourly', 'daily', 'weekly', 'monthly']),
  /** `tenant`: the whole tenant's spend; `agent`: the agent's own spend. */
  scope: z.enum(['tenant', 'agent']),
  spent_usd: z.number(),
  hard_limit_usd: money,
  soft_limit_usd: money,
  /** Hard limit minus spend (never negative); null without a hard limit. */
  remaining_usd: money,
  period_start: z.string(),
  resets_at: z.string(),
  /**
   * `budget`: the live budget counter (includes reservations of requests in flight);
   * `traces`: cost of the stored spans since the period started (windows without a cap).
   */
  source: z.enum(['budget', 'traces']),
});

const CostResponse = z.object({
  tenant_id: z.string(),
  agent_id: z.string().nullable(),
  windows: z.array(CostWindow),
});

/** `GET /api/v1/costs/current`: spend, limit, remaining and reset time per window. */
export function costRoutes(storage: Storage, budgets: BudgetGuard | undefined): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/costs/current',
      summary: 'Spend, limit, remaining and reset time per budget window (UTC calendar windows)',
      tag: 'costs',
      role: 'viewer',
      query: CostQuery,
      response: CostResponse,
      handler: async ({ query, principal }) => {
        const tenantId = scopeTenant(principal, query.tenant_id);
        const agentId = query.agent_id ?? null;
        const counters = budgets === undefined ? [] : await budgets.current(tenantId, agentId);
        const windows: z.input<typeof CostWindow>[] = counters.map((c) => ({
          window: c.window,
          scope: c.scope,
          spent_usd: c.spentUsd,
          hard_limit_usd: c.hardLimitUsd,
          soft_limit_usd: c.softLimitUsd,
          remaining_usd: c.remainingUsd,
          period_start: c.periodStart,
          resets_at: c.resetsAt,
          source: 'budget',
        }));
        // Windows without a tenant cap still report what was spent, from the stored traces.
        const now = Date.now();
        for (const window of BUDGET_WINDOWS) {
          if (counters.some((c) => c.scope === 'tenant' && c.window === window)) continue;
          const period = periodOf(window, now);
          const stats = await storage.traces.getStats(tenantId, {
            from: new Date(period.start).toISOString(),
          });
          windows.push({
            window,
            scope: 'tenant',
            spent_usd: stats.totalCostUsd,
            hard_limit_usd: null,
            soft_limit_usd: null,
            remaining_usd: null,
            period_start: new Date(period.start).toISOString(),
            resets_at: new Date(period.end).toISOString(),
            source: 'traces',
          });
        }
        const order = (w: z.input<typeof CostWindow>): number =>
          (w.scope === 'tenant' ? 0 : 10) + BUDGET_WINDOWS.indexOf(w.window);
        windows.sort((a, b) => order(a) - order(b));
        return { tenant_id: tenantId, agent_id: agentId, windows };
      },
    }),
  ];
}
