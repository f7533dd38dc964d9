import { DEFAULT_RANGE, isRangePreset, type RangePreset } from './time-range.js';

/** Providers the API knows (a filter naming another one would be a 400). */
export const PROVIDERS = [
  'openai',
  'anthropic',
  'vllm',
  'sglang',
  'tgi',
  'ollama',
  'azure_openai',
  'bedrock',
  'custom',
] as const;

/**
 * The Traces page's "with actions" filter: spans with a tool call, a command, a web or a file
 * access (the API's `has_tool_calls`, `has_commands`, `has_web_access`, `has_file_access`).
 */
export const ACTION_KINDS = {
  tools: 'has_tool_calls',
  commands: 'has_commands',
  web: 'has_web_access',
  files: 'has_file_access',
} as const;
export type ActionKind = keyof typeof ACTION_KINDS;

export function isActionKind(value: string | null): value is ActionKind {
  return value !== null && Object.hasOwn(ACTION_KINDS, value);
}

/** The Traces page's filters, as kept in the URL so a filtered view is a shareable link. */
export interface TraceFilters {
  readonly range: RangePreset;
  readonly model?: string;
  readonly provider?: (typeof PROVIDERS)[number];
  readonly agent?: string;
  readonly minScore?: number;
  readonly maxScore?: number;
  readonly actions?: ActionKind;
  /** 1-based page number. */
  readonly page: number;
}

export const PAGE_SIZE = 25;

function text(params: URLSearchParams, name: string, max: number): string | undefined {
  const value = params.get(name)?.trim();
  return value === undefined || value === '' ? undefined : value.slice(0, max);
}

function score(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 && value <= 100 ? value : undefined;
}

/**
 * Reads filters from the URL. A link may have been edited by hand, so anything the API would refuse
 * (unknown provider, score outside 0–100, page below 1) is dropped rather than shown as an error.
 */
export function parseTraceFilters(params: URLSearchParams): TraceFilters {
  const provider = params.get('provider');
  const page = Number(params.get('page') ?? '1');
  const range = params.get('range');
  let minScore = score(params, 'min_score');
  let maxScore = score(params, 'max_score');
  if (minScore !== undefined && maxScore !== undefined && minScore > maxScore)
    [minScore, maxScore] = [maxScore, minScore];
  const model = text(params, 'model', 200);
  const agent = text(params, 'agent', 128);
  const actions = params.get('actions');
  return {
    range: isRangePreset(range) ? range : DEFAULT_RANGE,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    ...(model === undefined ? {} : { model }),
    ...(agent === undefined ? {} : { agent }),
    ...(PROVIDERS.some((p) => p === provider)
      ? { provider: provider as TraceFilters['provider'] }
      : {}),
    ...(minScore === undefined ? {} : { minScore }),
    ...(maxScore === undefined ? {} : { maxScore }),
    ...(isActionKind(actions) ? { actions } : {}),
  };
}

/** Filters back to URL parameters, leaving defaults out so links stay short. */
export function traceFiltersToParams(
  filters: TraceFilters,
  base?: URLSearchParams,
): URLSearchParams {
  const params = new URLSearchParams(base);
  const set = (name: string, value: string | number | undefined, fallback?: string): void => {
    if (value === undefined || String(value) === fallback) params.delete(name);
    else params.set(name, String(value));
  };
  set('range', filters.range, DEFAULT_RANGE);
  set('model', filters.model);
  set('provider', filters.provider);
  set('agent', filters.agent);
  set('min_score', filters.minScore);
  set('max_score', filters.maxScore);
  set('actions', filters.actions);
  set('page', filters.page, '1');
  return params;
}

/** The `/api/v1/traces` query for the filters (snake_case, as the API names them). */
export function traceApiQuery(
  filters: TraceFilters,
  window: { from: string; to: string },
  tenantId: string | undefined,
): URLSearchParams {
  const query = new URLSearchParams({
    limit: String(PAGE_SIZE),
    offset: String((filters.page - 1) * PAGE_SIZE),
    from: window.from,
    to: window.to,
  });
  if (tenantId !== undefined) query.set('tenant_id', tenantId);
  if (filters.model !== undefined) query.set('model', filters.model);
  if (filters.provider !== undefined) query.set('provider', filters.provider);
  if (filters.agent !== undefined) query.set('agent_id', filters.agent);
  if (filters.minScore !== undefined) query.set('min_score', String(filters.minScore));
  if (filters.maxScore !== undefined) query.set('max_score', String(filters.maxScore));
  if (filters.actions !== undefined) query.set(ACTION_KINDS[filters.actions], 'true');
  return query;
}

/** Number of pages for `total` items (at least 1, so "page 1 of 1" reads right when empty). */
export function pageCount(total: number, pageSize = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
