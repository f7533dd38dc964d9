import { ACTION_TYPES } from '@llmtrace/core';
import { identityHeaders, resolveOptions, type LLMTraceOptions } from './sdk-options.js';
import { currentSpan } from './trace-context.js';

interface ActionFields {
  readonly name: string;
  /** Sent as text; objects are JSON-encoded. */
  readonly arguments?: unknown;
  readonly result?: unknown;
  readonly durationMs?: number;
  /** When the action started (default: now). */
  readonly startedAt?: string | Date;
  /** The trace to attach to (default: the current {@link trace}). */
  readonly traceId?: string;
}

/**
 * Something the agent did, for {@link reportAction}; the fields beyond the common ones depend on
 * `type`.
 *
 * @example
 * const action: ReportedAction = { type: 'command_execution', name: 'shell', command: 'ls', exitCode: 0 };
 */
export type ReportedAction =
  | (ActionFields & { readonly type: 'tool_call' | 'skill_invocation' })
  | (ActionFields & {
      readonly type: 'command_execution';
      readonly command?: string;
      readonly exitCode?: number;
    })
  | (ActionFields & {
      readonly type: 'web_access';
      readonly url?: string;
      readonly method?: string;
      readonly statusCode?: number;
    })
  | (ActionFields & {
      readonly type: 'file_access';
      readonly path?: string;
      readonly operation?: 'read' | 'write' | 'delete';
    });

/** What happened to reported actions so far: the reporter counts, it never throws. */
export interface ReporterStats {
  readonly queued: number;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
}

/** Options of an {@link ActionReporter}. */
export interface ReporterOptions extends LLMTraceOptions {
  /** Actions per request (default 50). */
  readonly batchSize?: number;
  /** How long an action may wait for its batch (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** Actions kept while the proxy is unreachable before new ones are dropped (default 10 000). */
  readonly maxQueue?: number;
  /** Where failures are reported (default `console.warn`). */
  readonly onWarning?: (message: string) => void;
}

type WireAction = Record<string, string | number>;

const FILE_OPERATIONS: ReadonlySet<string> = new Set(['read', 'write', 'delete']);
const TYPES: ReadonlySet<string> = new Set(ACTION_TYPES);
// Capture writes a trace after the LLM call answers, so the first post for a fresh trace can meet a
// 404: retry that for a few seconds. 5xx/429/network errors get a shorter allowance.
const NOT_FOUND_DELAYS_MS = [50, 100, 200, 400, 800, 1600];
const UNAVAILABLE_DELAYS_MS = [200, 500, 1000];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    // A cyclic structure: say so rather than drop the action.
    return '[unserialisable value]';
  }
}

/** The snake_case wire form of an action, or the reason it cannot be sent. */
export function toWireAction(action: ReportedAction): WireAction | string {
  if (typeof action !== 'object' || action === null) return 'an action must be an object';
  if (!TYPES.has(action.type)) {
    return `type ${JSON.stringify(action.type)} is not one of ${ACTION_TYPES.join(', ')}`;
  }
  if (typeof action.name !== 'string' || action.name === '') return 'name must be a string';
  const startedAt =
    action.startedAt instanceof Date ? action.startedAt.toISOString() : action.startedAt;
  const wire: Record<string, string | number | undefined> = {
    action_type: action.type,
    name: action.name,
    started_at: startedAt ?? new Date().toISOString(),
    arguments: asText(action.arguments),
    result: asText(action.result),
    duration_ms: action.durationMs,
  };
  switch (action.type) {
    case 'command_execution':
      wire['command'] = action.command;
      wire['exit_code'] = action.exitCode;
      break;
    case 'web_access':
      wire['url'] = action.url;
      wire['method'] = action.method?.toUpperCase();
      wire['status_code'] = action.statusCode;
      break;
    case 'file_access':
      if (action.operation !== undefined && !FILE_OPERATIONS.has(action.operation)) {
        return 'operation must be read, write or delete';
      }
      wire['path'] = action.path;
      wire['operation'] = action.operation;
      break;
    case 'tool_call':
    case 'skill_invocation':
      break;
  }
  const out: WireAction = {};
  for (const [key, value] of Object.entries(wire)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * Queues reported actions and posts them in batches to `POST /api/v1/traces/{trace_id}/actions`.
 * Never throws into the agent's code: failures go to `onWarning` and are counted in `stats()`.
 *
 * @example
 * const reporter = new ActionReporter({ proxyUrl: 'http://127.0.0.1:8080' });
 * reporter.report({ type: 'web_access', name: 'fetch', url: 'https://example.com', traceId });
 * await reporter.flush();
 */
export class ActionReporter {
  readonly #options: ReporterOptions;
  readonly #batchSize: number;
  readonly #intervalMs: number;
  readonly #maxQueue: number;
  readonly #warn: (message: string) => void;
  #pending: { traceId: string; action: WireAction }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();
  #queued = 0;
  #sent = 0;
  #failed = 0;
  #dropped = 0;

  constructor(options: ReporterOptions = {}) {
    // Checked now (a bad URL is a bug to find at start), resolved again per send so the default
    // reporter follows later configure() calls.
    resolveOptions(options);
    this.#options = options;
    this.#batchSize = options.batchSize ?? 50;
    this.#intervalMs = options.flushIntervalMs ?? 1000;
    this.#maxQueue = options.maxQueue ?? 10_000;
    if (this.#batchSize < 1 || this.#intervalMs < 0 || this.#maxQueue < 1) {
      throw new RangeError(
        '@llmtrace/sdk: batchSize and maxQueue must be ≥ 1, flushIntervalMs ≥ 0',
      );
    }
    this.#warn = options.onWarning ?? ((message) => console.warn(message));
  }

  /** Queues one action; `false` (with a warning) when it cannot be (no trace, bad input, full). */
  report(action: ReportedAction): boolean {
    try {
      const traceId = action?.traceId ?? currentSpan()?.traceId;
      if (traceId === undefined) {
        return this.#drop(`${String(action?.name)}: no open trace (use trace() or traceId)`);
      }
      const wire = toWireAction(action);
      if (typeof wire === 'string') return this.#drop(`${String(action?.name)}: ${wire}`);
      if (this.#pending.length >= this.#maxQueue) {
        return this.#drop(`${action.name}: ${this.#maxQueue} actions already queued`);
      }
      this.#pending.push({ traceId, action: wire });
      this.#queued += 1;
      if (this.#pending.length >= this.#batchSize) void this.#drain();
      else this.#timer ??= setTimeout(() => void this.#drain(), this.#intervalMs).unref();
      return true;
    } catch (error) {
      return this.#drop(`unexpected error: ${String(error)}`);
    }
  }

  /** Sends everything queued now; resolves `true` when nothing is left pending. */
  async flush(): Promise<boolean> {
    await this.#drain();
    await this.#sending;
    return this.#pending.length === 0;
  }

  /** Actions queued and not yet handed to a send. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Counts of queued, sent, failed and dropped actions. */
  stats(): ReporterStats {
    return { queued: this.#queued, sent: this.#sent, failed: this.#failed, dropped: this.#dropped };
  }

  #drop(reason: string): false {
    this.#dropped += 1;
    this.#warn(`@llmtrace/sdk: action dropped: ${reason}`);
    return false;
  }

  #drain(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending;
    this.#pending = [];
    // One send at a time, in order: a later flush waits for the batches before it.
    this.#sending = this.#sending.then(() => this.#sendAll(batch));
    return this.#sending;
  }

  async #sendAll(batch: readonly { traceId: string; action: WireAction }[]): Promise<void> {
    const byTrace = new Map<string, WireAction[]>();
    for (const { traceId, action } of batch) {
      const list = byTrace.get(traceId);
      if (list === undefined) byTrace.set(traceId, [action]);
      else list.push(action);
    }
    for (const [traceId, actions] of byTrace) {
      for (let i = 0; i < actions.length; i += this.#batchSize) {
        const chunk = actions.slice(i, i + this.#batchSize);
        if (await this.#post(traceId, chunk)) this.#sent += chunk.length;
        else this.#failed += chunk.length;
      }
    }
  }

  async #post(traceId: string, actions: readonly WireAction[]): Promise<boolean> {
    const options = resolveOptions(this.#options);
    const url = `${options.proxyUrl}/api/v1/traces/${encodeURIComponent(traceId)}/actions`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...identityHeaders(options),
    };
    // The API takes the tenant from the key; the agent header means nothing there.
    delete headers['x-llmtrace-agent-id'];
    let notFound = 0;
    let unavailable = 0;
    for (;;) {
      let problem: string;
      let delay: number | undefined;
      try {
        const response = await options.fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ actions }),
        });
        const text = await response.text();
        if (response.ok) return true;
        problem = `${response.status} ${text.slice(0, 200)}`;
        if (response.status === 404) delay = NOT_FOUND_DELAYS_MS[notFound++];
        else if (response.status >= 500 || response.status === 429) {
          delay = UNAVAILABLE_DELAYS_MS[unavailable++];
        }
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
        delay = UNAVAILABLE_DELAYS_MS[unavailable++];
      }
      if (delay === undefined) {
        this.#warn(
          `@llmtrace/sdk: ${actions.length} action(s) for trace ${traceId} not recorded: ${problem}`,
        );
        return false;
      }
      await sleep(delay);
    }
  }
}

let defaultReporter: ActionReporter | undefined;
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The batch timer is unref'd, so a script can end with actions still queued: Node emits
  // beforeExit when the event loop empties, and sending them then keeps the process alive until
  // they are out. With nothing pending nothing is scheduled, so the process still exits.
  process.on('beforeExit', () => {
    if (defaultReporter !== undefined && defaultReporter.pending > 0) void defaultReporter.flush();
  });
}

/** The process-wide reporter behind {@link reportAction} (created on first use). */
export function getDefaultReporter(): ActionReporter {
  defaultReporter ??= new ActionReporter();
  installExitHook();
  return defaultReporter;
}

/** Replaces the process-wide reporter (e.g. after {@link configure}); returns the new one. */
export function setDefaultReporter(reporter: ActionReporter): ActionReporter {
  defaultReporter = reporter;
  installExitHook();
  return reporter;
}

/**
 * Reports something the agent did (a command, a web request, a file access, a skill or tool call)
 * on the current {@link trace}. Batched and sent in the background; never throws — returns `false`
 * and warns when the action cannot be queued.
 *
 * @example
 * await trace('deploy', async () => {
 *   reportAction({ type: 'command_execution', name: 'shell', command: 'make deploy', exitCode: 0 });
 * });
 * await flushActions();
 */
export function reportAction(action: ReportedAction): boolean {
  return getDefaultReporter().report(action);
}

/**
 * Sends every queued action now (call before the process exits).
 *
 * @example
 * await flushActions();
 */
export function flushActions(): Promise<boolean> {
  return getDefaultReporter().flush();
}
