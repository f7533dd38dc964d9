import {
  AgentActionV2,
  LLMTraceError,
  type SpanQuery,
  type TraceRepository,
  type TraceSpan,
} from '@llmtrace/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finding, fullSpan, makeSpan, type Fixture } from './fixtures.js';

/**
 * The acme data set (stored in this order; times on 2026-01-01 UTC):
 *
 * | span | trace | start    | provider  | model       | score | findings        | status | ms  | tokens p/c/t    | cost  | agent |
 * |------|-------|----------|-----------|-------------|-------|-----------------|--------|-----|-----------------|-------|-------|
 * | s1   | t1    | 10:00:00 | openai    | gpt-4o      | 10    | -               | 200    | 100 | 10/20/30        | 0.01  | a1    |
 * | s2   | t1    | 10:00:01 | openai    | gpt-4o      | 90    | high, critical  | 200    | 200 | 5/5/10          | 0.02  | a1    |
 * | s3   | t2    | 10:01:00 | anthropic | claude-3    | 50    | medium (pii)    | 500+err| 300 | 1/2/null (=3)   | null  | a2    |
 * | s4   | t3    | 10:02:00 | ollama    | null        | null  | -               | 200    | null| null            | null  | -     |
 * | s5   | t4    | 10:03:00 | openai    | gpt-4o-mini | 0     | -               | 429    | 400 | 100/0/100       | 0.001 | a1    |
 *
 * Tenant `other` reuses trace id t1 and span id s1 (and adds o1) to prove ids never cross tenants.
 */
function acmeSpans(): TraceSpan[] {
  const at = (hms: string) => `2026-01-01T${hms}.000Z`;
  return [
    makeSpan({
      spanId: 's1',
      traceId: 't1',
      startTime: at('10:00:00'),
      provider: 'openai',
      model: 'gpt-4o',
      securityScore: 10,
      statusCode: 200,
      durationMs: 100,
      promptTokens: 10,
      completionTokens: 20,
      totalTokens: 30,
      estimatedCostUsd: 0.01,
      agentId: 'a1',
      prompt: 'acme secret prompt',
    }),
    makeSpan({
      spanId: 's2',
      traceId: 't1',
      parentSpanId: 's1',
      startTime: at('10:00:01'),
      provider: 'openai',
      model: 'gpt-4o',
      securityScore: 90,
      securityFindings: [finding('f1', 'high'), finding('f2', 'critical')],
      statusCode: 200,
      durationMs: 200,
      promptTokens: 5,
      completionTokens: 5,
      totalTokens: 10,
      estimatedCostUsd: 0.02,
      agentId: 'a1',
    }),
    makeSpan({
      spanId: 's3',
      traceId: 't2',
      startTime: at('10:01:00'),
      provider: 'anthropic',
      model: 'claude-3',
      securityScore: 50,
      securityFindings: [{ ...finding('f3', 'medium'), type: 'pii' }],
      statusCode: 500,
      errorMessage: 'upstream exploded',
      durationMs: 300,
      promptTokens: 1,
      completionTokens: 2,
      totalTokens: null,
      estimatedCostUsd: null,
      agentId: 'a2',
    }),
    makeSpan({
      spanId: 's4',
      traceId: 't3',
      startTime: at('10:02:00'),
      provider: 'ollama',
      model: null,
      operationName: 'embeddings',
      securityScore: null,
      statusCode: 200,
    }),
    makeSpan({
      spanId: 's5',
      traceId: 't4',
      startTime: at('10:03:00'),
      provider: 'openai',
      model: 'gpt-4o-mini',
      securityScore: 0,
      statusCode: 429,
      durationMs: 400,
      promptTokens: 100,
      completionTokens: 0,
      totalTokens: 100,
      estimatedCostUsd: 0.001,
      agentId: 'a1',
    }),
  ];
}

function otherSpans(): TraceSpan[] {
  return [
    makeSpan({
      spanId: 's1',
      traceId: 't1',
      tenantId: 'other',
      startTime: '2026-01-01T09:00:00.000Z',
      prompt: 'other tenant prompt',
      model: 'gpt-4o',
      securityScore: 99,
    }),
    makeSpan({
      spanId: 'o1',
      traceId: 'ot',
      tenantId: 'other',
      startTime: '2026-01-01T11:00:00.000Z',
      model: 'gpt-4o',
      securityScore: 99,
    }),
  ];
}

const ids = (spans: readonly TraceSpan[]) => spans.map((s) => s.spanId);

/**
 * Behaviour every {@link TraceRepository} must have. `make` returns a fresh, empty repository.
 *
 * @example
 * traceRepositoryContract('memory', async () => ({ repo: new MemoryTraceRepository(), cleanup: async () => {} }));
 */
export function traceRepositoryContract(
  name: string,
  make: () => Promise<Fixture<TraceRepository>>,
): void {
  describe(`TraceRepository contract: ${name}`, () => {
    let repo: TraceRepository;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ repo, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    async function seed(): Promise<void> {
      const result = await repo.storeBatch(acmeSpans());
      expect(result).toEqual({ written: 5, failed: [] });
      await repo.storeBatch(otherSpans());
    }

    describe('round trip', () => {
      it('returns a stored span deep-equal to what was stored', async () => {
        const span = fullSpan('full-1');
        await repo.storeSpan(span);
        expect(await repo.getSpan('acme', 'full-1')).toEqual(span);
      });

      it('returns a stored trace deep-equal, spans oldest first', async () => {
        const first = fullSpan('a', 'tr');
        const second = makeSpan({
          spanId: 'b',
          traceId: 'tr',
          startTime: '2026-01-01T10:00:05.000Z',
        });
        const trace = {
          traceId: 'tr',
          tenantId: 'acme',
          createdAt: '2026-01-01T09:59:59.999+00:00',
          spans: [first, second],
        };
        await repo.storeTrace(trace);
        // The trace's session is read from its spans.
        expect(await repo.getTrace('acme', 'tr')).toEqual({ ...trace, sessionId: 'session-9' });
      });

      it('does not let callers mutate stored data through returned objects', async () => {
        await repo.storeSpan(makeSpan({ spanId: 'm1', tags: { a: '1' } }));
        const got = await repo.getSpan('acme', 'm1');
        got!.tags.a = 'mutated';
        expect((await repo.getSpan('acme', 'm1'))!.tags).toEqual({ a: '1' });
      });

      it('replaces a span stored again with the same id', async () => {
        await repo.storeSpan(makeSpan({ spanId: 'r1', response: 'old' }));
        await repo.storeSpan(makeSpan({ spanId: 'r1', response: 'new', securityScore: 3 }));
        const page = await repo.querySpans({ tenantId: 'acme', limit: 10, offset: 0 });
        expect(page.total).toBe(1);
        expect(page.items[0]).toMatchObject({ spanId: 'r1', response: 'new', securityScore: 3 });
      });

      it('moves a span stored again under another trace id', async () => {
        await repo.storeSpan(makeSpan({ spanId: 'mv', traceId: 'from' }));
        await repo.storeSpan(makeSpan({ spanId: 'mv', traceId: 'to' }));
        expect((await repo.getTrace('acme', 'from'))?.spans).toEqual([]);
        expect(ids((await repo.getTrace('acme', 'to'))?.spans ?? [])).toEqual(['mv']);
        expect((await repo.getSpan('acme', 'mv'))?.traceId).toBe('to');
      });

      it('creates the trace of a span stored on its own, dated by the span start', async () => {
        await repo.storeSpan(makeSpan({ spanId: 'x', traceId: 'new-trace' }));
        const trace = await repo.getTrace('acme', 'new-trace');
        expect(trace?.createdAt).toBe('2026-01-01T10:00:00.000Z');
        expect(ids(trace?.spans ?? [])).toEqual(['x']);
      });

      it('rejects a trace whose spans belong elsewhere, storing nothing', async () => {
        const trace = {
          traceId: 'tr',
          tenantId: 'acme',
          createdAt: '2026-01-01T10:00:00.000Z',
          spans: [
            makeSpan({ spanId: 'ok', traceId: 'tr' }),
            makeSpan({ spanId: 'bad', traceId: 'tr', tenantId: 'other' }),
          ],
        };
        await expect(repo.storeTrace(trace)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(await repo.getTrace('acme', 'tr')).toBeNull();
        expect(await repo.getSpan('other', 'bad')).toBeNull();
      });
    });

    describe('storeBatch', () => {
      it('writes valid spans and reports invalid ones as values', async () => {
        const result = await repo.storeBatch([
          makeSpan({ spanId: 'good-1' }),
          makeSpan({ spanId: 'bad-1', startTime: 'not a time' }),
          makeSpan({ spanId: 'good-2', traceId: 'trace-2' }),
        ]);
        expect(result.written).toBe(2);
        expect(result.failed).toHaveLength(1);
        expect(result.failed[0]?.spanId).toBe('bad-1');
        expect(result.failed[0]?.error).toMatch(/startTime/);
        expect(await repo.getSpan('acme', 'good-2')).not.toBeNull();
        expect(await repo.getSpan('acme', 'bad-1')).toBeNull();
      });

      it('accepts an empty batch', async () => {
        expect(await repo.storeBatch([])).toEqual({ written: 0, failed: [] });
      });
    });

    describe('querySpans', () => {
      beforeEach(seed);

      it('returns the tenant spans newest first with the total', async () => {
        const page = await repo.querySpans({ tenantId: 'acme', limit: 50, offset: 0 });
        expect(ids(page.items)).toEqual(['s5', 's4', 's3', 's2', 's1']);
        expect(page).toMatchObject({ total: 5, limit: 50, offset: 0 });
      });

      it('breaks start-time ties by span id, descending', async () => {
        const same = '2026-01-01T10:05:00.000Z';
        await repo.storeBatch([
          makeSpan({ spanId: 'tie-a', traceId: 'tie', startTime: same }),
          makeSpan({ spanId: 'tie-c', traceId: 'tie', startTime: same }),
          makeSpan({ spanId: 'tie-b', traceId: 'tie', startTime: same }),
        ]);
        const page = await repo.querySpans({ tenantId: 'acme', limit: 3, offset: 0 });
        expect(ids(page.items)).toEqual(['tie-c', 'tie-b', 'tie-a']);
      });

      it.each([
        ['provider', { provider: 'openai' }, ['s5', 's2', 's1']],
        ['model', { model: 'gpt-4o' }, ['s2', 's1']],
        ['operationName', { operationName: 'embeddings' }, ['s4']],
        ['minSecurityScore (inclusive, unscored excluded)', { minSecurityScore: 50 }, ['s3', 's2']],
        ['maxSecurityScore (inclusive, unscored excluded)', { maxSecurityScore: 10 }, ['s5', 's1']],
        ['hasFindings: true', { hasFindings: true }, ['s3', 's2']],
        ['hasFindings: false', { hasFindings: false }, ['s5', 's4', 's1']],
        ['agentId', { agentId: 'a1' }, ['s5', 's2', 's1']],
        ['findingType', { findingType: 'pii' }, ['s3']],
        ['findingType (another)', { findingType: 'prompt_injection' }, ['s2']],
        ['findingSeverity', { findingSeverity: 'critical' }, ['s2']],
        ['findingSeverity (exact, not at-least)', { findingSeverity: 'medium' }, ['s3']],
        ['findingSeverity nothing has', { findingSeverity: 'low' }, []],
        ['from (inclusive)', { from: '2026-01-01T10:01:00.000Z' }, ['s5', 's4', 's3']],
        ['to (exclusive)', { to: '2026-01-01T10:01:00.000Z' }, ['s2', 's1']],
        ['from with an offset', { from: '2026-01-01T12:01:00+02:00' }, ['s5', 's4', 's3']],
        [
          'several filters at once',
          { provider: 'openai', minSecurityScore: 5, to: '2026-01-01T10:03:00.000Z' },
          ['s2', 's1'],
        ],
        ['a filter nothing matches', { model: 'nope' }, []],
      ] as const)('filters by %s', async (_label, filter, expected) => {
        const page = await repo.querySpans({ tenantId: 'acme', ...filter, limit: 50, offset: 0 });
        expect(ids(page.items)).toEqual(expected);
        expect(page.total).toBe(expected.length);
      });

      it('paginates: limit 1, middle page, last partial page, offset past the end', async () => {
        const q = { tenantId: 'acme', limit: 1, offset: 0 };
        expect(ids((await repo.querySpans(q)).items)).toEqual(['s5']);
        const middle = await repo.querySpans({ ...q, limit: 2, offset: 2 });
        expect(ids(middle.items)).toEqual(['s3', 's2']);
        expect(middle.total).toBe(5);
        const last = await repo.querySpans({ ...q, limit: 2, offset: 4 });
        expect(ids(last.items)).toEqual(['s1']);
        const past = await repo.querySpans({ ...q, limit: 2, offset: 99 });
        expect(past).toEqual({ items: [], total: 5, limit: 2, offset: 99 });
        const countOnly = await repo.querySpans({ ...q, limit: 0, offset: 0, model: 'gpt-4o' });
        expect(countOnly).toMatchObject({ items: [], total: 2 });
      });

      it('rejects invalid pagination and times with VALIDATION_FAILED', async () => {
        await expect(
          repo.querySpans({ tenantId: 'acme', limit: -1, offset: 0 }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        await expect(
          repo.querySpans({ tenantId: 'acme', limit: 1, offset: 1.5 }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        await expect(
          repo.querySpans({ tenantId: 'acme', from: 'yesterday', limit: 1, offset: 0 }),
        ).rejects.toBeInstanceOf(LLMTraceError);
      });
    });

    describe('queryTraces', () => {
      beforeEach(seed);

      it('returns the latest traces first, each with all its spans', async () => {
        const page = await repo.queryTraces({ tenantId: 'acme', limit: 50, offset: 0 });
        expect(page.items.map((t) => t.traceId)).toEqual(['t4', 't3', 't2', 't1']);
        expect(page.total).toBe(4);
        const t1 = page.items[3];
        expect(t1?.createdAt).toBe('2026-01-01T10:00:00.000Z');
        expect(ids(t1?.spans ?? [])).toEqual(['s1', 's2']);
        expect(t1?.spans[0]).toEqual(acmeSpans()[0]);
      });

      it('matches a trace when any of its spans matches, and returns all its spans', async () => {
        const page = await repo.queryTraces({
          tenantId: 'acme',
          minSecurityScore: 90,
          limit: 50,
          offset: 0,
        });
        expect(page.items.map((t) => t.traceId)).toEqual(['t1']);
        expect(ids(page.items[0]?.spans ?? [])).toEqual(['s1', 's2']);
        expect(page.total).toBe(1);
      });

      it.each([
        [{ provider: 'openai' }, ['t4', 't1']],
        [{ hasFindings: true }, ['t2', 't1']],
        [{ agentId: 'a1' }, ['t4', 't1']],
        [{ findingType: 'pii' }, ['t2']],
        [{ findingSeverity: 'high', provider: 'openai' }, ['t1']],
        [{ from: '2026-01-01T10:00:01.000Z', to: '2026-01-01T10:02:00.000Z' }, ['t2', 't1']],
        [{ model: 'nope' }, []],
      ] as const)('filters traces by %o', async (filter, expected) => {
        const page = await repo.queryTraces({ tenantId: 'acme', ...filter, limit: 50, offset: 0 });
        expect(page.items.map((t) => t.traceId)).toEqual(expected);
        expect(page.total).toBe(expected.length);
      });

      it('paginates traces', async () => {
        const q = { tenantId: 'acme', limit: 1, offset: 1 };
        const page = await repo.queryTraces(q);
        expect(page.items.map((t) => t.traceId)).toEqual(['t3']);
        expect(page.total).toBe(4);
        expect((await repo.queryTraces({ ...q, offset: 4 })).items).toEqual([]);
        expect((await repo.queryTraces({ ...q, limit: 2, offset: 3 })).items).toHaveLength(1);
        const filtered = await repo.queryTraces({ ...q, provider: 'openai', limit: 1, offset: 1 });
        expect(filtered.items.map((t) => t.traceId)).toEqual(['t1']);
        expect(filtered.total).toBe(2);
      });
    });

    describe('sessions (X-LLMTrace-Session-ID)', () => {
      it('stores a span session, names the trace session, and filters spans and traces by it', async () => {
        await repo.storeBatch([
          makeSpan({
            spanId: 'c1',
            traceId: 'x1',
            startTime: '2026-01-01T11:00:00.000Z',
            sessionId: 'conv-1',
          }),
          makeSpan({
            spanId: 'c2',
            traceId: 'x1',
            startTime: '2026-01-01T11:00:01.000Z',
            sessionId: 'conv-1',
          }),
          makeSpan({
            spanId: 'c3',
            traceId: 'x2',
            startTime: '2026-01-01T11:01:00.000Z',
            sessionId: 'conv-1',
          }),
          makeSpan({
            spanId: 'c4',
            traceId: 'x3',
            startTime: '2026-01-01T11:02:00.000Z',
            sessionId: 'conv-2',
          }),
          makeSpan({ spanId: 'c5', traceId: 'x4', startTime: '2026-01-01T11:03:00.000Z' }),
          makeSpan({
            spanId: 'c6',
            traceId: 'x5',
            tenantId: 'other',
            startTime: '2026-01-01T11:04:00.000Z',
            sessionId: 'conv-1',
          }),
        ]);
        const spans = await repo.querySpans({
          tenantId: 'acme',
          sessionId: 'conv-1',
          limit: 50,
          offset: 0,
        });
        expect(ids(spans.items)).toEqual(['c3', 'c2', 'c1']);
        const traces = await repo.queryTraces({
          tenantId: 'acme',
          sessionId: 'conv-1',
          limit: 50,
          offset: 0,
        });
        expect(traces.items.map((t) => [t.traceId, t.sessionId])).toEqual([
          ['x2', 'conv-1'],
          ['x1', 'conv-1'],
        ]);
        expect(traces.total).toBe(2);
        expect((await repo.getTrace('acme', 'x3'))?.sessionId).toBe('conv-2');
        expect((await repo.getTrace('acme', 'x4'))?.sessionId).toBeNull();
        expect((await repo.getSpan('acme', 'c4'))?.sessionId).toBe('conv-2');
      });
    });

    describe('agent action filters (issue 15)', () => {
      const action = (
        id: string,
        extra: Record<string, unknown>,
      ): TraceSpan['agentActions'][number] =>
        AgentActionV2.parse({ id, source: 'proxy', ...extra });

      beforeEach(async () => {
        await repo.storeBatch([
          makeSpan({
            spanId: 'a-shell',
            traceId: 'ta1',
            startTime: '2026-01-01T12:00:00.000Z',
            agentActions: [
              action('c1', {
                actionType: 'command_execution',
                name: 'run_shell',
                command: 'ls',
                viaToolCall: true,
              }),
            ],
          }),
          makeSpan({
            spanId: 'a-web',
            traceId: 'ta2',
            startTime: '2026-01-01T12:01:00.000Z',
            agentActions: [
              action('w1', { actionType: 'web_access', name: 'fetch', url: 'https://x.test/' }),
            ],
          }),
          makeSpan({
            spanId: 'a-file-tool',
            traceId: 'ta2',
            startTime: '2026-01-01T12:02:00.000Z',
            agentActions: [
              action('f1', {
                actionType: 'file_access',
                name: 'read_file',
                path: 'README.md',
                viaToolCall: true,
              }),
              action('t1', { actionType: 'tool_call', name: 'get_weather', viaToolCall: true }),
            ],
          }),
          makeSpan({ spanId: 'a-none', traceId: 'ta3', startTime: '2026-01-01T12:03:00.000Z' }),
          makeSpan({
            spanId: 'a-other-tenant',
            traceId: 'ta4',
            tenantId: 'other',
            startTime: '2026-01-01T12:04:00.000Z',
            agentActions: [
              action('c9', { actionType: 'command_execution', name: 'run_shell', command: 'id' }),
            ],
          }),
        ]);
      });

      const spanIds = async (filter: Partial<SpanQuery>): Promise<string[]> =>
        ids((await repo.querySpans({ tenantId: 'acme', limit: 50, offset: 0, ...filter })).items);

      it('filters spans on each flag, both ways, in the tenant only', async () => {
        expect(await spanIds({ hasToolCalls: true })).toEqual(['a-file-tool', 'a-shell']);
        expect(await spanIds({ hasCommands: true })).toEqual(['a-shell']);
        expect(await spanIds({ hasWebAccess: true })).toEqual(['a-web']);
        expect(await spanIds({ hasFileAccess: true })).toEqual(['a-file-tool']);
        expect(await spanIds({ hasCommands: false })).not.toContain('a-shell');
        expect(await spanIds({ hasCommands: false })).toContain('a-none');
      });

      it('filters spans on action type and name', async () => {
        expect(await spanIds({ actionType: 'tool_call' })).toEqual(['a-file-tool']);
        expect(await spanIds({ actionType: 'web_access' })).toEqual(['a-web']);
        expect(await spanIds({ actionType: 'skill_invocation' })).toEqual([]);
        expect(await spanIds({ actionName: 'run_shell' })).toEqual(['a-shell']);
        expect(await spanIds({ actionName: 'get_weather' })).toEqual(['a-file-tool']);
        expect(await spanIds({ actionName: 'nope' })).toEqual([]);
      });

      it('filters traces by their spans actions and returns them whole', async () => {
        const traces = await repo.queryTraces({
          tenantId: 'acme',
          hasFileAccess: true,
          limit: 50,
          offset: 0,
        });
        expect(traces.items.map((t) => t.traceId)).toEqual(['ta2']);
        expect(traces.items[0]?.spans).toHaveLength(2);
        expect(traces.total).toBe(1);
      });
    });

    describe('tenant isolation', () => {
      beforeEach(seed);

      it('returns null for ids that exist only in another tenant', async () => {
        expect(await repo.getSpan('acme', 'o1')).toBeNull();
        expect(await repo.getTrace('acme', 'ot')).toBeNull();
        expect(await repo.getSpan('nobody', 's1')).toBeNull();
        expect(await repo.getTrace('nobody', 't1')).toBeNull();
      });

      it('keeps colliding ids apart: each tenant sees its own span and trace', async () => {
        expect((await repo.getSpan('acme', 's1'))?.prompt).toBe('acme secret prompt');
        expect((await repo.getSpan('other', 's1'))?.prompt).toBe('other tenant prompt');
        expect(ids((await repo.getTrace('other', 't1'))?.spans ?? [])).toEqual(['s1']);
        expect(ids((await repo.getTrace('acme', 't1'))?.spans ?? [])).toEqual(['s1', 's2']);
      });

      it('never returns another tenant in queries, filtered or not', async () => {
        const spans = await repo.querySpans({ tenantId: 'other', limit: 50, offset: 0 });
        expect(ids(spans.items)).toEqual(['o1', 's1']);
        expect(spans.items.every((s) => s.tenantId === 'other')).toBe(true);
        const scored = await repo.querySpans({
          tenantId: 'acme',
          minSecurityScore: 95,
          limit: 50,
          offset: 0,
        });
        expect(scored.total).toBe(0);
        const traces = await repo.queryTraces({ tenantId: 'other', limit: 50, offset: 0 });
        expect(traces.items.map((t) => t.traceId)).toEqual(['ot', 't1']);
        expect(traces.items.flatMap((t) => t.spans).every((s) => s.tenantId === 'other')).toBe(
          true,
        );
        expect((await repo.getStats('other', {})).spanCount).toBe(2);
      });
    });

    describe('every tenant (no tenant named: the API with auth off, the admin key)', () => {
      beforeEach(seed);
      const tenants = (spans: readonly TraceSpan[]) => spans.map((s) => s.tenantId);

      it('lists spans of every tenant newest first, colliding ids kept apart', async () => {
        const all = await repo.querySpans({ limit: 50, offset: 0 });
        expect(all.total).toBe(7);
        expect(ids(all.items)).toEqual(['o1', 's5', 's4', 's3', 's2', 's1', 's1']);
        expect(tenants(all.items)).toEqual(['other', ...Array<string>(5).fill('acme'), 'other']);
        const scored = await repo.querySpans({ minSecurityScore: 95, limit: 50, offset: 0 });
        expect(ids(scored.items)).toEqual(['o1', 's1']);
        expect(tenants(scored.items)).toEqual(['other', 'other']);
        const page = await repo.querySpans({ limit: 2, offset: 5 });
        expect(tenants(page.items)).toEqual(['acme', 'other']);
      });

      it('lists traces of every tenant, each with its own spans only', async () => {
        const all = await repo.queryTraces({ limit: 50, offset: 0 });
        expect(all.total).toBe(6);
        expect(all.items.map((t) => `${t.tenantId}/${t.traceId}`)).toEqual([
          'other/ot',
          'acme/t4',
          'acme/t3',
          'acme/t2',
          'acme/t1',
          'other/t1',
        ]);
        for (const trace of all.items) {
          expect(trace.spans.every((s) => s.tenantId === trace.tenantId)).toBe(true);
        }
        expect(ids(all.items[4]?.spans ?? [])).toEqual(['s1', 's2']);
        expect(ids(all.items[5]?.spans ?? [])).toEqual(['s1']);
        const byModel = await repo.queryTraces({ model: 'gpt-4o', limit: 50, offset: 0 });
        expect(byModel.total).toBe(3);
        expect(byModel.items.map((t) => `${t.tenantId}/${t.traceId}`)).toEqual([
          'other/ot',
          'acme/t1',
          'other/t1',
        ]);
      });

      it('aggregates every tenant, counting a reused trace id once per tenant', async () => {
        const stats = await repo.getStats(undefined, {});
        expect(stats.spanCount).toBe(7);
        expect(stats.traceCount).toBe(6);
        expect(stats.spanCount).toBe(
          (await repo.getStats('acme', {})).spanCount +
            (await repo.getStats('other', {})).spanCount,
        );
      });

      it('opens a trace or span by id in whichever tenant holds it, the newest on a collision', async () => {
        expect((await repo.getTrace(undefined, 'ot'))?.tenantId).toBe('other');
        const t1 = await repo.getTrace(undefined, 't1');
        expect(t1?.tenantId).toBe('acme');
        expect(ids(t1?.spans ?? [])).toEqual(['s1', 's2']);
        expect((await repo.getSpan(undefined, 'o1'))?.tenantId).toBe('other');
        expect((await repo.getSpan(undefined, 's1'))?.prompt).toBe('acme secret prompt');
        expect(await repo.getTrace(undefined, 'missing')).toBeNull();
        expect(await repo.getSpan(undefined, 'missing')).toBeNull();
      });
    });

    describe('getStats', () => {
      beforeEach(seed);

      it('computes the tenant aggregates (hand-computed, see the table above)', async () => {
        const stats = await repo.getStats('acme', {});
        expect(stats).toMatchObject({
          traceCount: 4,
          spanCount: 5,
          errorCount: 2,
          promptTokens: 116,
          completionTokens: 27,
          totalTokens: 143,
          unpricedSpans: 1,
          latencyMs: { avg: 250, p50: 200, p95: 400, p99: 400 },
          findingsBySeverity: { critical: 1, high: 1, medium: 1, low: 0, info: 0 },
        });
        expect(stats.totalCostUsd).toBeCloseTo(0.031, 12);
        expect(stats.byModel).toHaveLength(3);
        expect(stats.byModel.map((m) => [m.model, m.provider, m.spanCount, m.totalTokens])).toEqual(
          [
            ['gpt-4o', 'openai', 2, 40],
            ['claude-3', 'anthropic', 1, 3],
            ['gpt-4o-mini', 'openai', 1, 100],
          ],
        );
        expect(stats.byModel[0]?.totalCostUsd).toBeCloseTo(0.03, 12);
        expect(stats.byModel[1]?.totalCostUsd).toBe(0);
        expect(stats.byModel[2]?.totalCostUsd).toBeCloseTo(0.001, 12);
      });

      it('limits aggregates to [from, to)', async () => {
        const stats = await repo.getStats('acme', {
          from: '2026-01-01T10:00:30.000Z',
          to: '2026-01-01T10:03:00.000Z',
        });
        expect(stats).toMatchObject({
          traceCount: 2,
          spanCount: 2,
          errorCount: 1,
          totalTokens: 3,
          totalCostUsd: 0,
          unpricedSpans: 1,
          latencyMs: { avg: 300, p50: 300, p95: 300, p99: 300 },
          findingsBySeverity: { critical: 0, high: 0, medium: 1, low: 0, info: 0 },
        });
      });

      it('uses nearest-rank percentiles', async () => {
        await repo.storeBatch(
          Array.from({ length: 100 }, (_, i) =>
            makeSpan({
              spanId: `p${i}`,
              traceId: `pt${i}`,
              tenantId: 'perc',
              // Stored shuffled so that order of insertion cannot be mistaken for sorting.
              durationMs: ((i * 37) % 100) + 1,
            }),
          ),
        );
        const stats = await repo.getStats('perc', {});
        expect(stats.latencyMs).toEqual({ avg: 50.5, p50: 50, p95: 95, p99: 99 });
      });

      it('returns zeros and nulls for a tenant without spans', async () => {
        expect(await repo.getStats('nobody', {})).toEqual({
          traceCount: 0,
          spanCount: 0,
          errorCount: 0,
          promptTokens: 0,
          completionTokens: 0,
          totalTokens: 0,
          totalCostUsd: 0,
          unpricedSpans: 0,
          latencyMs: { avg: null, p50: null, p95: null, p99: null },
          findingsBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
          byModel: [],
        });
      });
    });

    describe('deleteOlderThan', () => {
      beforeEach(seed);

      it('deletes the tenant traces created before the time with their spans', async () => {
        // The dry run of issue 19 counts exactly what the deletion removes, and removes nothing.
        expect(await repo.countOlderThan('acme', '2026-01-01T10:01:30.000Z')).toBe(3);
        expect(await repo.countOlderThan('acme', '2026-01-01T10:01:30.000Z')).toBe(3);
        expect(await repo.countOlderThan('nobody', '2026-01-01T10:01:30.000Z')).toBe(0);
        expect(await repo.deleteOlderThan('acme', '2026-01-01T10:01:30.000Z')).toBe(3);
        expect(await repo.countOlderThan('acme', '2026-01-01T10:01:30.000Z')).toBe(0);
        expect(await repo.getTrace('acme', 't1')).toBeNull();
        expect(await repo.getSpan('acme', 's2')).toBeNull();
        expect(await repo.getTrace('acme', 't3')).not.toBeNull();
        const left = await repo.querySpans({ tenantId: 'acme', limit: 50, offset: 0 });
        expect(ids(left.items)).toEqual(['s5', 's4']);
        expect((await repo.queryTraces({ tenantId: 'acme', limit: 50, offset: 0 })).total).toBe(2);
        // The other tenant's trace t1 (older still) is untouched.
        expect(await repo.getTrace('other', 't1')).not.toBeNull();
        expect(await repo.deleteOlderThan('acme', '2026-01-01T10:01:30.000Z')).toBe(0);
      });
    });

    describe('export for llmtrace copy', () => {
      beforeEach(seed);

      it('pages every tenant in (tenant, trace id) order with each trace whole', async () => {
        const first = await repo.exportTraces(null, 3);
        expect(first.map((t) => `${t.tenantId}/${t.traceId}`)).toEqual([
          'acme/t1',
          'acme/t2',
          'acme/t3',
        ]);
        expect(ids(first[0]!.spans)).toEqual(['s1', 's2']);
        expect(first[0]).toEqual(await repo.getTrace('acme', 't1'));
        const last = first.at(-1)!;
        const second = await repo.exportTraces(
          { tenantId: last.tenantId, traceId: last.traceId },
          3,
        );
        expect(second.map((t) => `${t.tenantId}/${t.traceId}`)).toEqual([
          'acme/t4',
          'other/ot',
          'other/t1',
        ]);
        // The other tenant's t1 comes with its own span, never acme's s1/s2.
        expect(second[2]!.spans.map((s) => s.prompt)).toEqual(['other tenant prompt']);
        expect(await repo.exportTraces({ tenantId: 'other', traceId: 't1' }, 3)).toEqual([]);
        expect(await repo.exportTraces(null, 0)).toEqual([]);
        await expect(repo.exportTraces(null, -1)).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
      });

      it('counts traces and spans over every tenant', async () => {
        expect(await repo.countAll()).toEqual({ traces: 6, spans: 7 });
      });

      it('storeTraces keeps createdAt, replaces nothing twice, and rejects a bad batch whole', async () => {
        const exported = await repo.exportTraces(null, 100);
        const explicit = {
          traceId: 'empty',
          tenantId: 'third',
          createdAt: '2025-12-31T23:00:00.000+00:00',
          // Reads name the session of a trace's spans: none here.
          sessionId: null,
          spans: [],
        };
        await repo.storeTraces([...exported, explicit]);
        await repo.storeTraces([...exported, explicit]);
        expect(await repo.countAll()).toEqual({ traces: 7, spans: 7 });
        expect(await repo.getTrace('third', 'empty')).toEqual(explicit);
        expect(await repo.exportTraces(null, 100)).toEqual([...exported, explicit]);
        const bad = {
          ...explicit,
          traceId: 'bad',
          spans: [makeSpan({ spanId: 'x', traceId: 'elsewhere' })],
        };
        await expect(
          repo.storeTraces([{ ...explicit, traceId: 'ok2' }, bad]),
        ).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
        expect(await repo.getTrace('third', 'ok2')).toBeNull();
      });
    });

    it('reports health', async () => {
      expect((await repo.health()).ok).toBe(true);
    });
  });
}
