import {
  LLMTraceError,
  type CacheLayer,
  type CounterReservation,
  type HealthStatus,
} from '@llmtrace/core';
import { assertTtl } from '../assert-ttl.js';
import { assertReserveAll, nextCounterValue, reserveOutcome } from '../cache-counter.js';
import { redactUrl } from '../redact-url.js';
import type { RedisCommandsLike } from './redis-driver.js';
import { REDIS_SCRIPTS, type RedisScript } from './redis-scripts.js';
import { translateRedisError } from './translate-redis-error.js';
import { probeHealth } from '../probe-health.js';

/** Options for the {@link RedisCacheLayer} constructor. */
export interface RedisCacheLayerOptions {
  /** Prepended to every key (default `llmtrace:`), so LLMTrace can share a Redis with others. */
  readonly keyPrefix?: string;
}

/** Options for {@link RedisCacheLayer.connect}. */
export interface RedisConnectOptions extends RedisCacheLayerOptions {
  /** Longest wait for one command's reply (default 2000 ms), then `STORAGE_TIMEOUT`. */
  readonly commandTimeoutMs?: number;
  /** Longest wait for the connection (default 5000 ms). */
  readonly connectTimeoutMs?: number;
}

function ttlMs(ttlSeconds: number | undefined): string {
  // Redis expiries are whole milliseconds; a positive TTL never rounds down to "no expiry".
  return ttlSeconds === undefined ? '' : String(Math.max(1, Math.round(ttlSeconds * 1000)));
}

/**
 * {@link CacheLayer} on Redis, shared by every proxy replica. Every operation is one round trip:
 * plain commands for get/set/invalidate, and Lua scripts (EVALSHA, falling back to EVAL once when
 * the server has not cached the script) for the atomic `increment` and `reserve`, so budgets and
 * rate limits stay exact across replicas. Expiry is Redis's own: the `now` clock of the other
 * backends does not apply.
 *
 * @example
 * const cache = await RedisCacheLayer.connect('redis://127.0.0.1:6379');
 * const { ok } = await cache.reserve('budget:acme:day', 0.02, 10, 86_400);
 */
export class RedisCacheLayer implements CacheLayer {
  readonly #redis: RedisCommandsLike;
  readonly #prefix: string;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(redis: RedisCommandsLike, options: RedisCacheLayerOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'llmtrace:';
  }

  /**
   * Connects with `ioredis` (imported here, lazily: STYLE rule 2) and checks the server answers.
   * Throws `STORAGE_UNAVAILABLE` naming the server (password redacted) when it does not.
   */
  static async connect(url: string, options: RedisConnectOptions = {}): Promise<RedisCacheLayer> {
    const where = redactUrl(url);
    const { Redis } = await import('ioredis');
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      // Fail a command after one reconnect attempt instead of queueing it for ever: the proxy's
      // budget check must answer (or fail open/closed by policy) within its time budget.
      maxRetriesPerRequest: 1,
      // Commands issued in the same tick share one write: 50 concurrent reservations cost one
      // network write instead of 50.
      enableAutoPipelining: true,
    });
    // Connection errors are reported through the failing commands; an unhandled 'error' event
    // would otherwise crash the process while ioredis reconnects.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      client.disconnect();
      throw new LLMTraceError(
        'STORAGE_UNAVAILABLE',
        `cannot reach Redis at ${where}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, details: { service: 'redis', url: where } },
      );
    }
    return new RedisCacheLayer(
      {
        send: (command, args) => client.call(command, ...args),
        close: async () => {
          await client.quit();
        },
      },
      options,
    );
  }

  async get(key: string): Promise<string | null> {
    const reply = await this.#send('get', 'GET', [this.#key(key)]);
    return typeof reply === 'string' ? reply : null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    assertTtl(ttlSeconds);
    // Without a TTL, SET clears any previous expiry (the CacheLayer contract).
    const args: (string | number)[] = [this.#key(key), value];
    if (ttlSeconds !== undefined) args.push('PX', ttlMs(ttlSeconds));
    await this.#send('set', 'SET', args);
  }

  async invalidate(key: string): Promise<boolean> {
    return (await this.#send('invalidate', 'DEL', [this.#key(key)])) === 1;
  }

  async increment(key: string, by: number, ttlSeconds?: number): Promise<number> {
    assertTtl(ttlSeconds);
    nextCounterValue(key, null, by); // validates `by` before the round trip
    const reply = await this.#script('increment', REDIS_SCRIPTS.increment, key, [
      String(by),
      ttlMs(ttlSeconds),
    ]);
    return Number(reply);
  }

  async reserve(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<{ readonly ok: boolean; readonly value: number }> {
    assertTtl(ttlSeconds);
    reserveOutcome(key, null, amount, limit); // validates amount and limit before the round trip
    const reply = await this.#script('reserve', REDIS_SCRIPTS.reserve, key, [
      String(amount),
      String(limit),
      ttlMs(ttlSeconds),
    ]);
    const [ok, value] = Array.isArray(reply) ? (reply as unknown[]) : [];
    return { ok: ok === 1, value: Number(value) };
  }

  async reserveAll(
    entries: readonly CounterReservation[],
  ): Promise<{ readonly ok: boolean; readonly values: readonly number[] }> {
    assertReserveAll(entries);
    if (entries.length === 0) return { ok: true, values: [] };
    const args: string[] = [];
    for (const e of entries) args.push(String(e.amount), String(e.limit), ttlMs(e.ttlSeconds));
    const reply = await this.#script(
      'reserveAll',
      REDIS_SCRIPTS.reserveAll,
      entries.map((e) => e.key),
      args,
    );
    const [ok, ...values] = Array.isArray(reply) ? (reply as unknown[]) : [];
    return { ok: ok === 1, values: values.map((v) => Number(v)) };
  }

  health(): Promise<HealthStatus> {
    return probeHealth(() => this.#send('health', 'PING', []));
  }

  /** Closes the connection after pending replies (idempotent). */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#redis.close().catch(() => {
      // Already disconnected: nothing left to drain.
    });
    return this.#closing;
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  async #script(
    operation: string,
    script: RedisScript,
    key: string | readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    const keys = typeof key === 'string' ? [key] : key;
    const keyArgs = [keys.length, ...keys.map((k) => this.#key(k)), ...args];
    try {
      return await this.#sendRaw('EVALSHA', [script.sha, ...keyArgs]);
    } catch (error) {
      // The server forgot the script (restart, SCRIPT FLUSH): send it once; later calls hit the cache.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) {
        throw translateRedisError(error, operation);
      }
    }
    return this.#send(operation, 'EVAL', [script.source, ...keyArgs]);
  }

  async #send(
    operation: string,
    command: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await this.#sendRaw(command, args);
    } catch (error) {
      throw translateRedisError(error, operation);
    }
  }

  #sendRaw(command: string, args: readonly (string | number)[]): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(new LLMTraceError('STORAGE_UNAVAILABLE', 'cache is closed'));
    }
    return this.#redis.send(command, args);
  }
}
