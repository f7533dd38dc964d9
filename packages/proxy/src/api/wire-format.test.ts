import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { snakeCase, WireFormat } from './wire-format.js';

const Finding = z.object({ type: z.string(), detectedAt: z.string() }).strict();
const Span = z
  .object({
    spanId: z.string(),
    model: z.string().nullable().default(null),
    timeToFirstTokenMs: z.number().nullable().default(null),
    estimatedCostUsd: z.number().nullable().default(null),
    securityFindings: z.array(Finding).default([]),
    tags: z.record(z.string(), z.string()).default({}),
    config: z.object({ rateLimitRpm: z.number().optional() }).strict().optional(),
  })
  .strict();
const wire = new WireFormat(
  new Map<z.core.$ZodType, Record<string, string>>([
    [Span, { model: 'model_name' }],
    [Finding, { type: 'finding_type' }],
  ]),
);

describe('snakeCase', () => {
  it.each([
    ['traceId', 'trace_id'],
    ['timeToFirstTokenMs', 'time_to_first_token_ms'],
    ['estimatedCostUsd', 'estimated_cost_usd'],
    ['p50', 'p50'],
    ['owaspId', 'owasp_id'],
    ['already_snake', 'already_snake'],
    ['HTTPStatus', 'http_status'],
  ])('%s → %s', (camel, snake) => {
    expect(snakeCase(camel)).toBe(snake);
  });
});

describe('WireFormat', () => {
  const span = {
    spanId: 's1',
    model: 'gpt-4o',
    timeToFirstTokenMs: 12,
    estimatedCostUsd: 0.00019500000000000002,
    securityFindings: [{ type: 'pii', detectedAt: 't' }],
    tags: { deployTarget: 'eu' },
    internalOnly: 'never sent',
  };

  it('renames schema keys (snake_case or the registered name), keeps free-form map keys, rounds money', () => {
    expect(wire.toWire(Span, span)).toEqual({
      span_id: 's1',
      model_name: 'gpt-4o',
      time_to_first_token_ms: 12,
      estimated_cost_usd: 0.000195,
      security_findings: [{ finding_type: 'pii', detected_at: 't' }],
      tags: { deployTarget: 'eu' },
    });
  });

  it('reads a wire body back into internal names', () => {
    const body = {
      span_id: 's1',
      model_name: 'x',
      security_findings: [{ finding_type: 'pii', detected_at: 't' }],
      tags: { anyKey: 'v' },
      config: { rate_limit_rpm: 5 },
    };
    const { value, issues } = wire.fromWire(Span, body);
    expect(issues).toEqual([]);
    expect(Span.parse(value)).toMatchObject({
      spanId: 's1',
      model: 'x',
      securityFindings: [{ type: 'pii', detectedAt: 't' }],
      tags: { anyKey: 'v' },
      config: { rateLimitRpm: 5 },
    });
  });

  it('reports unknown and camelCase keys with their wire path instead of renaming them', () => {
    const { issues } = wire.fromWire(Span, {
      spanId: 's1',
      config: { rateLimitRpm: 5 },
      security_findings: [{ finding_type: 'x', detected_at: 't', extra: 1 }],
    });
    expect(issues).toEqual([
      { field: 'spanId', reason: 'unknown field (the API uses snake_case: span_id)' },
      {
        field: 'config.rateLimitRpm',
        reason: 'unknown field (the API uses snake_case: rate_limit_rpm)',
      },
      { field: 'security_findings.0.extra', reason: 'unknown field' },
    ]);
  });

  it('maps validation paths to wire paths', () => {
    expect(wire.wirePath(Span, ['securityFindings', 0, 'detectedAt'])).toEqual([
      'security_findings',
      '0',
      'detected_at',
    ]);
    expect(wire.wirePath(Span, ['tags', 'deployTarget'])).toEqual(['tags', 'deployTarget']);
    expect(wire.wirePath(Span, ['model'])).toEqual(['model_name']);
  });

  it('writes wire names into JSON Schema, required lists included', () => {
    const json = z.toJSONSchema(Span, {
      io: 'output',
      override: (ctx) => wire.jsonSchemaOverride(ctx),
    }) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(json.properties)).toEqual([
      'span_id',
      'model_name',
      'time_to_first_token_ms',
      'estimated_cost_usd',
      'security_findings',
      'tags',
      'config',
    ]);
    expect(json.required).toContain('time_to_first_token_ms');
  });

  it('refuses a schema where two fields would share a wire name', () => {
    const clash = z.object({ fooBar: z.string(), foo_bar: z.string() });
    expect(() => wire.toWire(clash, { fooBar: 'a' })).toThrow(/foo_bar/);
  });
});
