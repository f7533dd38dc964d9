import type { ActionType } from './domain/agent-action.js';
import type { SecuritySeverity } from './domain/finding.js';
import type { LLMProvider } from './domain/provider.js';
import type {
  AlertRecord,
  ApiKey,
  AuditEvent,
  Canary,
  Tenant,
  TenantConfig,
  TenantId,
} from './domain/tenant.js';
import type { TraceEvent, TraceSpan } from './domain/trace.js';

/**
 * One page of results with the total number of matches (before `limit`/`offset`).
 *
 * @example
 * const page: Page<TraceSpan> = await repo.querySpans({ tenantId: 'acme', limit: 50, offset: 0 });
 */
export interface Page<T> {
  readonly items: T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** Health of one storage component. */
export interface HealthStatus {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** Why it is unhealthy; never contains credentials. */
  readonly error?: string;
}

/**
 * Filters shared by trace and span queries. Times are ISO-8601; `from` is inclusive, `to` exclusive.
 * A trace matches when any of its spans matches.
 */
export interface SpanFilter {
  /**
   * The tenant to read. Absent reads every tenant: only for callers that may see them all (the API
   * with authentication off, or the admin key); everything tenant-scoped names it.
   */
  readonly tenantId?: TenantId;
  readonly from?: string;
  readonly to?: string;
  readonly provider?: LLMProvider;
  readonly model?: string;
  readonly operationName?: string;
  readonly minSecurityScore?: number;
  readonly maxSecurityScore?: number;
  /** Only spans with at least one finding (true) or none (false). */
  readonly hasFindings?: boolean;
  /** Only spans with at least one finding of this type (e.g. `prompt_injection`). */
  readonly findingType?: string;
  /** Only spans with at least one finding of exactly this severity. */
  readonly findingSeverity?: SecuritySeverity;
  readonly agentId?: string;
  /** Only spans of this session (`X-LLMTrace-Session-ID`); for traces, those with such a span. */
  readonly sessionId?: string;
  /** Only spans with (true) or without (false) a tool call (issue 15; `actionFlags`). */
  readonly hasToolCalls?: boolean;
  /** Only spans with (true) or without (false) a `command_execution` action. */
  readonly hasCommands?: boolean;
  /** Only spans with (true) or without (false) a `web_access` action. */
  readonly hasWebAccess?: boolean;
  /** Only spans with (true) or without (false) a `file_access` action. */
  readonly hasFileAccess?: boolean;
  /** Only spans with an action of exactly this name (`run_shell`). */
  readonly actionName?: string;
  /** Only spans with an action of this type. */
  readonly actionType?: ActionType;
  /** Only spans with at least one agent action (the actions API reads these). */
  readonly hasActions?: true;
}

/** A {@link SpanFilter} with pagination; results are newest first. */
export interface SpanQuery extends SpanFilter {
  readonly limit: number;
  readonly offset: number;
}

/** Result of a batch write: expected failures are values, not exceptions (STYLE rule 10). */
export interface BatchWriteResult {
  readonly written: number;
  readonly failed: ReadonlyArray<{ readonly spanId: string; readonly error: string }>;
}

/** Aggregates for one model in {@link TenantStats}. */
export interface ModelStats {
  readonly model: string;
  readonly provider: LLMProvider;
  readonly spanCount: number;
  readonly totalTokens: number;
  readonly totalCostUsd: number;
}

/**
 * Aggregates for one tenant (or every tenant) over an optional time range.
 *
 * @example
 * const stats = await repo.getStats('acme', {});
 */
export interface TenantStats {
  readonly traceCount: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly totalCostUsd: number;
  /** Spans whose model had no known price (their cost is null, not 0). */
  readonly unpricedSpans: number;
  readonly latencyMs: {
    readonly avg: number | null;
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
  readonly findingsBySeverity: Readonly<Record<SecuritySeverity, number>>;
  readonly byModel: readonly ModelStats[];
}

/** A position in the export order of traces (tenant, then trace id): where the next page starts. */
export interface TraceCursor {
  readonly tenantId: TenantId;
  readonly traceId: string;
}

/** What a trace repository holds, over every tenant. */
export interface TraceCounts {
  readonly traces: number;
  readonly spans: number;
}

/**
 * Stores and queries traces and spans. Every read is scoped to one tenant, unless the caller passes
 * no tenant (`undefined`) to read across all of them. The export methods (`exportTraces`,
 * `countAll`) read every tenant; they serve `llmtrace copy` and no API route.
 *
 * @example
 * await repo.storeBatch(spans);
 * const latest = await repo.queryTraces({ tenantId: 'acme', limit: 50, offset: 0 });
 */
export interface TraceRepository {
  /** Stores a trace and all its spans (replacing spans with the same id). */
  storeTrace(trace: TraceEvent): Promise<void>;
  /** Stores or replaces one span; its trace is created if missing. */
  storeSpan(span: TraceSpan): Promise<void>;
  /**
   * Stores many spans in as few round trips as the backend allows. A store may hold a small batch
   * back briefly to commit it with the next ones (the SQLite writer thread); it resolves once the
   * spans are committed, and {@link TraceRepository.flush} commits at once.
   */
  storeBatch(spans: readonly TraceSpan[]): Promise<BatchWriteResult>;
  /** Commits the batches this store holds back, if it holds any back; resolves once they are. */
  flush?(): Promise<void>;
  queryTraces(query: SpanQuery): Promise<Page<TraceEvent>>;
  querySpans(query: SpanQuery): Promise<Page<TraceSpan>>;
  /**
   * The trace with this id in `tenantId`, or — with `tenantId` undefined — in whichever tenant holds
   * it (the most recently created one when two tenants reuse an id).
   */
  getTrace(tenantId: TenantId | undefined, traceId: string): Promise<TraceEvent | null>;
  /** The span with this id, scoped like {@link TraceRepository.getTrace} (newest on a collision). */
  getSpan(tenantId: TenantId | undefined, spanId: string): Promise<TraceSpan | null>;
  /** Aggregates of one tenant, or of every tenant when `tenantId` is undefined. */
  getStats(
    tenantId: TenantId | undefined,
    range: { readonly from?: string; readonly to?: string },
  ): Promise<TenantStats>;
  /** Deletes the tenant's traces (and spans) created before `before`; returns the spans deleted. */
  deleteOlderThan(tenantId: TenantId, before: string): Promise<number>;
  /** The spans {@link TraceRepository.deleteOlderThan} would delete (`llmtrace prune --dry-run`). */
  countOlderThan(tenantId: TenantId, before: string): Promise<number>;
  /**
   * Up to `limit` traces with all their spans, over every tenant, in (tenantId, traceId) order
   * strictly after `after` (from the start when null): stable keyset pages, so a copy can stop and
   * resume at the last trace it wrote.
   */
  exportTraces(after: TraceCursor | null, limit: number): Promise<TraceEvent[]>;
  /**
   * Stores whole traces as exported from another store, keeping each trace's `createdAt` (like
   * {@link storeTrace}, in as few round trips as the backend allows). Storing the same traces
   * again changes nothing.
   */
  storeTraces(traces: readonly TraceEvent[]): Promise<void>;
  /** Traces and spans stored, over every tenant. */
  countAll(): Promise<TraceCounts>;
  /**
   * Healthy when the last write succeeded and the store can answer; a failed write (disk full, file
   * deleted) makes it unhealthy at once, until a write succeeds again.
   */
  health(): Promise<HealthStatus>;
  close(): Promise<void>;
}

/** Fields accepted when creating a tenant. */
export interface NewTenant {
  readonly id: TenantId;
  readonly name: string;
  readonly plan?: string;
  readonly config?: Partial<TenantConfig>;
}

/** Fields that may be changed on a tenant. */
export interface TenantPatch {
  readonly name?: string;
  readonly plan?: string;
}

/** Filters for alert history; results are newest first. */
export interface AlertQuery {
  /** Absent reads every tenant's alerts (see {@link SpanFilter.tenantId}). */
  readonly tenantId?: TenantId;
  readonly status?: AlertRecord['status'];
  readonly channel?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly offset: number;
}

/** An alert record before it is stored (id and time are assigned by the repository). */
export type NewAlertRecord = Omit<AlertRecord, 'id' | 'createdAt'> & {
  readonly createdAt?: string;
};

/** Fields of a new API key. */
export interface NewApiKey {
  readonly id: string;
  readonly tenantId: TenantId;
  readonly name: string;
  readonly role: ApiKey['role'];
  readonly prefix: string;
  /** SHA-256 hex digest of the full key; the key itself is never stored. */
  readonly keyHash: string;
}

/** An API key as stored, with the SHA-256 hex digest of its secret (the secret itself never is). */
export type StoredApiKey = ApiKey & { readonly keyHash: string };

/** Fields of a new canary token. */
export interface NewCanary {
  readonly id: string;
  readonly tenantId: TenantId;
  readonly label: string;
  /** The token itself: kept because the detector must find it (and its encodings) in answers. */
  readonly value: string;
  /** SHA-256 hex digest of the value (duplicates within a tenant are refused by it). */
  readonly valueHash: string;
}

/** A canary with its value, as the detector needs it; never returned by the API. */
export type StoredCanary = Canary & { readonly value: string };

/** The metadata record kinds `llmtrace copy` moves between stores. */
export type MetadataRecordKind = 'tenants' | 'api_keys' | 'audit' | 'alerts';

/** Records of one kind, as exported from one metadata store and imported into another. */
export type MetadataRecords =
  | { readonly kind: 'tenants'; readonly records: readonly Tenant[] }
  | { readonly kind: 'api_keys'; readonly records: readonly StoredApiKey[] }
  | { readonly kind: 'audit'; readonly records: readonly AuditEvent[] }
  | { readonly kind: 'alerts'; readonly records: readonly AlertRecord[] };

/** Filters for audit queries; results are newest first. */
export interface AuditQuery {
  /** Absent reads every tenant's audit log (see {@link SpanFilter.tenantId}). */
  readonly tenantId?: TenantId;
  readonly action?: string;
  readonly actor?: string;
  readonly resourceType?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly offset: number;
}

/** An audit event before it is stored (id and time are assigned by the repository). */
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'createdAt'> & { readonly createdAt?: string };

/**
 * Tenants, their configuration and the audit log.
 *
 * @example
 * const tenant = await meta.createTenant({ id: 'acme', name: 'Acme' });
 */
export interface MetadataRepository {
  /** Creates a tenant; `STORAGE_CONFLICT` when the id exists. */
  createTenant(tenant: NewTenant): Promise<Tenant>;
  /** The tenant, including a soft-deleted one (check `deletedAt`), or null. */
  getTenant(id: TenantId): Promise<Tenant | null>;
  updateTenant(id: TenantId, patch: TenantPatch): Promise<Tenant | null>;
  listTenants(options: {
    readonly includeDeleted?: boolean;
    readonly limit: number;
    readonly offset: number;
  }): Promise<Page<Tenant>>;
  /** Soft delete; returns false when no live tenant had that id. */
  deleteTenant(id: TenantId): Promise<boolean>;
  getTenantConfig(id: TenantId): Promise<TenantConfig | null>;
  /** Replaces the tenant's config; `NOT_FOUND` when the tenant does not exist. */
  upsertTenantConfig(id: TenantId, config: TenantConfig): Promise<TenantConfig>;
  /** Stores a new API key (its secret only as `keyHash`, a SHA-256 hex digest). */
  createApiKey(key: NewApiKey): Promise<ApiKey>;
  /** The tenant's keys, newest first, revoked ones included. */
  listApiKeys(tenantId: TenantId): Promise<ApiKey[]>;
  /** The key with this hash, revoked or not, or null. */
  findApiKeyByHash(keyHash: string): Promise<ApiKey | null>;
  /** Revokes a key of this tenant; false when the tenant has no such live key. */
  revokeApiKey(tenantId: TenantId, keyId: string): Promise<boolean>;
  /** Registers a canary token; `STORAGE_CONFLICT` when the tenant already has this value. */
  createCanary(canary: NewCanary): Promise<Canary>;
  /** The tenant's canaries with their values (for the detector), oldest first. */
  listCanaries(tenantId: TenantId): Promise<StoredCanary[]>;
  /** Deletes a canary of this tenant; false when the tenant has no such canary. */
  deleteCanary(tenantId: TenantId, canaryId: string): Promise<boolean>;
  recordAudit(event: NewAuditEvent): Promise<AuditEvent>;
  /** Stores an alert that was sent, suppressed (cooldown) or failed. */
  recordAlert(alert: NewAlertRecord): Promise<AlertRecord>;
  /** A tenant's alert history, newest first. */
  queryAlerts(query: AlertQuery): Promise<Page<AlertRecord>>;
  queryAudit(query: AuditQuery): Promise<Page<AuditEvent>>;
  /**
   * Up to `limit` records of one kind over every tenant, in id order strictly after `afterId`
   * (from the start when null) — stable keyset pages for `llmtrace copy`.
   */
  exportRecords(
    kind: MetadataRecordKind,
    afterId: string | null,
    limit: number,
  ): Promise<MetadataRecords>;
  /**
   * Stores records exported from another store as they are (ids, times, soft deletes, key hashes).
   * A record whose id (or key hash) is already present is skipped, so importing twice is harmless.
   */
  importRecords(
    batch: MetadataRecords,
  ): Promise<{ readonly written: number; readonly skipped: number }>;
  /** How many records of one kind are stored, over every tenant (soft-deleted tenants included). */
  countRecords(kind: MetadataRecordKind): Promise<number>;
  health(): Promise<HealthStatus>;
  close(): Promise<void>;
}

/** One counter of {@link CacheLayer.reserveAll}: add `amount` if the total stays at or below `limit`. */
export interface CounterReservation {
  readonly key: string;
  readonly amount: number;
  readonly limit: number;
  /** Set when the key is created and left alone afterwards. */
  readonly ttlSeconds?: number;
}

/**
 * A key/value cache with TTLs and atomic counters (budgets, rate limits, alert cooldowns).
 *
 * @example
 * const spent = await cache.increment('budget:acme:daily', 0.25, 86_400);
 */
export interface CacheLayer {
  get(key: string): Promise<string | null>;
  /** Sets a value; with `ttlSeconds` it expires after that many seconds. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Removes a key; true when it existed. */
  invalidate(key: string): Promise<boolean>;
  /**
   * Atomically adds `by` (may be fractional or negative) and returns the new value. A missing key
   * counts as 0; `ttlSeconds` is set when the key is created and left alone afterwards.
   */
  increment(key: string, by: number, ttlSeconds?: number): Promise<number>;
  /**
   * Atomically adds `amount` only if the result stays at or below `limit` (reserve-then-settle for
   * budgets: reserve an estimate before forwarding, then `increment` by the difference to the true
   * cost). A missing key counts as 0; `ttlSeconds` is set when the key is created. Returns whether
   * the reservation was made and the value after the call.
   */
  reserve(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<{ readonly ok: boolean; readonly value: number }>;
  /**
   * {@link CacheLayer.reserve} over several counters at once, all or nothing, in one atomic step
   * (one round trip on Redis): every amount is added when every counter stays at or below its
   * limit, otherwise none is. `values` are the counters after the call, in the order given (so a
   * refusal shows which counter was full). Rate limits reserve requests and tokens of a tenant and
   * an agent together with it, so replicas can never jointly pass one of them.
   */
  reserveAll(entries: readonly CounterReservation[]): Promise<{
    readonly ok: boolean;
    readonly values: readonly number[];
  }>;
  health(): Promise<HealthStatus>;
  close(): Promise<void>;
}

/**
 * The storage composite every component receives.
 *
 * @example
 * const storage = await createStorage({ profile: 'memory' });
 * await storage.traces.storeSpan(span);
 */
export interface Storage {
  readonly traces: TraceRepository;
  readonly metadata: MetadataRepository;
  readonly cache: CacheLayer;
  close(): Promise<void>;
}
