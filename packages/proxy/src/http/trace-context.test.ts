import { describe, expect, it } from 'vitest';
import { splitRequestHeaders } from './headers.js';
import { newSpanId, newTraceId, traceContextFor, traceparentOf } from './trace-context.js';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('reads trace id, parent and flags from a valid traceparent and adds a span of its own', () => {
    const context = traceContextFor(VALID);
    expect(context).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      flags: '01',
    });
    expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(traceparentOf(context)).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${context.spanId}-01`);
  });

  it('starts a new sampled trace without a traceparent', () => {
    const context = traceContextFor(undefined);
    expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context).toMatchObject({ parentSpanId: null, flags: '01' });
  });

  it('makes distinct ids across the random pool refills', () => {
    const traces = new Set(Array.from({ length: 2000 }, () => newTraceId()));
    const spans = new Set(Array.from({ length: 2000 }, () => newSpanId()));
    expect(traces.size).toBe(2000);
    expect(spans.size).toBe(2000);
  });

  it('starts new trace ids with the time, so later traces sort after earlier ones', () => {
    const before = Date.now();
    const id = newTraceId();
    expect(Number.parseInt(id.slice(0, 12), 16)).toBeGreaterThanOrEqual(before);
    expect(Number.parseInt(id.slice(0, 12), 16)).toBeLessThanOrEqual(Date.now());
    const ids = [3, 1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) =>
      newTraceId(t),
    );
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]?.startsWith('000000000003')).toBe(true);
    // The 20 digits after the time stay random: ids of the same millisecond differ.
    expect(new Set(Array.from({ length: 500 }, () => newTraceId(before))).size).toBe(500);
  });

  it('keeps traceparent for upstream and for itself, but not when it is sent twice', () => {
    const once = splitRequestHeaders(['traceparent', VALID, 'tracestate', 'a=1']);
    expect(once.own.traceparent).toBe(VALID);
    expect(once.upstream).toEqual(['traceparent', VALID, 'tracestate', 'a=1']);
    const twice = splitRequestHeaders(['traceparent', VALID, 'Traceparent', VALID]);
    expect(twice.own.traceparent).toBeUndefined();
    expect(twice.upstream).toHaveLength(4);
  });

  it('keeps a session id of 1 to 256 characters and drops it from the upstream headers', () => {
    const { own, upstream } = splitRequestHeaders(['X-LLMTrace-Session-ID', ' chat-1 ']);
    expect(own.sessionId).toBe('chat-1');
    expect(upstream).toEqual([]);
    expect(splitRequestHeaders(['x-llmtrace-session-id', '']).own.sessionId).toBeUndefined();
    expect(
      splitRequestHeaders(['x-llmtrace-session-id', 'x'.repeat(257)]).own.sessionId,
    ).toBeUndefined();
  });
});
