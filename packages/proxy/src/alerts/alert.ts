import type { SecuritySeverity, TenantId } from '@llmtrace/core';
import type { BudgetAlertEvent } from '../budgets/budget-guard.js';

/** A finding as it appears in an alert (no offsets, no metadata: alerts leave the building). */
export interface AlertFinding {
  readonly type: string;
  readonly severity: SecuritySeverity;
  readonly confidence: number;
  readonly description: string;
}

/**
 * One alert, independent of the channel it goes to; each channel formats it its own way
 * (see `alert-payloads.ts`).
 */
export interface Alert {
  readonly kind: 'security' | 'budget';
  readonly tenantId: TenantId;
  readonly agentId: string | null;
  readonly traceId: string | null;
  readonly severity: SecuritySeverity;
  /** Short headline, e.g. `High security findings in tenant acme`. */
  readonly title: string;
  /** One line with the essentials (Slack fallback text, PagerDuty summary). */
  readonly summary: string;
  readonly model: string | null;
  readonly provider: string | null;
  readonly securityScore: number | null;
  readonly findings: readonly AlertFinding[];
  readonly findingTypes: readonly string[];
  /** The trace in the REST API, when the alert is about one trace. */
  readonly traceUrl: string | null;
  readonly budget: BudgetAlertEvent | null;
  /** Stable key of what the alert is about (PagerDuty `dedup_key`). */
  readonly dedupKey: string;
  readonly createdAt: string;
}
