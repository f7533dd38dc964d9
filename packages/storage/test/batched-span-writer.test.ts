import type { BatchWriteResult, TraceRepository, TraceSpan } from '@llmtrace/core';
import { describe, expect, it, vi } from 'vitest';
import { BatchedSpanWriter, MemoryTraceRepository, type BatchFailure } from '../src/index.js';
import { makeSpan } from './fixtures.js';

/** A repository that records batch sizes and can be told to fail. */
class RecordingRepo implements Pick<TraceRepository, 'storeBatch'> {
  readonly batches: number[] = [];
  failNext = 0;

  storeBatch(spans: readonly TraceSpan[]): Promise<BatchWriteResult> {
    this.batches.push(spans.length);
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.reject(new Error('disk on fire'));
    }
    return Promise.resolve({ written: spans.length, failed: [] });
  }
}

const spans = (n: number, prefix = 's') =>
  Array.from({ length: n }, (_, i) => makeSpan({ spanId: `${prefix}${i}` }));

describe('BatchedSpanWriter', () => {
  it('drops and counts spans when the queue is full', async () => {
    const repo = new RecordingRepo();
    const writer = new BatchedSpanWriter(repo, {
      maxQueue: 3,
      batchSize: 100,
      flushIntervalMs: 60_000,
    });
    const accepted = spans(5).map((s) => writer.enqueue(s));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(writer.counters).toEqual({
      enqueued: 3,
      written: 0,
      failed: 0,
      dropped: 2,
      queueDepth: 3,
    });
    await writer.flush();
    expect(repo.batches).toEqual([3]);
    expect(writer.counters).toMatchObject({ written: 3, queueDepth: 0 });
    // The ring buffer wraps around: slots freed by the flush are reused.
    expect(spans(3, 'w').map((s) => writer.enqueue(s))).toEqual([true, true, true]);
    await writer.close();
    expect(writer.counters).toMatchObject({ enqueued: 6, written: 6, dropped: 2 });
  });

  it('flushes when a batch is full, without waiting for the interval', async () => {
    const repo = new RecordingRepo();
    const writer = new BatchedSpanWriter(repo, { batchSize: 2, flushIntervalMs: 60_000 });
    writer.enqueue(makeSpan({ spanId: 'a' }));
    writer.enqueue(makeSpan({ spanId: 'b' }));
    // Not written inside enqueue(): the write happens off the producer's stack.
    expect(repo.batches).toEqual([]);
    await vi.waitFor(() => expect(repo.batches).toEqual([2]));
    expect(writer.counters.written).toBe(2);
    await writer.close();
  });

  it('flushes a partial batch after flushIntervalMs', async () => {
    vi.useFakeTimers();
    try {
      const repo = new RecordingRepo();
      const writer = new BatchedSpanWriter(repo, { batchSize: 100, flushIntervalMs: 50 });
      writer.enqueue(makeSpan({ spanId: 'a' }));
      await vi.advanceTimersByTimeAsync(49);
      expect(repo.batches).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(repo.batches).toEqual([1]);
      expect(writer.counters.written).toBe(1);
      writer.enqueue(makeSpan({ spanId: 'b' }));
      await vi.advanceTimersByTimeAsync(50);
      expect(repo.batches).toEqual([1, 1]);
      await writer.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('close() drains everything in batches and then refuses new spans', async () => {
    const repo = new RecordingRepo();
    const writer = new BatchedSpanWriter(repo, { batchSize: 500, flushIntervalMs: 60_000 });
    for (const span of spans(1201)) writer.enqueue(span);
    await writer.close();
    expect(repo.batches.reduce((a, b) => a + b, 0)).toBe(1201);
    expect(repo.batches.every((n) => n <= 500)).toBe(true);
    expect(writer.counters).toEqual({
      enqueued: 1201,
      written: 1201,
      failed: 0,
      dropped: 0,
      queueDepth: 0,
    });
    expect(writer.enqueue(makeSpan({ spanId: 'late' }))).toBe(false);
    expect(writer.counters.dropped).toBe(1);
    await writer.close();
  });

  it('counts and reports a failing batch, then keeps writing', async () => {
    const repo = new RecordingRepo();
    repo.failNext = 1;
    const failures: BatchFailure[] = [];
    const writer = new BatchedSpanWriter(repo, {
      batchSize: 2,
      flushIntervalMs: 60_000,
      onError: (f) => failures.push(f),
    });
    for (const span of spans(3)) writer.enqueue(span);
    await writer.flush();
    expect(writer.counters).toMatchObject({ enqueued: 3, written: 1, failed: 2, queueDepth: 0 });
    expect(failures).toHaveLength(1);
    const failure = failures[0];
    expect(failure?.kind).toBe('rejected');
    if (failure?.kind === 'rejected') {
      expect(failure.error.code).toBe('INTERNAL');
      expect(failure.error.message).toBe('disk on fire');
      expect(failure.spans.map((s) => s.spanId)).toEqual(['s0', 's1']);
    }
    await writer.close();
  });

  it('reports spans a batch rejected as values, and survives a throwing onError', async () => {
    const repo = new MemoryTraceRepository();
    const onError = vi.fn(() => {
      throw new Error('callback bug');
    });
    const writer = new BatchedSpanWriter(repo, { batchSize: 10, flushIntervalMs: 60_000, onError });
    writer.enqueue(makeSpan({ spanId: 'ok' }));
    writer.enqueue(makeSpan({ spanId: 'bad', startTime: 'garbage' }));
    await writer.flush();
    expect(writer.counters).toMatchObject({ written: 1, failed: 1 });
    expect(onError).toHaveBeenCalledOnce();
    expect(onError.mock.calls[0]).toMatchObject([
      { kind: 'partial', failed: [{ spanId: 'bad' }], spans: [{ spanId: 'bad' }] },
    ]);
    writer.enqueue(makeSpan({ spanId: 'after' }));
    await writer.close();
    expect(await repo.getSpan('acme', 'after')).not.toBeNull();
  });

  it('validates its options', () => {
    const repo = new RecordingRepo();
    expect(() => new BatchedSpanWriter(repo, { maxQueue: 0 })).toThrow(/maxQueue/);
    expect(() => new BatchedSpanWriter(repo, { batchSize: 1.5 })).toThrow(/batchSize/);
    expect(() => new BatchedSpanWriter(repo, { flushIntervalMs: -1 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
