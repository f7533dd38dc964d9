import { z } from 'zod';
import { FINDING_TYPES, SecuritySeverity } from '../domain/finding.js';
import { TenantId } from '../domain/tenant.js';
import { PricingOverrides } from '../pricing/pricing-overrides.js';
import { MAX_HEAP_GROWTH_PERCENT } from '../runtime/heap-growth.js';
import { DEFAULT_SEMI_SPACE_MB, MAX_SEMI_SPACE_MB } from '../runtime/young-generation.js';

// Environment variables and CLI flags arrive as strings: these coerce only well-formed strings, so
// "abc" for a number still fails with a clear message instead of becoming NaN.
const int = (schema: z.ZodNumber) =>
  z.preprocess((v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v), schema);
const bool = () =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    const s = v.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(s)) return true;
    if (['false', '0', 'no', 'off'].includes(s)) return false;
    return v;
  }, z.boolean());
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
/** A decimal number (USD amounts); strings from the environment are read only when well formed. */
const num = (schema: z.ZodNumber) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v),
    schema,
  );

const ListenSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests). */
    port: int(z.number().int().min(0).max(65_535)).default(8080),
  })
  .strict();

const TimeoutsSchema = z
  .object({
    /** TCP + TLS connect to the upstream. */
    connect_ms: int(z.number().int().positive()).default(10_000),
    /** From sending the request to the first response byte (a reasoning model may think long). */
    first_byte_ms: int(z.number().int().positive()).default(300_000),
    /** Longest silence between two body chunks. There is deliberately no total timeout. */
    idle_ms: int(z.number().int().positive()).default(120_000),
    /** A client must send its request headers within this (408 after); slow-header sockets go. */
    client_headers_ms: int(z.number().int().positive()).default(15_000),
    /** A client must send its whole request (headers and body) within this (408 after). */
    client_request_ms: int(z.number().int().positive()).default(120_000),
    /** On shutdown, in-flight responses get this long to finish; the rest end as `shutdown`. */
    shutdown_grace_ms: int(z.number().int().min(0)).default(30_000),
  })
  .strict()
  .refine((t) => t.client_headers_ms <= t.client_request_ms, {
    message:
      'client_headers_ms must not exceed client_request_ms (the headers are part of the request)',
    path: ['client_headers_ms'],
  });

const LimitsSchema = z
  .object({
    /** Largest request body accepted, in bytes (413 above). 32 MiB fits long contexts with images. */
    max_body_bytes: int(
      z
        .number()
        .int()
        .positive()
        .max(1024 * 1024 * 1024),
    ).default(32 * 1024 * 1024),
    /**
     * Open client connections at most; beyond, new sockets are closed at once. Keep it below the
     * process's file-descriptor limit (`ulimit -n`), or slow clients can exhaust it.
     */
    max_connections: int(z.number().int().positive()).default(10_000),
    /**
     * Request bodies held in memory at once, across all requests (being read or forwarded); a
     * request that would pass it is answered 503 with `Retry-After` before its body is read. Bounds
     * the memory many concurrent large posts can take (issue 14, item 7). 256 MiB = 8 bodies at the
     * default `max_body_bytes`.
     */
    max_inflight_body_bytes: int(
      z
        .number()
        .int()
        .positive()
        .max(64 * 1024 * 1024 * 1024),
    ).default(256 * 1024 * 1024),
    /**
     * How far the JavaScript heap may grow past what was live after a full collection before V8
     * collects again, in percent (V8's `--heap-growing-percent`, set at start by `llmtrace proxy`).
     * V8's own rule allows up to +300 % on a machine with a few GB of memory, which after a burst
     * keeps 100+ MB of garbage resident. 50 kept RSS after a saturation run 40–110 MB lower, with
     * throughput and tails within the benchmark's run-to-run spread (docs/benchmarks.md). 0 leaves
     * V8's rule.
     */
    heap_growth_percent: int(z.number().int().min(0).max(MAX_HEAP_GROWTH_PERCENT)).default(50),
    /**
     * Largest semi-space of the young generation, in MB (what node's `--max-semi-space-size`
     * sets; `llmtrace proxy` holds it from inside). V8's own 16 lets the young generation reach
     * 32 MB, mostly garbage under load; 4 keeps RSS 35–45 MB lower at every load, for about −15 %
     * requests per second and a worse p99 at saturation (docs/benchmarks.md). 0 leaves V8's rule.
     */
    max_semi_space_mb: int(z.number().int().min(0).max(MAX_SEMI_SPACE_MB)).default(
      DEFAULT_SEMI_SPACE_MB,
    ),
  })
  .strict()
  .refine((l) => l.max_inflight_body_bytes >= l.max_body_bytes, {
    message:
      'max_inflight_body_bytes must be at least max_body_bytes (or a request of the largest allowed size could never be read)',
    path: ['max_inflight_body_bytes'],
  });

// `lite` is the default profile, so a storage section that names only a path (or nothing) is lite.
const withDefaultProfile = (v: unknown): unknown =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !('profile' in v)
    ? { profile: 'lite', ...v }
    : v;

const StorageProfiles = z.discriminatedUnion('profile', [
  z.object({ profile: z.literal('memory') }).strict(),
  z
    .object({
      profile: z.literal('lite'),
      /** SQLite file; created with its folder when missing. */
      path: z.string().min(1).default('./llmtrace.db'),
    })
    .strict(),
  z
    .object({
      profile: z.literal('production'),
      clickhouse_url: httpUrl(),
      clickhouse_database: z.string().min(1).default('llmtrace'),
      postgres_url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
      redis_url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'),
    })
    .strict(),
]);
const StorageSchema = z.preprocess(withDefaultProfile, StorageProfiles);

const CaptureSchema = z
  .object({
    /** Capture jobs waiting for the worker; beyond this, jobs are dropped and counted. */
    queue_size: int(z.number().int().positive()).default(10_000),
    /** Bytes (request bodies and captured answers) queued or being built; beyond, jobs are dropped and counted. */
    max_queue_bytes: int(z.number().int().positive()).default(64 * 1024 * 1024),
    /**
     * Worker threads that build spans off the event loop; 0 builds them on the proxy's thread.
     * `auto` (default): one when the process may run on two or more CPUs, else 0 — on one CPU a
     * second thread cannot run beside the proxy and only adds copies and context switches.
     */
    workers: z.union([z.literal('auto'), int(z.number().int().min(0).max(16))]).default('auto'),
    /** Spans per storage transaction. */
    batch_size: int(z.number().int().positive().max(10_000)).default(500),
    /** Longest wait before a partial batch is written. */
    flush_interval_ms: int(z.number().int().positive()).default(200),
    /** Largest prompt/response text kept on a span, in characters (the rest is cut and marked). */
    max_text_chars: int(z.number().int().positive()).default(200_000),
    breaker: z
      .object({
        /** Consecutive failed writes that open the circuit. */
        failure_threshold: int(z.number().int().positive()).default(5),
        /** How long the circuit stays open before one trial write. */
        reset_ms: int(z.number().int().positive()).default(30_000),
      })
      .strict()
      .default({ failure_threshold: 5, reset_ms: 30_000 }),
  })
  .strict();

const LoggingSchema = z
  .object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** `auto`: readable on a terminal, JSON otherwise. */
    format: z.enum(['auto', 'pretty', 'json']).default('auto'),
    /**
     * One line per proxied or refused request at info (method, path, provider, model, status,
     * tokens, latency, TTFT, trace id, tenant, end reason; never keys, queries or bodies).
     */
    access_log: bool().default(true),
  })
  .strict();

const CanarySchema = z
  .object({
    /** Look for the tenant's registered canaries in answers and tool-call arguments. */
    enabled: bool().default(true),
    /**
     * Append the tenant's first canary to the system prompt of each request: the one place
     * LLMTrace changes a request. Off by default.
     */
    inject: bool().default(false),
  })
  .strict();

const AnomalySchema = z
  .object({
    enabled: bool().default(false),
    /** Observations a baseline needs before it can flag anything. */
    warmup_samples: int(z.number().int().min(3)).default(30),
    /** Robust z-score (distance from the median in MADs) at or above which a value is anomalous. */
    threshold: num(z.number().positive()).default(6),
    /** Samples kept per baseline (a rolling window; median and MAD are taken over it). */
    window: int(z.number().int().min(10).max(1000)).default(100),
    /** Flag a model or tool the tenant/agent has never used before (after warm-up). */
    new_behaviour: bool().default(true),
  })
  .strict();

/**
 * The optional transformer tier (issue 20, item 6): a local ONNX prompt-injection classifier run
 * in a worker-thread pool off the request path. Off by default; needs the optional
 * `onnxruntime-node` and `@huggingface/tokenizers` packages and a model directory.
 */
const SecurityMlSchema = z
  .object({
    enabled: bool().default(false),
    /** Folder with model.onnx, tokenizer.json and config.json (id2label); never fetched. */
    model_dir: z.string().min(1, 'name the folder that holds model.onnx').optional(),
    /**
     * Folder whose node_modules hold onnxruntime-node and @huggingface/tokenizers (e.g. tools/ml
     * after `npm ci --prefix tools/ml`); unset: installed next to LLMTrace.
     */
    runtime_dir: z.string().min(1).optional(),
    /**
     * Let the model's score decide `block` mode on the request path (waits up to `timeout_ms`).
     * false: block mode uses the fast tier only and the model scores spans in capture.
     */
    block: bool().default(false),
    /** Time budget per prompt, from queueing to answer; later answers are dropped and counted. */
    timeout_ms: int(z.number().int().positive().max(60_000)).default(500),
    /** Texts waiting for a worker at most; more are dropped and counted (/health, /metrics). */
    max_queue: int(z.number().int().positive().max(100_000)).default(256),
    /** Worker threads, each with its own ONNX session (memory: one model copy per worker). */
    workers: int(z.number().int().positive().max(64)).default(1),
    /** Intra-op threads of each ONNX session. */
    threads: int(z.number().int().positive().max(64)).default(1),
    /** Texts run through the model together at most. */
    batch_size: int(z.number().int().positive().max(256)).default(8),
    /** Tokens per text at most (longer texts are cut; the model's own limit applies too). */
    max_tokens: int(z.number().int().min(8).max(8192)).default(512),
    /** Share of the model in the combined injection score, 0-1 (docs/security.md). */
    weight: num(z.number().min(0).max(1)).default(0.5),
  })
  .strict()
  .refine((m) => !m.enabled || m.model_dir !== undefined, {
    message: 'security.ml.enabled needs security.ml.model_dir (a folder with model.onnx)',
    path: ['model_dir'],
  });

/** Finding types block mode acts on by default: attacks on the prompt, not the user's own data. */
const DEFAULT_BLOCK_ON = [
  'prompt_injection',
  'jailbreak',
  'role_injection',
  'encoding_attack',
  'prompt_extraction',
  'delimiter_injection',
] as const;

/** One `security.action_rules` entry: the config (snake_case) form of a core `ToolCallRule`. */
const ActionRuleSchema = z
  .object({
    id: z.string().min(1),
    description: z.string().default(''),
    /** Regular expression, matched case-insensitively against the normalised tool name. */
    tool_name: z.string().min(1),
    action_type: z.enum(['command_execution', 'web_access', 'file_access', 'skill_invocation']),
    /** Argument names holding the command, URL, path or skill; the first present wins. */
    subject_arguments: z.array(z.string().min(1)).min(1, 'name at least one argument'),
    /** file_access only: what the tool does to the file. */
    operation: z.enum(['read', 'write', 'delete']).optional(),
    /** web_access only: the argument naming the HTTP method (default `method`). */
    method_argument: z.string().min(1).optional(),
  })
  .strict();

const SecuritySchema = z
  .object({
    enabled: bool().default(true),
    /** observe: record only; flag: also add X-LLMTrace-Findings headers; block: refuse with 403. */
    mode: z.enum(['observe', 'flag', 'block']).default('observe'),
    /** In block mode, requests scoring at or above this are refused. */
    block_threshold: int(z.number().int().min(0).max(100)).default(80),
    /**
     * Finding types that may block: block mode refuses a request only when its score reaches
     * `block_threshold` AND one of its findings has one of these types. PII and secrets are not in
     * the default, so a user's own e-mail address or phone number never blocks (issue 11, item 7).
     */
    block_on: z
      .array(z.enum(FINDING_TYPES))
      .min(1, 'list at least one finding type (or use mode: flag to never block)')
      .default([...DEFAULT_BLOCK_ON]),
    /** Store prompts and answers with PII replaced by typed placeholders. */
    redact_pii: bool().default(false),
    /** Time budget for the analyzers per capture job. */
    analysis_timeout_ms: int(z.number().int().positive()).default(50),
    /** Canary tokens (issue 19): registered via `/api/v1/canaries`; tenants may override. */
    canary: CanarySchema.default({ enabled: true, inject: false }),
    /** Anomaly detection over rolling per-tenant/agent baselines (issue 19). */
    anomaly: AnomalySchema.prefault({}),
    /** The optional local transformer tier (ONNX model in a worker pool). */
    ml: SecurityMlSchema.prefault({}),
    /**
     * Extra tool-call classification rules (docs/agent-actions.md), tried before the built-in
     * ones: e.g. your `deploy` tool runs its `script` argument as a command.
     */
    action_rules: z.array(ActionRuleSchema).default([]),
  })
  .strict();

const AuthSchema = z
  .object({
    enabled: bool().default(false),
    /** Admin key (use `${LLMTRACE_ADMIN_KEY}`); required when auth is enabled. */
    admin_key: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .strict()
  .refine((a) => !a.enabled || a.admin_key !== undefined, {
    message: 'auth.enabled needs auth.admin_key (an admin key manages tenants and keys)',
    path: ['admin_key'],
  });

const UpstreamsSchema = z
  .object({
    openai: httpUrl().optional(),
    anthropic: httpUrl().optional(),
    ollama: httpUrl().optional(),
    azure_openai: httpUrl().optional(),
    vllm: httpUrl().optional(),
    sglang: httpUrl().optional(),
    tgi: httpUrl().optional(),
    bedrock: httpUrl().optional(),
    custom: httpUrl().optional(),
  })
  .strict();

/** Settings every alert channel shares. */
const alertChannelFields = {
  /** Name shown in alert history; defaults to `<type>:<index>` (e.g. `slack:0`). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits, . _ : - only (max 64)')
    .optional(),
  /** A span alerts when at least one finding is at or above this severity… */
  min_severity: SecuritySeverity.default('high'),
  /** …and its security score (0–100) is at or above this. 0 lets every score through. */
  min_security_score: int(z.number().int().min(0).max(100)).default(0),
  /** What this channel receives: security findings, budget thresholds, or both. */
  kinds: z
    .array(z.enum(['security', 'budget']))
    .min(1, 'list at least one of security, budget')
    .default(['security', 'budget']),
};

const AlertChannelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), url: httpUrl(), ...alertChannelFields }).strict(),
  /** A Slack incoming-webhook URL (https://hooks.slack.com/services/…). */
  z.object({ type: z.literal('slack'), url: httpUrl(), ...alertChannelFields }).strict(),
  z
    .object({
      type: z.literal('pagerduty'),
      /** PagerDuty Events API v2 endpoint. */
      url: httpUrl().default('https://events.pagerduty.com/v2/enqueue'),
      /** The integration key of a PagerDuty service (use `${PAGERDUTY_ROUTING_KEY}`). */
      routing_key: z
        .string({ error: 'pagerduty channels need a routing_key (the integration key)' })
        .min(1, 'pagerduty channels need a routing_key (the integration key)'),
      ...alertChannelFields,
    })
    .strict(),
]);

const AlertsSchema = z
  .object({
    enabled: bool().default(false),
    /**
     * An alert for the same (tenant, finding type, channel) is suppressed — and recorded as such —
     * for this long after one was sent. 0 turns the cooldown off.
     */
    cooldown_seconds: int(
      z
        .number()
        .int()
        .min(0)
        .max(7 * 86_400),
    ).default(300),
    /** Time limit of one delivery attempt (connect to response). */
    timeout_ms: int(z.number().int().positive().max(120_000)).default(5_000),
    /** Delivery attempts per alert (1 = no retry); network errors, 429 and 5xx are retried. */
    max_attempts: int(z.number().int().min(1).max(10)).default(3),
    /** Delay before the first retry; doubled for each further one (with jitter). */
    retry_base_ms: int(z.number().int().positive().max(60_000)).default(500),
    /** Base URL of this LLMTrace for trace links in alerts; defaults to the listening address. */
    public_url: httpUrl().optional(),
    channels: z.array(AlertChannelSchema).default([]),
  })
  .strict()
  .refine((a) => !a.enabled || a.channels.length > 0, {
    message: 'alerts.enabled needs at least one channel under alerts.channels',
    path: ['channels'],
  })
  .refine(
    (a) => {
      const names = a.channels.map((c, i) => c.name ?? `${c.type}:${i}`);
      return new Set(names).size === names.length;
    },
    { message: 'channel names must be unique', path: ['channels'] },
  );

const usd = () => num(z.number().positive('must be more than 0').max(1_000_000_000));

const BudgetCapSchema = z
  .object({
    /** Calendar window in UTC: hourly, daily, weekly (Monday 00:00), monthly (the 1st, 00:00). */
    window: z.enum(['hourly', 'daily', 'weekly', 'monthly']),
    /** Requests that would take the window's spend above this are refused with 429. */
    hard_limit_usd: usd().optional(),
    /** Crossing this sends one budget alert per window; requests still go through. */
    soft_limit_usd: usd().optional(),
  })
  .strict()
  .refine((c) => c.hard_limit_usd !== undefined || c.soft_limit_usd !== undefined, {
    message: 'a cap needs hard_limit_usd, soft_limit_usd or both',
  })
  .refine(
    (c) =>
      c.hard_limit_usd === undefined ||
      c.soft_limit_usd === undefined ||
      c.soft_limit_usd < c.hard_limit_usd,
    {
      message: 'soft_limit_usd must be below hard_limit_usd (it warns before the hard stop)',
      path: ['soft_limit_usd'],
    },
  );

const tokenCap = () => int(z.number().int().positive());

/** Caps and per-request token limits; the same shape for a tenant and for an agent. */
const budgetLimitFields = {
  /** At most one cap per window. */
  caps: z
    .array(BudgetCapSchema)
    .default([])
    .refine((caps) => new Set(caps.map((c) => c.window)).size === caps.length, {
      message: 'at most one cap per window',
    }),
  /** Prompt tokens per request (counted with the tokenizer before forwarding). */
  max_prompt_tokens: tokenCap().optional(),
  /** `max_tokens` / `max_completion_tokens` per request; a request without one is refused. */
  max_completion_tokens: tokenCap().optional(),
  /** Prompt tokens plus `max_tokens` per request. */
  max_total_tokens: tokenCap().optional(),
};

const AgentBudgetSchema = z.object(budgetLimitFields).strict();

const TenantBudgetSchema = z
  .object({
    ...budgetLimitFields,
    /**
     * Per-agent settings by `X-LLMTrace-Agent-ID` (`*`: every agent not listed). An agent's caps
     * count that agent's own spend, on top of the tenant's caps; its token limits replace the
     * tenant's one by one.
     */
    agents: z.record(z.string().min(1).max(128), AgentBudgetSchema).default({}),
  })
  .strict();

const BudgetsSchema = z
  .object({
    /** Settings of every tenant that has no entry under `tenants` (each tenant counts its own spend). */
    default: TenantBudgetSchema.optional(),
    tenants: z.record(TenantId, TenantBudgetSchema).default({}),
    /** Percentage of a hard cap at which one warning alert is sent per window. */
    warn_at_percent: int(z.number().int().min(1).max(100)).default(80),
    /** Completion tokens assumed for a request that sets no max_tokens (the estimate it reserves). */
    default_completion_tokens: int(z.number().int().positive()).default(1_024),
    /**
     * Requests to a model without a known price under a USD cap: `allow` forwards them and counts
     * them as $0 (add a price under `pricing` to count them); `refuse` answers 403.
     */
    unpriced_models: z.enum(['allow', 'refuse']).default('allow'),
    /**
     * When the counters' cache (Redis in production) is unreachable: `open` forwards requests
     * uncounted — logged once per outage, counted and shown as degraded in /health — and `closed`
     * refuses them with 503. Applies to budget caps and rate limits alike.
     */
    on_cache_failure: z.enum(['open', 'closed']).default('open'),
  })
  .strict();

const perMinute = () => int(z.number().int().positive()).nullable().default(null);

const RateLimitsSchema = z
  .object({
    /** Requests per minute of each tenant (a tenant's `rate_limit_rpm` overrides it); null: none. */
    rpm: perMinute(),
    /**
     * Tokens (prompt plus completion) per minute of each tenant: a request reserves its estimate
     * (prompt estimate plus max_tokens, or `budgets.default_completion_tokens`) before it is
     * forwarded, and the answer's usage replaces it. A tenant's `rate_limit_tpm` overrides it.
     */
    tpm: perMinute(),
    /** Requests per minute of each agent (`X-LLMTrace-Agent-ID`) of a tenant, on top of `rpm`. */
    agent_rpm: perMinute(),
    /** Tokens per minute of each agent of a tenant, on top of `tpm`. */
    agent_tpm: perMinute(),
  })
  .strict();

const MetricsSchema = z
  .object({
    /** Serve Prometheus metrics at `/metrics`. */
    enabled: bool().default(true),
    /**
     * Serve `/metrics` on this address instead of the proxy's port (then without auth: bind it to
     * an address only the scraper reaches). Absent: on the proxy's port, where it needs the admin
     * key when auth is enabled (metrics cover every tenant).
     */
    listen: ListenSchema.optional(),
    /** Add a `tenant` label to token and cost counters; off by default to bound cardinality. */
    tenant_label: bool().default(false),
    /**
     * Most distinct (provider, model[, tenant]) label sets; later ones are counted under
     * `model="other"`, so clients sending made-up model names cannot grow memory without bound.
     */
    max_label_sets: int(z.number().int().positive().max(100_000)).default(2_000),
  })
  .strict();

const OtlpSchema = z
  .object({
    /** OTLP/HTTP traces endpoint, e.g. `http://otel-collector:4318/v1/traces`. */
    endpoint: httpUrl(),
    protocol: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
    /** Extra request headers (an API key of the backend: use `${ENV_VAR}`). */
    headers: z.record(z.string().min(1), z.string()).default({}),
    /** Time limit of one export request. */
    timeout_ms: int(z.number().int().positive().max(120_000)).default(10_000),
  })
  .strict();

const TelemetrySchema = z
  .object({
    /** Export every captured span as OpenTelemetry GenAI spans; absent: no export. */
    otlp: OtlpSchema.optional(),
    /** `service.name` of the exported resource. */
    service_name: z.string().min(1).default('llmtrace'),
    /**
     * Put prompts, answers and tool arguments on exported spans (`gen_ai.input.messages`…). Off by
     * default: the collector may not be a place for that content.
     */
    capture_content: bool().default(false),
    /** Spans waiting for export; beyond this they are dropped and counted. */
    queue_size: int(z.number().int().positive().max(1_000_000)).default(4_096),
    /** Spans per export request. */
    batch_size: int(z.number().int().positive().max(10_000)).default(512),
    /** Longest wait before a partial batch is exported. */
    flush_interval_ms: int(z.number().int().positive().max(60_000)).default(1_000),
  })
  .strict();

/**
 * Where requests go when neither `upstream_url` nor a provider's entry in `upstreams` says otherwise:
 * the OpenAI API, which every OpenAI-compatible client expects behind its `base_url`.
 *
 * @example
 * console.log(`forwarding to ${DEFAULT_UPSTREAM_URL}`);
 */
export const DEFAULT_UPSTREAM_URL = 'https://api.openai.com';

/**
 * The whole LLMTrace configuration. Keys are snake_case as in the YAML file; unknown keys are errors.
 * An empty config is valid: every key has a default (`upstream_url` is {@link DEFAULT_UPSTREAM_URL}).
 *
 * @example
 * const config = ConfigSchema.parse({ upstream_url: 'https://api.openai.com' });
 */
export const ConfigSchema = z
  .object({
    /** Default upstream for every request whose provider has no entry in `upstreams`. */
    upstream_url: httpUrl().default(DEFAULT_UPSTREAM_URL),
    /** Per-provider upstreams, for one proxy in front of several providers. */
    upstreams: UpstreamsSchema.default({}),
    listen: ListenSchema.default({ host: '127.0.0.1', port: 8080 }),
    timeouts: TimeoutsSchema.default({
      connect_ms: 10_000,
      first_byte_ms: 300_000,
      idle_ms: 120_000,
      client_headers_ms: 15_000,
      client_request_ms: 120_000,
      shutdown_grace_ms: 30_000,
    }),
    limits: LimitsSchema.default({
      max_body_bytes: 32 * 1024 * 1024,
      max_connections: 10_000,
      max_inflight_body_bytes: 256 * 1024 * 1024,
      heap_growth_percent: 50,
      max_semi_space_mb: DEFAULT_SEMI_SPACE_MB,
    }),
    storage: StorageSchema.prefault({}),
    /** Apply pending storage migrations at start. */
    migrate_on_start: bool().default(true),
    capture: CaptureSchema.default({
      queue_size: 10_000,
      max_queue_bytes: 64 * 1024 * 1024,
      workers: 'auto',
      batch_size: 500,
      flush_interval_ms: 200,
      max_text_chars: 200_000,
      breaker: { failure_threshold: 5, reset_ms: 30_000 },
    }),
    logging: LoggingSchema.default({ level: 'info', format: 'auto', access_log: true }),
    security: SecuritySchema.prefault({}),
    auth: AuthSchema.default({ enabled: false }),
    /** Tenant for requests that carry neither a tenant header nor a bearer key. */
    default_tenant: TenantId.default('default'),
    /** Custom prices: add models, override list prices, price self-hosted providers. */
    pricing: PricingOverrides.optional(),
    /** Minimum severity that is logged as a warning when a finding is stored. */
    log_findings_at: SecuritySeverity.default('high'),
    /** Alerts on security findings and budget thresholds (webhook, Slack, PagerDuty). */
    alerts: AlertsSchema.prefault({}),
    /** Cost caps per tenant and agent (hourly/daily/weekly/monthly) and per-request token caps. */
    budgets: BudgetsSchema.prefault({}),
    /**
     * Requests and tokens per minute per tenant and per agent, shared by every replica through the
     * cache (Redis in production); 429 with `Retry-After` and `x-ratelimit-*` headers beyond.
     */
    rate_limits: RateLimitsSchema.prefault({}),
    /**
     * Days traces are kept for tenants that set no `retention_days` of their own (auto-created
     * tenants included); 0 keeps them forever. The retention job deletes older ones hourly, and
     * `llmtrace prune` on demand.
     */
    retention_days: int(z.number().int().min(0).max(36_500)).default(90),
    /** Prometheus `/metrics`. */
    metrics: MetricsSchema.prefault({}),
    /** OpenTelemetry export (OTLP/HTTP) of captured spans. */
    telemetry: TelemetrySchema.prefault({}),
  })
  .strict();

/** The validated, frozen configuration. */
export type Config = z.infer<typeof ConfigSchema>;
/** The configuration as written in a file (defaults may be left out). */
export type ConfigInput = z.input<typeof ConfigSchema>;
