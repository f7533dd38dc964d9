/**
 * The `/api/v1` JSON the dashboard reads: snake_case, as the API's OpenAPI document describes it.
 * Only the fields the pages use are listed.
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface Finding {
  readonly id: string;
  readonly finding_type: string;
  readonly severity: Severity;
  readonly confidence: number;
  readonly description: string;
  readonly location?: {
    readonly side: 'request' | 'response';
    readonly message_index?: number;
    readonly start?: number;
    readonly end?: number;
  };
  readonly owasp_id?: string;
  readonly detected_at: string;
  readonly metadata: Record<string, unknown>;
}

/**
 * The kinds of agent action, as the API names them (`type` filter of `/api/v1/actions`). A copy of
 * core's list (the bundle does not depend on core); `types.test.ts` keeps the two equal.
 */
export const ACTION_TYPES = [
  'tool_call',
  'skill_invocation',
  'command_execution',
  'web_access',
  'file_access',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** An agent action (issue 15; docs/agent-actions.md): common fields plus those of its type. */
export interface AgentAction {
  readonly id: string;
  readonly action_type: ActionType;
  readonly name: string;
  readonly arguments: string | null;
  readonly result: string | null;
  readonly started_at: string | null;
  readonly source: 'proxy' | 'reported';
  readonly tool_call_id: string | null;
  readonly via_tool_call: boolean;
  readonly truncated: boolean;
  readonly command?: string;
  readonly url?: string;
  readonly path?: string;
  readonly skill_name?: string;
}

export interface SpanEvent {
  readonly name: string;
  readonly timestamp: string;
  readonly attributes: Record<string, unknown>;
}

export interface Span {
  readonly span_id: string;
  readonly trace_id: string;
  readonly parent_span_id: string | null;
  readonly tenant_id: string;
  readonly agent_id: string | null;
  readonly operation_name: string;
  readonly start_time: string;
  readonly end_time: string | null;
  readonly duration_ms: number | null;
  readonly provider: string;
  readonly model_name: string | null;
  readonly prompt: string;
  readonly response: string | null;
  readonly prompt_tokens: number | null;
  readonly completion_tokens: number | null;
  readonly total_tokens: number | null;
  readonly tokens_estimated: boolean;
  readonly time_to_first_token_ms: number | null;
  readonly status_code: number | null;
  readonly error_message: string | null;
  readonly security_score: number | null;
  readonly security_findings: Finding[];
  readonly estimated_cost_usd: number | null;
  readonly tags: Record<string, string>;
  readonly agent_actions: AgentAction[];
  readonly events: SpanEvent[];
}

export interface Trace {
  readonly trace_id: string;
  readonly tenant_id: string;
  readonly created_at: string;
  readonly spans: Span[];
}

export interface Stats {
  readonly trace_count: number;
  readonly span_count: number;
  readonly error_count: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly total_cost_usd: number;
  readonly unpriced_spans: number;
  readonly latency_ms: {
    readonly avg: number | null;
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
  readonly findings_by_severity: Record<Severity, number>;
  readonly by_model: {
    readonly model_name: string;
    readonly provider: string;
    readonly span_count: number;
    readonly total_tokens: number;
    readonly total_cost_usd: number;
  }[];
}

export interface TimeSeriesBucket {
  readonly start: string;
  readonly end: string;
  readonly trace_count: number;
  readonly span_count: number;
  readonly error_count: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly total_cost_usd: number;
  readonly latency_ms: { readonly p50: number | null; readonly p95: number | null };
  readonly ttft_ms: { readonly p50: number | null; readonly p95: number | null };
  readonly findings_by_severity: Record<Severity, number>;
  readonly findings_by_type: Record<string, number>;
}

export interface TimeSeries {
  readonly interval_seconds: number;
  readonly buckets: TimeSeriesBucket[];
  readonly by_agent: {
    readonly agent_id: string | null;
    readonly span_count: number;
    readonly total_tokens: number;
    readonly total_cost_usd: number;
  }[];
  readonly scanned_spans: number;
  readonly scan_complete: boolean;
}

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly plan: string;
  readonly created_at: string;
  readonly deleted_at: string | null;
}

export type KeyRole = 'admin' | 'operator' | 'viewer';

export interface ApiKey {
  readonly id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly role: KeyRole;
  readonly prefix: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

export interface AuditEvent {
  readonly id: string;
  readonly tenant_id: string;
  readonly actor: string;
  readonly action: string;
  readonly resource_type: string;
  readonly resource_id: string | null;
  readonly details: Record<string, unknown>;
  readonly created_at: string;
}

export interface AlertRecord {
  readonly id: string;
  readonly tenant_id: string;
  readonly channel: string;
  readonly kind: 'security' | 'budget';
  readonly status: 'sent' | 'suppressed' | 'failed';
  readonly severity: Severity;
  readonly title: string;
  readonly trace_id: string | null;
  readonly created_at: string;
}

export interface CostWindow {
  readonly window: 'hourly' | 'daily' | 'weekly' | 'monthly';
  readonly scope: 'tenant' | 'agent';
  readonly spent_usd: number;
  readonly hard_limit_usd: number | null;
  readonly soft_limit_usd: number | null;
  readonly remaining_usd: number | null;
  readonly period_start: string;
  readonly resets_at: string;
  readonly source: 'budget' | 'traces';
}

export interface Costs {
  readonly tenant_id: string;
  readonly agent_id: string | null;
  readonly windows: CostWindow[];
}

export interface SessionInfo {
  readonly auth_enabled: boolean;
  readonly kind: 'admin_key' | 'tenant_key' | 'anonymous';
  readonly tenant_id: string | null;
  readonly role: KeyRole;
  readonly actor: string;
  readonly csrf_token: string | null;
  readonly expires_at: string | null;
}

/** One action of `GET /api/v1/actions`, with the span it belongs to and its findings. */
export interface ActionItem {
  readonly tenant_id: string;
  readonly trace_id: string;
  readonly span_id: string;
  readonly span_start_time: string;
  readonly action: AgentAction;
  readonly findings: Finding[];
}

export interface ActionPage extends Page<ActionItem> {
  /** The range held more spans with actions than one request reads (the newest are listed). */
  readonly truncated: boolean;
}

export interface CountItem {
  readonly key: string;
  readonly count: number;
}

/** `GET /api/v1/actions/summary`. */
export interface ActionSummary {
  readonly total: number;
  readonly spans_with_actions: number;
  readonly truncated: boolean;
  readonly by_type: Partial<Record<ActionType, number>>;
  /** Most frequent names, `key` = `type:name`. */
  readonly by_name: CountItem[];
  readonly findings_by_type: Partial<Record<ActionType, number>>;
  readonly top_domains: CountItem[];
  /** By program (the command's first word). */
  readonly top_commands: CountItem[];
}

/** A canary token as listed: label and prefix, never the value (issue 19). */
export interface Canary {
  readonly id: string;
  readonly tenant_id: string;
  readonly label: string;
  readonly prefix: string;
  readonly created_at: string;
}

/** `GET /api/v1/reports/compliance` (JSON); only the fields the page shows. */
export interface ComplianceReport {
  readonly tenant_id: string;
  readonly from: string;
  readonly to: string;
  readonly generated_at: string;
  readonly traffic: {
    readonly requests: number;
    readonly errors: number;
    readonly total_tokens: number;
    readonly cost_usd: number;
  };
  readonly findings: {
    readonly total: number;
    readonly by_severity: Record<Severity, number>;
    readonly by_owasp: {
      readonly owasp_id: string;
      readonly name: string;
      readonly total: number;
      readonly by_severity: Record<Severity, number>;
    }[];
    /** Findings of types no OWASP category covers (e.g. `anomaly`). */
    readonly unmapped: number;
  };
  readonly pii: { readonly redacted: boolean; readonly total: number };
  readonly blocked: { readonly requests: number; readonly canary_cut_offs: number };
}
