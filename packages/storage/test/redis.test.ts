import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisCacheLayer, type RedisCommandsLike } from '../src/redis/index.js';
import { cacheLayerContract } from './cache-layer.contract.js';
import { REDIS_URL, checkRedis, uniqueName } from './services.js';

/** Every key this file writes starts with this prefix; all of them are deleted at the end. */
const prefix = `${uniqueName('llmtrace_test')}:`;
let admin: Redis;

async function keysOf(pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function deleteKeys(pattern: string): Promise<void> {
  const keys = await keysOf(pattern);
  if (keys.length > 0) await admin.del(...keys);
}

/**
 * Redis expires keys on its own clock, so the contract's "move the clock" is emulated by
 * shortening the TTL of every key of the suite by the same amount.
 */
async function advanceTtls(pattern: string, ms: number): Promise<void> {
  for (const key of await keysOf(pattern)) {
    const left = await admin.pttl(key);
    if (left < 0) continue; // no expiry (-1) or gone (-2)
    if (left - ms <= 0) await admin.del(key);
    else await admin.pexpire(key, left - ms);
  }
}

// A missing server fails every test with a message saying how to start it; nothing is skipped.
const missing = await checkRedis();
beforeEach(() => {
  if (missing !== null) throw missing;
});

beforeAll(async () => {
  if (missing !== null) return;
  admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  admin.on('error', () => undefined);
  await admin.ping();
});

afterAll(async () => {
  if (missing !== null) return;
  await deleteKeys(`${prefix}*`);
  await admin.quit();
});

let suite = 0;
cacheLayerContract('redis', async () => {
  const keyPrefix = `${prefix}contract${++suite}:`;
  const repo = await RedisCacheLayer.connect(REDIS_URL, { keyPrefix });
  return {
    repo,
    cleanup: async () => {
      await repo.close();
      await deleteKeys(`${keyPrefix}*`);
    },
    advance: (ms) => advanceTtls(`${keyPrefix}*`, ms),
  };
});

/** A driver that counts the commands it sends (one command is one round trip). */
function counting(): { driver: RedisCommandsLike; sent: string[]; client: Redis } {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  const sent: string[] = [];
  return {
    client,
    sent,
    driver: {
      send: (command, args) => {
        sent.push(command);
        return client.call(command, ...args);
      },
      close: async () => {
        await client.quit();
      },
    },
  };
}

describe('Redis cache', () => {
  it('keeps every key under its prefix and sets real expiries', async () => {
    const keyPrefix = `${prefix}ttl:`;
    const cache = await RedisCacheLayer.connect(REDIS_URL, { keyPrefix });
    await cache.set('a', '1', 5);
    await cache.increment('c', 0.25, 60);
    await cache.reserve('r', 1, 10, 0.5);
    await cache.set('forever', 'x');
    expect((await keysOf(`${keyPrefix}*`)).sort()).toEqual(
      ['a', 'c', 'forever', 'r'].map((k) => keyPrefix + k),
    );
    expect(await admin.pttl(`${keyPrefix}a`)).toBeGreaterThan(4_000);
    expect(await admin.pttl(`${keyPrefix}c`)).toBeGreaterThan(59_000);
    expect(await admin.pttl(`${keyPrefix}r`)).toBeLessThanOrEqual(500);
    expect(await admin.pttl(`${keyPrefix}forever`)).toBe(-1);
    expect(await admin.get(`${keyPrefix}c`)).toBe('0.25');
    await cache.close();
    await cache.close();
    await expect(cache.get('a')).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((await cache.health()).ok).toBe(false);
  });

  it('makes one round trip per operation, and reloads a flushed script once', async () => {
    const { driver, sent } = counting();
    const cache = new RedisCacheLayer(driver, { keyPrefix: `${prefix}rt:` });
    await cache.get('k');
    await cache.set('k', 'v', 10);
    await cache.invalidate('k');
    expect(sent).toEqual(['GET', 'SET', 'DEL']);
    sent.length = 0;
    await cache.increment('n', 1, 60);
    await cache.reserve('n', 1, 10, 60);
    // First use on a fresh server may need EVAL once per script; after that, EVALSHA only.
    sent.length = 0;
    await cache.increment('n', 1);
    await cache.reserve('n', 1, 10);
    expect(sent).toEqual(['EVALSHA', 'EVALSHA']);
    await admin.script('FLUSH');
    sent.length = 0;
    expect(await cache.increment('n', 1)).toBe(5);
    expect(sent).toEqual(['EVALSHA', 'EVAL']);
    sent.length = 0;
    await cache.increment('n', 1);
    expect(sent).toEqual(['EVALSHA']);
    await cache.close();
  });

  it('stores counters exactly as JavaScript doubles (not INCRBYFLOAT long doubles)', async () => {
    const cache = await RedisCacheLayer.connect(REDIS_URL, { keyPrefix: `${prefix}fmt:` });
    let expected = 0;
    for (const by of [0.1, 0.2, 1e-7, 123456.789, -0.3, 1e21]) {
      expected += by;
      expect(await cache.increment('f', by)).toBe(expected);
      expect(Number(await cache.get('f'))).toBe(expected);
    }
    const reserved = await cache.reserve('f', 0.1, 2e21);
    expect(reserved).toEqual({ ok: true, value: expected + 0.1 });
    await cache.close();
  });

  it('reports a key that is not a counter as VALIDATION_FAILED, without the prefix leaking', async () => {
    const cache = await RedisCacheLayer.connect(REDIS_URL, { keyPrefix: `${prefix}nan:` });
    await cache.set('text', 'inf');
    await expect(cache.increment('text', 1)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('does not hold a number') as unknown,
    });
    await admin.lpush(`${prefix}nan:list`, 'x');
    await expect(cache.get('list')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await cache.close();
  });

  it('fails to connect with STORAGE_UNAVAILABLE naming the server, password redacted', async () => {
    const started = Date.now();
    const error: unknown = await RedisCacheLayer.connect('redis://:hunter2@127.0.0.1:1', {
      connectTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/,
    );
    expect((error as Error).message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out a command that gets no answer with STORAGE_TIMEOUT', async () => {
    const cache = await RedisCacheLayer.connect(REDIS_URL, {
      keyPrefix: `${prefix}slow:`,
      commandTimeoutMs: 50,
    });
    // A script that spins for 300 ms holds the (single-threaded) server past the timeout.
    const blocker = new Redis(REDIS_URL);
    const spin = blocker.eval(
      "local t = redis.call('TIME'); local e = t[1] * 1000000 + t[2] + 300000; " +
        "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] >= e; return 1",
      0,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(cache.get('k')).rejects.toMatchObject({ code: 'STORAGE_TIMEOUT' });
    await spin;
    await blocker.quit();
    await cache.close();
  });
});
