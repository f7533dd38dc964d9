import { describe, expect, it } from 'vitest';
import {
  AuditEvent,
  compareSeverity,
  HTTP_STATUS,
  LLMTraceError,
  LLMProvider,
  SecurityFinding,
  SecuritySeverity,
  severityAtLeast,
  Tenant,
  TenantConfig,
  TenantId,
  toLLMTraceError,
  TraceEvent,
  TraceSpan,
  ERROR_CODES,
} from '@llmtrace/core';

const now = '2026-11-25T12:00:00.000Z';

const finding = {
  id: 'f-1',
  type: 'prompt_injection',
  severity: 'high',
  confidence: 0.93,
  description: 'The prompt asks the model to ignore its instructions',
  location: { side: 'request', messageIndex: 1, start: 0, end: 24 },
  owaspId: 'LLM01:2025',
  detectedAt: now,
  metadata: { rule: 'override' },
} as const;

const span = TraceSpan.parse({
  spanId: 's-1',
  traceId: 't-1',
  tenantId: 'acme',
  agentId: 'agent-7',
  operationName: 'chat_completion',
  startTime: now,
  endTime: '2026-11-25T12:00:01.250Z',
  durationMs: 1250,
  provider: 'openai',
  model: 'gpt-4o',
  prompt: 'Hello',
  response: 'Hi!',
  promptTokens: 5,
  completionTokens: 2,
  totalTokens: 7,
  tokensEstimated: true,
  timeToFirstTokenMs: 180.5,
  statusCode: 200,
  securityScore: 88,
  securityFindings: [finding],
  estimatedCostUsd: 0.000_032_5,
  tags: { env: 'prod' },
  agentActions: [
    {
      id: 'call_1',
      actionType: 'tool_call',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      source: 'proxy',
      startedAt: now,
    },
  ],
  events: [{ name: 'first_token', timestamp: now, attributes: { ms: 180.5 } }],
});

function roundTrip<T>(schema: { parse(v: unknown): T }, value: T): T {
  return schema.parse(JSON.parse(JSON.stringify(value)));
}

describe('domain schemas', () => {
  it('round-trips a span through JSON unchanged', () => {
    expect(roundTrip(TraceSpan, span)).toEqual(span);
  });

  it('fills span defaults for a minimal span', () => {
    const minimal = TraceSpan.parse({
      spanId: 's',
      traceId: 't',
      tenantId: 'default',
      operationName: 'http',
      startTime: now,
      provider: 'custom',
    });
    expect(minimal.securityFindings).toEqual([]);
    expect(minimal.estimatedCostUsd).toBeNull();
    expect(minimal.tokensEstimated).toBe(false);
    expect(roundTrip(TraceSpan, minimal)).toEqual(minimal);
  });

  it('round-trips a trace, tenant, audit event and finding', () => {
    const trace = TraceEvent.parse({
      traceId: 't-1',
      tenantId: 'acme',
      createdAt: now,
      spans: [span],
    });
    expect(roundTrip(TraceEvent, trace)).toEqual(trace);
    const tenant = Tenant.parse({
      id: 'acme',
      name: 'Acme',
      plan: 'pro',
      config: TenantConfig.parse({ rateLimitRpm: 600 }),
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    expect(roundTrip(Tenant, tenant)).toEqual(tenant);
    const audit = AuditEvent.parse({
      id: 'a-1',
      tenantId: 'acme',
      actor: 'admin',
      action: 'tenant.create',
      resourceType: 'tenant',
      resourceId: 'acme',
      createdAt: now,
    });
    expect(roundTrip(AuditEvent, audit)).toEqual(audit);
    expect(roundTrip(SecurityFinding, SecurityFinding.parse(finding))).toEqual(
      SecurityFinding.parse(finding),
    );
  });

  it('rejects out-of-range and unknown values', () => {
    expect(TraceSpan.safeParse({ ...span, securityScore: 101 }).success).toBe(false);
    expect(TraceSpan.safeParse({ ...span, provider: 'openia' }).success).toBe(false);
    expect(TraceSpan.safeParse({ ...span, surprise: 1 }).success).toBe(false);
    expect(SecurityFinding.safeParse({ ...finding, confidence: 1.5 }).success).toBe(false);
    expect(TenantId.safeParse('../etc/passwd').success).toBe(false);
    expect(TenantId.safeParse('').success).toBe(false);
    expect(TenantId.safeParse('key-0123456789abcdef').success).toBe(true);
  });

  it('lists every provider', () => {
    expect(LLMProvider.options).toEqual([
      'openai',
      'anthropic',
      'vllm',
      'sglang',
      'tgi',
      'ollama',
      'azure_openai',
      'bedrock',
      'custom',
    ]);
  });
});

describe('severity', () => {
  it('orders critical > high > medium > low > info', () => {
    const shuffled: SecuritySeverity[] = ['low', 'critical', 'info', 'high', 'medium'];
    expect(shuffled.sort(compareSeverity).reverse()).toEqual(SecuritySeverity.options);
    expect(severityAtLeast('medium', 'medium')).toBe(true);
    expect(severityAtLeast('low', 'medium')).toBe(false);
  });
});

describe('errors', () => {
  it('maps every code to an HTTP status', () => {
    for (const code of ERROR_CODES) expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(new LLMTraceError('NOT_FOUND', 'x').status).toBe(404);
    expect(new LLMTraceError('UPSTREAM_TIMEOUT', 'x').status).toBe(504);
  });

  it('normalises unknown throwables to INTERNAL and keeps the cause', () => {
    const cause = new Error('boom');
    const err = toLLMTraceError(cause);
    expect(err.code).toBe('INTERNAL');
    expect(err.cause).toBe(cause);
    expect(err.isClientError).toBe(false);
    const same = new LLMTraceError('FORBIDDEN', 'no');
    expect(toLLMTraceError(same)).toBe(same);
    expect(toLLMTraceError('text').message).toBe('text');
  });
});
