import { severityAtLeast, type SecuritySeverity, type TraceSpan } from '@llmtrace/core';
import type { Logger } from 'pino';
import type { Exchange } from '../exchange/exchange.js';

/** Options of {@link AccessLog}. */
export interface AccessLogOptions {
  readonly logger: Logger;
  /** `logging.access_log`: one line per request at info. */
  readonly requests: boolean;
  /** `log_findings_at`: findings at or above this severity are logged as warnings. */
  readonly findingsAt: SecuritySeverity;
}

/** End reasons that mean the upstream (or the way to it) failed: logged at warn. */
const UPSTREAM_FAILURES: ReadonlySet<string> = new Set([
  'upstream_error',
  'upstream_timeout',
  'upstream_unreachable',
]);

/**
 * The access log and the findings log (issue 11, item 4). Fed by the two hooks where a request's
 * outcome is known: capture's finished span (wired in `server/` next to settle) and the request
 * path's refusals that are not recorded as spans (auth, size, rate limit, budget). One line per
 * request; never a key, a query string, a body or a finding's matched text — the path is logged
 * without its query because some providers take the key there (`?key=`).
 *
 * @example
 * const log = new AccessLog({ logger, requests: true, findingsAt: 'high' });
 * log.spanFinished(span, ex);
 */
export class AccessLog {
  readonly #logger: Logger;
  readonly #requests: boolean;
  readonly #findingsAt: SecuritySeverity;

  constructor(options: AccessLogOptions) {
    this.#logger = options.logger;
    this.#requests = options.requests;
    this.#findingsAt = options.findingsAt;
  }

  /** A span was built for a forwarded (or recorded refused) request. */
  spanFinished(span: TraceSpan, ex: Exchange): void {
    if (this.#requests) {
      const line = {
        method: ex.method,
        path: ex.path,
        provider: span.provider,
        model: span.model,
        status: span.statusCode,
        tokensIn: span.promptTokens,
        tokensOut: span.completionTokens,
        latencyMs: roundMs(span.durationMs),
        // Time to the first token of a stream (null for a whole answer), and to the first byte.
        ttftMs: roundMs(span.timeToFirstTokenMs),
        firstByteMs: roundMs(ex.firstByteMs),
        traceId: span.traceId,
        tenant: span.tenantId,
        endReason: ex.endReason,
      };
      if (UPSTREAM_FAILURES.has(ex.endReason) || (span.statusCode ?? 0) >= 500) {
        this.#logger.warn({ ...line, error: ex.errorMessage }, 'upstream request failed');
      } else {
        this.#logger.info(line, 'request');
      }
    }
    for (const finding of span.securityFindings) {
      if (!severityAtLeast(finding.severity, this.#findingsAt)) continue;
      this.#logger.warn(
        {
          findingType: finding.type,
          severity: finding.severity,
          confidence: finding.confidence,
          side: finding.location?.side,
          owaspId: finding.owaspId,
          traceId: span.traceId,
          tenant: span.tenantId,
        },
        'security finding',
      );
    }
  }

  /** A request answered by LLMTrace without forwarding and without a span. */
  refused(ex: Exchange, status: number, code: string): void {
    if (!this.#requests) return;
    const line = {
      method: ex.method,
      path: ex.path,
      provider: ex.provider,
      status,
      code,
      latencyMs: roundMs(ex.elapsed()),
      traceId: ex.traceId,
      // Empty until admit identified the tenant (a refusal before auth has none).
      tenant: ex.tenantId === '' ? null : ex.tenantId,
      endReason: 'rejected',
    };
    // 5xx refusals are already logged at error by the request path, with the cause.
    this.#logger.info(line, 'request refused');
  }
}

function roundMs(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10;
}
