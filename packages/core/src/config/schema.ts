import { z } from 'zod';
import { SecuritySeverity } from '../domain/finding.js';
import { TenantId } from '../domain/tenant.js';
import { PricingOverrides } from '../pricing/pricing-overrides.js';

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
  })
  .strict();

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
  })
  .strict();

const StorageSchema = z.discriminatedUnion('profile', [
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

const CaptureSchema = z
  .object({
    /** Capture jobs waiting for the worker; beyond this, jobs are dropped and counted. */
    queue_size: int(z.number().int().positive()).default(10_000),
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
  })
  .strict();

const SecuritySchema = z
  .object({
    enabled: bool().default(true),
    /** observe: record only; flag: also add X-LLMTrace-Findings headers; block: refuse with 403. */
    mode: z.enum(['observe', 'flag', 'block']).default('observe'),
    /** In block mode, requests scoring at or above this are refused. */
    block_threshold: int(z.number().int().min(0).max(100)).default(80),
    /** Store prompts and answers with PII replaced by typed placeholders. */
    redact_pii: bool().default(false),
    /** Time budget for the analyzers per capture job. */
    analysis_timeout_ms: int(z.number().int().positive()).default(50),
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

/**
 * The whole LLMTrace configuration. Keys are snake_case as in the YAML file; unknown keys are errors.
 * A one-line config (`upstream_url: https://api.openai.com`) is valid: everything else has a default.
 *
 * @example
 * const config = ConfigSchema.parse({ upstream_url: 'https://api.openai.com' });
 */
export const ConfigSchema = z
  .object({
    /** Default upstream for every request whose provider has no entry in `upstreams`. */
    upstream_url: httpUrl(),
    /** Per-provider upstreams, for one proxy in front of several providers. */
    upstreams: UpstreamsSchema.default({}),
    listen: ListenSchema.default({ host: '127.0.0.1', port: 8080 }),
    timeouts: TimeoutsSchema.default({
      connect_ms: 10_000,
      first_byte_ms: 300_000,
      idle_ms: 120_000,
    }),
    limits: LimitsSchema.default({ max_body_bytes: 32 * 1024 * 1024 }),
    storage: StorageSchema.default({ profile: 'lite', path: './llmtrace.db' }),
    /** Apply pending storage migrations at start. */
    migrate_on_start: bool().default(true),
    capture: CaptureSchema.default({
      queue_size: 10_000,
      batch_size: 500,
      flush_interval_ms: 200,
      max_text_chars: 200_000,
      breaker: { failure_threshold: 5, reset_ms: 30_000 },
    }),
    logging: LoggingSchema.default({ level: 'info', format: 'auto' }),
    security: SecuritySchema.default({
      enabled: true,
      mode: 'observe',
      block_threshold: 80,
      redact_pii: false,
      analysis_timeout_ms: 50,
    }),
    auth: AuthSchema.default({ enabled: false }),
    /** Tenant for requests that carry neither a tenant header nor a bearer key. */
    default_tenant: TenantId.default('default'),
    /** Custom prices: add models, override list prices, price self-hosted providers. */
    pricing: PricingOverrides.optional(),
    /** Minimum severity that is logged as a warning when a finding is stored. */
    log_findings_at: SecuritySeverity.default('high'),
  })
  .strict();

/** The validated, frozen configuration. */
export type Config = z.infer<typeof ConfigSchema>;
/** The configuration as written in a file (defaults may be left out). */
export type ConfigInput = z.input<typeof ConfigSchema>;
