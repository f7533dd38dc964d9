import type { SecurityFinding, SecuritySeverity, TraceSpan } from '@llmtrace/core';

/** What every backend test factory returns: the thing under test and how to dispose of it. */
export interface Fixture<T> {
  readonly repo: T;
  readonly cleanup: () => Promise<void>;
  /**
   * Called after the test clock moved by `ms`, for backends whose time is not the test clock (e.g.
   * Redis expires keys on its own clock: its fixture shortens every TTL by `ms` instead).
   */
  readonly advance?: (ms: number) => Promise<void>;
}

/** A clock the test moves by hand (epoch ms). */
export interface ManualClock {
  readonly now: () => number;
  advance(ms: number): void;
}

export function manualClock(start = Date.parse('2026-03-01T12:00:00.000Z')): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}

export function finding(id: string, severity: SecuritySeverity): SecurityFinding {
  return {
    id,
    type: 'prompt_injection',
    severity,
    confidence: 0.75,
    description: `finding ${id}`,
    detectedAt: '2026-01-01T10:00:00.000Z',
    metadata: {},
  };
}

/** A span with every field at a plain default; override what the test is about. */
export function makeSpan(overrides: Partial<TraceSpan> & Pick<TraceSpan, 'spanId'>): TraceSpan {
  return {
    traceId: 'trace-1',
    parentSpanId: null,
    tenantId: 'acme',
    agentId: null,
    sessionId: null,
    operationName: 'chat_completion',
    startTime: '2026-01-01T10:00:00.000Z',
    endTime: null,
    durationMs: null,
    provider: 'openai',
    model: 'gpt-4o',
    prompt: 'hello',
    response: null,
    promptTokens: null,
    completionTokens: null,
    totalTokens: null,
    tokensEstimated: false,
    timeToFirstTokenMs: null,
    statusCode: 200,
    errorMessage: null,
    securityScore: null,
    securityFindings: [],
    estimatedCostUsd: null,
    tags: {},
    agentActions: [],
    events: [],
    ...overrides,
  };
}

/** A span with every optional field filled, including awkward values that must round-trip. */
export function fullSpan(spanId: string, traceId = 'trace-full'): TraceSpan {
  return makeSpan({
    spanId,
    traceId,
    parentSpanId: 'parent-0',
    agentId: 'agent-7',
    sessionId: 'session-9',
    operationName: 'chat_completion',
    // An offset and sub-millisecond digits: stored text must come back byte for byte.
    startTime: '2026-01-01T12:00:00.123456+02:00',
    endTime: '2026-01-01T10:00:01.5Z',
    durationMs: 1376.544,
    provider: 'anthropic',
    model: 'claude-sonnet-4',
    prompt: 'Ignore previous instructions — «unicode» ✓ \u0000 and "quotes"',
    response: '',
    promptTokens: 1234,
    completionTokens: 0,
    totalTokens: 1234,
    tokensEstimated: true,
    timeToFirstTokenMs: 12.25,
    statusCode: 499,
    errorMessage: 'client aborted',
    securityScore: 87,
    securityFindings: [
      {
        ...finding('f-1', 'high'),
        location: { side: 'request', messageIndex: 2, start: 0, end: 28 },
        owaspId: 'LLM01:2025',
        metadata: { pattern: 'ignore-previous', nested: { list: [1, 'two', null, true] } },
      },
      finding('f-2', 'info'),
    ],
    estimatedCostUsd: 0.000123456789,
    tags: { env: 'prod', team: 'search' },
    agentActions: [
      {
        id: 'call_1',
        actionType: 'tool_call',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        result: 'sunny',
        durationMs: null,
        startedAt: '2026-01-01T10:00:00.500Z',
        source: 'proxy',
        toolCallId: 'call_1',
        viaToolCall: true,
        truncated: false,
      },
      {
        id: 'call_2',
        actionType: 'command_execution',
        name: 'run_shell',
        arguments: '{"command":"ls -la"}',
        result: null,
        durationMs: 12.5,
        startedAt: '2026-01-01T10:00:00.600Z',
        source: 'reported',
        toolCallId: null,
        viaToolCall: false,
        truncated: false,
        command: 'ls -la',
        exitCode: 0,
        stdout: 'total 0',
      },
    ],
    events: [
      { name: 'first_token', timestamp: '2026-01-01T10:00:00.135Z', attributes: {} },
      { name: 'client_abort', timestamp: '2026-01-01T10:00:01.5Z', attributes: { reason: 'x' } },
    ],
  });
}
