import { TraceSpan } from '@llmtrace/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { otelSpanId, otelTraceId, toGenAiSpans, type GenAiSpanContext } from './genai-span.js';

const CTX: GenAiSpanContext = {
  resource: resourceFromAttributes({ 'service.name': 'test' }),
  scope: { name: 'llmtrace' },
  captureContent: false,
};

function span(overrides: Partial<TraceSpan> = {}): TraceSpan {
  return TraceSpan.parse({
    spanId: 'b7ad6b7169203331',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    tenantId: 'acme',
    operationName: 'chat_completion',
    startTime: '2026-01-01T00:00:00.000Z',
    durationMs: 1500.25,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    ...overrides,
  });
}

describe('toGenAiSpans', () => {
  it('keeps a W3C trace id and parents the span under the caller span of its traceparent', () => {
    const [otel] = toGenAiSpans(
      span({ parentSpanId: '00f067aa0ba902b7' }),
      { requestModel: 'claude-sonnet-4-5' },
      CTX,
    );
    expect(otel?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(otel?.spanContext().spanId).toBe('b7ad6b7169203331');
    expect(otel?.parentSpanContext).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: '00f067aa0ba902b7',
      isRemote: true,
    });
    expect(otel?.duration).toEqual([1, 500_250_000]);
    expect(otel?.attributes['gen_ai.provider.name']).toBe('anthropic');
  });

  it('maps a UUID trace id to its 32 hex digits and never emits the invalid all-zero ids', () => {
    expect(otelTraceId('3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e')).toBe(
      '3f2b8c1e4d5a4b6c8d7e9f0a1b2c3d4e',
    );
    expect(otelSpanId('3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e')).toBe('8d7e9f0a1b2c3d4e');
    expect(otelTraceId('0'.repeat(32))).toMatch(/^[0-9a-f]{32}$/);
    expect(otelTraceId('0'.repeat(32))).not.toBe('0'.repeat(32));
    expect(otelSpanId('not-hex')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('uses the semantic-convention names of operations and providers', () => {
    const [embeddings] = toGenAiSpans(
      span({ operationName: 'embeddings', provider: 'azure_openai', model: null }),
      { requestModel: 'text-embedding-3-small' },
      CTX,
    );
    expect(embeddings?.name).toBe('embeddings text-embedding-3-small');
    expect(embeddings?.attributes['gen_ai.operation.name']).toBe('embeddings');
    expect(embeddings?.attributes['gen_ai.provider.name']).toBe('azure.ai.openai');
    expect(embeddings?.attributes['gen_ai.response.model']).toBeUndefined();
  });
});
