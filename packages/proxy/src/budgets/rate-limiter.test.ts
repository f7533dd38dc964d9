import { LLMTraceError, type CacheLayer } from '@llmtrace/core';
import { createStorage } from '@llmtrace/storage';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CacheFailurePolicy } from './cache-failure-policy.js';
import { RateLimiter, type RateRequest } from './rate-limiter.js';

const logger = pino({ level: 'silent' });

async function limiter(
  defaults: Partial<{ rpm: number; tpm: number; agent_rpm: number; agent_tpm: number }>,
  options: { cache?: CacheLayer; mode?: 'open' | 'closed'; now?: () => number } = {},
) {
  const cache = options.cache ?? (await createStorage({ profile: 'memory' })).cache;
  return new RateLimiter({
    defaults: { rpm: null, tpm: null, agent_rpm: null, agent_tpm: null, ...defaults },
    cache,
    cachePolicy: new CacheFailurePolicy({ mode: options.mode ?? 'open', logger }),
    defaultCompletionTokens: 100,
    logger,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

const request = (l: RateLimiter, agentId: string | null = null, bodyBytes = 400): RateRequest => ({
  tenantId: 'acme',
  agentId,
  limits: l.limitsFor(undefined) ?? { rpm: null, tpm: null, agentRpm: null, agentTpm: null },
  read: () => ({ kind: 'unreadable', reason: 'test' }),
  bodyBytes,
});

describe('RateLimiter (issue 19)', () => {
  it('costs nothing without limits, and tenant settings override the defaults one by one', async () => {
    const none = await limiter({});
    expect(none.limitsFor(undefined)).toBeNull();
    const l = await limiter({ rpm: 10, agent_tpm: 500 });
    expect(
      l.limitsFor({
        securityAnalysis: true,
        alertThresholds: {},
        rateLimitRpm: null,
        retentionDays: null,
        rateLimitTpm: 99,
      }),
    ).toEqual({ rpm: 10, tpm: 99, agentRpm: null, agentTpm: 500 });
  });

  it('counts fixed minutes: the next minute starts from zero, headers count down to it', async () => {
    let now = Date.parse('2026-12-05T10:00:59.750Z');
    const l = await limiter({ rpm: 1 }, { now: () => now });
    const first = await l.check(request(l));
    expect(first).toMatchObject({
      ok: true,
      headers: [
        'x-ratelimit-limit-requests',
        '1',
        'x-ratelimit-remaining-requests',
        '0',
        'x-ratelimit-reset-requests',
        '250ms',
      ],
    });
    const second = await l.check(request(l));
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.headers['retry-after']).toBe('1');
    now += 250;
    expect((await l.check(request(l))).ok).toBe(true);
  });

  it('estimates an unreadable body from its size, and a failed call gives its tokens back', async () => {
    const l = await limiter({ tpm: 1_000 });
    // 400 bytes ≈ 100 tokens, plus the default 100 completion tokens.
    const d = await l.check(request(l));
    if (!d.ok || d.reservation === undefined) throw new Error('expected a reservation');
    expect(d.reservation.tokens).toBe(200);
    l.settle(d.reservation, null, false);
    await l.flush();
    const again = await l.check(request(l));
    expect(again.ok && again.headers[1]).toBe('1000');
    expect(again.ok && again.headers[3]).toBe('800');
  });

  it('follows budgets.on_cache_failure when the cache is down', async () => {
    const down = {
      reserveAll: () => Promise.reject(new LLMTraceError('STORAGE_UNAVAILABLE', 'redis down')),
    } as unknown as CacheLayer; // only reserveAll is reached
    const open = await limiter({ rpm: 1 }, { cache: down, mode: 'open' });
    expect(await open.check(request(open))).toMatchObject({ ok: true, reservation: undefined });
    const closed = await limiter({ rpm: 1 }, { cache: down, mode: 'closed' });
    const refused = await closed.check(request(closed));
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(refused.error.message).not.toContain('redis down');
    }
  });
});
