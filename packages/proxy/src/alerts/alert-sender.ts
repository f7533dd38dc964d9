import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, request as undiciRequest } from 'undici';

/** The pool and undici's `request`, loaded together by the first delivery. */
interface AlertClient {
  readonly agent: Agent;
  readonly request: typeof undiciRequest;
}

/** Options of {@link AlertSender}. */
export interface AlertSenderOptions {
  /** Limit of one attempt, connect to full response. */
  readonly timeoutMs: number;
  /** Attempts per delivery (1 = no retry). */
  readonly maxAttempts: number;
  /** Delay before the first retry; doubled for each further one. */
  readonly retryBaseMs: number;
}

/** Outcome of one delivery: a value, never an exception (STYLE rule 10). */
export type DeliveryResult =
  | { readonly ok: true; readonly attempts: number; readonly status: number }
  | {
      readonly ok: false;
      readonly attempts: number;
      readonly status: number | null;
      readonly error: string;
    };

/** Longest wait between two attempts, whatever the backoff or a `Retry-After` asks for. */
const MAX_DELAY_MS = 30_000;

/** Statuses worth retrying: timeouts, rate limits and server errors; other 4xx will not improve. */
function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

function retryAfterMs(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

/**
 * Posts alert bodies through its own undici pool (not the upstream pool, so a slow alert receiver
 * never competes with proxied traffic): a timeout per attempt and bounded retries with exponential
 * backoff and jitter, honouring `Retry-After` up to {@link MAX_DELAY_MS}.
 */
export class AlertSender {
  readonly #o: AlertSenderOptions;
  /**
   * undici's index (for `request`) and the pool, loaded by the first delivery: a proxy that never
   * sends an alert never loads the index (the upstream pool takes undici's Agent alone).
   */
  #client: Promise<AlertClient> | undefined;
  #closed = false;
  #retries = 0;

  constructor(options: AlertSenderOptions) {
    if (options.maxAttempts < 1) throw new RangeError('alerts.max_attempts must be at least 1');
    this.#o = options;
  }

  #undici(): Promise<AlertClient> {
    this.#client ??= import('undici').then(({ Agent, request }) => ({
      agent: new Agent({
        connect: { timeout: this.#o.timeoutMs },
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
        connections: 16,
      }),
      request,
    }));
    return this.#client;
  }

  /** Retries made so far (for `/health`). */
  get retries(): number {
    return this.#retries;
  }

  /** Posts `body` as JSON to `url`; `signal` aborts everything (shutdown). */
  async deliver(url: string, body: unknown, signal: AbortSignal): Promise<DeliveryResult> {
    // After close no pool is opened again (it would hold sockets past shutdown).
    if (this.#closed) return { ok: false, attempts: 0, status: null, error: 'alert sender closed' };
    const payload = JSON.stringify(body);
    const { agent, request } = await this.#undici();
    let status: number | null = null;
    let error = 'not sent';
    let waitAtLeast = 0;
    for (let attempt = 1; attempt <= this.#o.maxAttempts; attempt++) {
      if (attempt > 1) {
        this.#retries++;
        // Exponential backoff; jitter (50–100 %) keeps replicas from retrying in step.
        const backoff = this.#o.retryBaseMs * 2 ** (attempt - 2) * (0.5 + Math.random() / 2);
        try {
          await sleep(Math.min(MAX_DELAY_MS, Math.max(backoff, waitAtLeast)), undefined, {
            signal,
          });
        } catch {
          // Aborted by shutdown: report the last failure.
          return { ok: false, attempts: attempt - 1, status, error };
        }
      }
      waitAtLeast = 0;
      try {
        const response = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'LLMTrace-Alerts/1' },
          body: payload,
          dispatcher: agent,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.#o.timeoutMs)]),
        });
        // The body is not needed, but it must be consumed to free the connection.
        await response.body.dump();
        if (response.statusCode < 300) {
          return { ok: true, attempts: attempt, status: response.statusCode };
        }
        status = response.statusCode;
        error = `HTTP ${response.statusCode}`;
        if (!retryable(response.statusCode)) return { ok: false, attempts: attempt, status, error };
        waitAtLeast = retryAfterMs(response.headers['retry-after']);
      } catch (thrown) {
        status = null;
        error = thrown instanceof Error ? thrown.message : String(thrown);
      }
      if (signal.aborted) return { ok: false, attempts: attempt, status, error };
    }
    return { ok: false, attempts: this.#o.maxAttempts, status, error };
  }

  /** Closes the pool (in-flight requests are aborted by the caller's signal first). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#client !== undefined) await (await this.#client).agent.close();
  }
}
