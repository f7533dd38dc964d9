import type { LLMProvider, SecurityFinding } from '@llmtrace/core';
import type { Dispatcher } from 'undici';
import type { BudgetReservation } from '../budgets/budget-guard.js';

/** How a proxied exchange ended. */
export type EndReason =
  | 'complete'
  | 'client_abort'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'rejected'
  /** The proxy shut down before the response completed (after the shutdown grace period). */
  | 'shutdown';

/**
 * Everything the capture worker needs to build a span, recorded on the request path without any
 * parsing: raw bytes and timestamps only (DESIGN principle 1).
 */
export interface CaptureJob {
  readonly traceId: string;
  readonly tenantId: string;
  readonly agentId: string | null;
  /** The HTTP method as the client sent it (Node validates the token). */
  readonly method: Dispatcher.HttpMethod;
  /** Path without the query string. */
  readonly path: string;
  readonly provider: LLMProvider;
  /** Wall-clock start, epoch ms. */
  readonly startedAt: number;
  /** The request body as received (null when there was none or it was rejected before reading). */
  readonly requestBody: Buffer | null;
  statusCode: number | null;
  responseContentType: string | undefined;
  responseContentEncoding: string | undefined;
  /** Response body chunks as sent to the client, up to the capture limit. */
  readonly chunks: Buffer[];
  /** Arrival time of each chunk, ms since start (same index as `chunks`). */
  readonly chunkTimes: number[];
  capturedBytes: number;
  /** True when the response was larger than the capture limit and the rest was not kept. */
  truncated: boolean;
  firstByteMs: number | null;
  durationMs: number;
  endReason: EndReason;
  /** Run the security analyzers on this exchange (the tenant may have turned them off). */
  analyse: boolean;
  /** The request's analysis, when flag/block mode screened it before forwarding. */
  screening: { readonly score: number; readonly findings: readonly SecurityFinding[] } | undefined;
  errorMessage: string | null;
  /** Spend reserved before forwarding (only for tenants with budget caps), settled after capture. */
  budget?: BudgetReservation | undefined;
}
