import { pino } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CacheFailurePolicy } from './cache-failure-policy.js';

function logger() {
  const levels: number[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') levels.push((JSON.parse(line) as { level: number }).level);
      }
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), levels };
}

describe('CacheFailurePolicy (issue 14, item 8)', () => {
  it('open: lets requests through, logs one error per outage and one line when it ends', () => {
    const { log, levels } = logger();
    const policy = new CacheFailurePolicy({ mode: 'open', logger: log });
    const driverError = new Error('connect ECONNREFUSED 10.0.0.7:6379');
    expect(policy.failed(driverError, 'budget reservation')).toEqual({ ok: true });
    expect(policy.failed(driverError, 'rate limit')).toEqual({ ok: true });
    expect(policy.stats()).toMatchObject({ degraded: true, failures: 2, admittedUncounted: 2 });
    policy.succeeded();
    policy.succeeded();
    expect(policy.stats()).toMatchObject({ degraded: false, degradedSince: null });
    expect(levels).toEqual([50, 40]);
  });

  it('closed: refuses with 503 and a message that never carries the driver text', () => {
    const { log } = logger();
    const policy = new CacheFailurePolicy({ mode: 'closed', logger: log });
    const outcome = policy.failed(new Error('connect ECONNREFUSED 10.0.0.7:6379'), 'rate limit');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.status).toBe(503);
    expect(outcome.error.message).not.toMatch(/ECONNREFUSED|10\.0\.0\.7/);
    expect(outcome.headers).toEqual({ 'retry-after': '5' });
    expect(policy.stats().refused).toBe(1);
  });
});
