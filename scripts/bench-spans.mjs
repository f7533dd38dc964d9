// Shared by the storage benchmarks (bench-storage.mjs, bench-clickhouse.mjs): the same synthetic,
// deterministic span data and the same timing loop, so SQLite and ClickHouse numbers compare.
import { performance } from 'node:perf_hooks';

export const TENANTS = Array.from({ length: 10 }, (_, i) => `tenant-${i}`);
const MODELS = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['openai', 'o3'],
  ['anthropic', 'claude-sonnet-4'],
  ['anthropic', 'claude-haiku-4'],
  ['ollama', 'llama3.1:8b'],
  ['vllm', 'qwen2.5-72b'],
  ['azure_openai', 'gpt-4.1'],
];
export const DAY_MS = 86_400_000;
export const END_MS = Date.parse('2026-03-01T00:00:00.000Z');
const START_MS = END_MS - 30 * DAY_MS;

// Deterministic pseudo-random numbers (mulberry32), so every run stores the same data.
let seed = 42;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const FINDING = {
  id: 'f',
  type: 'prompt_injection',
  severity: 'high',
  confidence: 0.9,
  description: 'Asks the model to ignore its instructions',
  detectedAt: '2026-02-01T00:00:00.000Z',
  metadata: {},
};

/**
 * A span factory with prompts of `promptBytes`: span `i` of `total`; spans 2k and 2k+1 form one
 * trace; time grows with i over 30 days; 10 tenants, 8 models, ~20 % with a finding.
 */
export function spanFactory(promptBytes = 1024) {
  const PROMPT = 'You are a helpful assistant. '
    .repeat(Math.ceil(promptBytes / 29) + 1)
    .slice(0, promptBytes);
  return function makeSpan(i, total, prefix = '') {
    const traceIndex = i >> 1;
    const tenant = TENANTS[traceIndex % TENANTS.length];
    const [provider, model] = MODELS[Math.floor(random() * MODELS.length)];
    const startMs = START_MS + Math.floor((i / total) * 30 * DAY_MS) + (i & 1);
    const score = Math.floor(random() * 101);
    const promptTokens = 200 + Math.floor(random() * 800);
    const completionTokens = Math.floor(random() * 400);
    const durationMs = 50 + random() * 2000;
    return {
      spanId: `${prefix}span-${i}`,
      traceId: `${prefix}trace-${traceIndex}`,
      parentSpanId: i & 1 ? `${prefix}span-${i - 1}` : null,
      tenantId: tenant,
      agentId: `agent-${traceIndex % 7}`,
      operationName: 'chat_completion',
      startTime: new Date(startMs).toISOString(),
      endTime: new Date(startMs + durationMs).toISOString(),
      durationMs,
      provider,
      model,
      prompt: PROMPT,
      response: 'Sure, here is the answer you asked for.',
      promptTokens,
      completionTokens,
      totalTokens: promptTokens + completionTokens,
      tokensEstimated: false,
      timeToFirstTokenMs: durationMs / 4,
      statusCode: random() < 0.02 ? 500 : 200,
      errorMessage: null,
      securityScore: score,
      securityFindings: score >= 80 ? [FINDING] : [],
      estimatedCostUsd: provider === 'ollama' ? null : promptTokens * 2.5e-6,
      tags: { env: 'prod' },
      agentActions: actionsOf(i, startMs),
      events: [],
    };
  };
}

/**
 * The agent actions of span `i`, chosen by `i` (not by the random stream, so the other columns stay
 * as they were): 10 % run a command, 10 % fetch a URL, 5 % read a file — 25 % with actions.
 */
function actionsOf(i, startMs) {
  const common = {
    arguments: null,
    result: null,
    durationMs: null,
    startedAt: new Date(startMs).toISOString(),
    source: 'proxy',
    toolCallId: `call-${i}`,
    viaToolCall: true,
    truncated: false,
  };
  // By block of 20 spans, not by i: tenants take spans by trace index, so i % 20 would follow the tenant.
  const slot = Math.floor(i / 20) % 20;
  if (slot === 3 || slot === 13) {
    return [
      {
        ...common,
        id: `call-${i}`,
        actionType: 'command_execution',
        name: 'run_shell',
        command: 'ls -la',
        exitCode: null,
        stdout: null,
      },
    ];
  }
  if (slot === 7 || slot === 17) {
    return [
      {
        ...common,
        id: `call-${i}`,
        actionType: 'web_access',
        name: 'fetch_url',
        url: 'https://example.com/docs',
        method: 'GET',
        statusCode: null,
        responseBytes: null,
      },
    ];
  }
  if (slot === 11) {
    return [
      {
        ...common,
        id: `call-${i}`,
        actionType: 'file_access',
        name: 'read_file',
        path: 'README.md',
        operation: 'read',
        bytes: null,
      },
    ];
  }
  return [];
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Runs `fn` `warmup` times, then `runs` times, and prints the median and p99 in ms. */
export async function time(label, runs, fn, { warmup = 3, digits = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await fn(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const ms = (q) => quantile(samples, q).toFixed(digits).padStart(7);
  console.log(`${label.padEnd(58)} median ${ms(0.5)} ms   p99 ${ms(0.99)} ms   (${last})`);
}
