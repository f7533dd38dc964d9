import { describe, expect, it } from 'vitest';
import { pageCount, parseTraceFilters, traceApiQuery, traceFiltersToParams } from './url-state.js';

describe('trace filters in the URL', () => {
  it('round-trips every filter through the URL', () => {
    const filters = {
      range: '7d' as const,
      model: 'gpt-4o',
      provider: 'openai' as const,
      agent: 'planner',
      minScore: 40,
      maxScore: 90,
      actions: 'commands' as const,
      page: 3,
    };
    const params = traceFiltersToParams(filters);
    expect(params.toString()).toBe(
      'range=7d&model=gpt-4o&provider=openai&agent=planner&min_score=40&max_score=90&actions=commands&page=3',
    );
    expect(parseTraceFilters(params)).toEqual(filters);
  });

  it('leaves defaults out of the link and keeps unrelated parameters (the tenant)', () => {
    const params = traceFiltersToParams(
      { range: '24h', page: 1 },
      new URLSearchParams('tenant=acme&model=old'),
    );
    expect(params.toString()).toBe('tenant=acme');
  });

  it('drops hand-edited values the API would refuse instead of failing', () => {
    const filters = parseTraceFilters(
      new URLSearchParams(
        'range=99y&provider=nope&min_score=abc&max_score=500&page=-2&model=%20&actions=toString',
      ),
    );
    expect(filters).toEqual({ range: '24h', page: 1 });
    // A reversed score range is put the right way round.
    expect(parseTraceFilters(new URLSearchParams('min_score=80&max_score=20'))).toMatchObject({
      minScore: 20,
      maxScore: 80,
    });
  });

  it('builds the API query with snake_case names and the page as an offset', () => {
    const query = traceApiQuery(
      { range: '24h', page: 3, agent: 'a1', minScore: 50, actions: 'web' },
      { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
      'acme',
    );
    expect(Object.fromEntries(query)).toEqual({
      limit: '25',
      offset: '50',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-02T00:00:00.000Z',
      tenant_id: 'acme',
      agent_id: 'a1',
      min_score: '50',
      has_web_access: 'true',
    });
  });

  it('counts pages', () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(25)).toBe(1);
    expect(pageCount(26)).toBe(2);
  });
});
