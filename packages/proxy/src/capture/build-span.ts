import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { LLMProvider, SpanEvent, TokenUsage, TraceSpan } from '@llmtrace/core';
import { isObject, str } from '../providers/json-helpers.js';
import { adapterFor } from '../providers/registry.js';
import {
  EMPTY_REQUEST,
  EMPTY_RESPONSE,
  type ParsedRequest,
  type ResponseSummary,
} from '../providers/types.js';
import { NdjsonParser } from '../stream/ndjson-parser.js';
import { SseParser } from '../stream/sse-parser.js';
import { estimateTokens } from '../tokens/token-counter.js';
import type { Exchange } from '../exchange/exchange.js';
import type { SpanAnalyzer } from '../security/span-security.js';

/** Cost hook: USD for the usage, or null when the model has no known price (never a guessed $0). */
export type SpanPricer = (provider: LLMProvider, model: string, usage: TokenUsage) => number | null;

/** What {@link buildSpan} needs besides the job. */
export interface BuildSpanOptions {
  readonly maxTextChars: number;
  readonly analyze?: SpanAnalyzer | undefined;
  readonly price?: SpanPricer | undefined;
  /** Rewrites text before it is stored (PII redaction). */
  readonly redact?: ((text: string) => string) | undefined;
}

function decodeBody(chunks: readonly Buffer[], encoding: string | undefined): Buffer {
  const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  switch (encoding?.trim().toLowerCase() ?? 'identity') {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(raw);
    case 'br':
      return brotliDecompressSync(raw);
    case 'deflate':
      return inflateSync(raw);
    default:
      return raw;
  }
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[truncated ${text.length - max} chars]`;
}

function renderPrompt(request: ParsedRequest): string {
  const lines = request.system === null ? [] : [`system: ${request.system}`];
  for (const m of request.messages) lines.push(`${m.role}: ${m.content}`);
  return lines.join('\n');
}

function errorMessageOf(body: unknown): string | null {
  if (!isObject(body)) return null;
  const error = body['error'];
  if (typeof error === 'string') return error;
  if (isObject(error)) return str(error['message']) ?? str(error['type']);
  return str(body['message']);
}

/**
 * Builds the span of one proxied exchange: parses the request and the response
 * (whole or streamed, decompressing a copy when needed), takes usage from the provider or estimates it
 * with a tokenizer, runs the analyzer and pricer hooks. Never throws on bad input: unparsable bodies
 * are recorded as such.
 */
export function buildSpan(job: Exchange, options: BuildSpanOptions): TraceSpan {
  const adapter = adapterFor(job.provider);
  const operation = adapter?.operationFor(job.method, job.path) ?? null;
  const tags: Record<string, string> = {};
  const events: SpanEvent[] = [];
  const at = (ms: number): string => new Date(job.startedAt + ms).toISOString();

  // The exchange parsed the body already when admit needed it (budgets, screen); else it does now.
  const request = job.parsedRequest() ?? EMPTY_REQUEST;
  if (job.requestUnparsable) tags['request_unparsable'] = 'true';
  const requestText = operation === null ? (job.requestBody?.toString('utf8') ?? '') : '';

  let response: ResponseSummary = EMPTY_RESPONSE;
  let responseText: string | null = null;
  let responseError: string | null = null;
  // Ollama streams NDJSON, one JSON object per line; each line is fed as one event.
  const isNdjson = job.responseContentType?.includes('application/x-ndjson') === true;
  const isStream = isNdjson || job.responseContentType?.includes('text/event-stream') === true;
  if (job.chunks.length > 0) {
    let body: Buffer | null = null;
    try {
      body = decodeBody(job.chunks, job.responseContentEncoding);
    } catch {
      tags['response_undecodable'] = 'true';
    }
    if (body !== null && isStream && adapter !== null) {
      tags['stream'] = 'true';
      const parser = isNdjson ? new NdjsonParser() : new SseParser();
      const acc = adapter.createStreamAccumulator();
      if (job.responseContentEncoding === undefined) {
        // Uncompressed: feed chunk by chunk so each event gets its real arrival time (TTFT).
        job.chunks.forEach((chunk, i) => {
          for (const event of parser.push(chunk)) acc.onEvent(event, job.chunkTimes[i] ?? 0);
        });
      } else {
        for (const event of parser.push(body)) acc.onEvent(event, job.chunkTimes.at(-1) ?? 0);
      }
      for (const event of parser.end()) acc.onEvent(event, job.chunkTimes.at(-1) ?? 0);
      response = acc.finish();
      responseText = response.text;
    } else if (body !== null) {
      const text = body.toString('utf8');
      const parsed =
        job.responseContentType?.includes('json') === true ? tryJson(text) : { ok: false as const };
      if (parsed.ok) {
        if (adapter !== null && operation !== null && (job.statusCode ?? 0) < 400) {
          response = adapter.parseResponse(parsed.value);
          responseText = response.text;
        }
        if ((job.statusCode ?? 0) >= 400) responseError = errorMessageOf(parsed.value);
      }
      responseText ??= operation === null || (job.statusCode ?? 0) >= 400 ? text : null;
    }
  }
  if (job.truncated) tags['response_truncated'] = 'true';
  // Exported as gen_ai.response.finish_reasons (telemetry/); the API shows it with the other tags.
  if (response.finishReason !== null) tags['finish_reason'] = response.finishReason;

  const detailed = operation !== null;
  let promptTokens: number | null = null;
  let completionTokens: number | null = null;
  let estimated = false;
  const prompt = renderPrompt(request);
  if (response.usage !== null) {
    promptTokens = response.usage.promptTokens;
    completionTokens = response.usage.completionTokens;
  } else if (detailed && (job.statusCode ?? 0) < 400) {
    promptTokens = estimateTokens(request.messages.map((m) => m.content).join('\n'));
    completionTokens = estimateTokens(
      [response.text, ...response.toolCalls.map((t) => t.name + t.arguments)].join(''),
    );
    estimated = true;
  }

  if (response.firstTokenMs !== null) {
    events.push({ name: 'first_token', timestamp: at(response.firstTokenMs), attributes: {} });
  }
  if (job.endReason !== 'complete') {
    events.push({
      name: job.endReason,
      timestamp: at(job.durationMs),
      attributes: job.errorMessage === null ? {} : { message: job.errorMessage },
    });
  }
  if (isStream && job.endReason === 'complete' && !response.completed && adapter !== null) {
    tags['stream_incomplete'] = 'true';
  }

  const errorMessage =
    job.errorMessage ??
    response.streamError ??
    responseError ??
    ((job.statusCode ?? 0) >= 400 ? `upstream returned ${job.statusCode}` : null);

  const redact = options.redact ?? ((t: string) => t);
  const storedPrompt = detailed ? prompt : requestText;
  let span: TraceSpan = {
    spanId: job.traceId,
    traceId: job.traceId,
    parentSpanId: null,
    tenantId: job.tenantId,
    agentId: job.agentId,
    operationName: operation ?? `http ${job.method} ${job.path}`,
    startTime: new Date(job.startedAt).toISOString(),
    endTime: at(job.durationMs),
    durationMs: job.durationMs,
    provider: job.provider,
    // The model that served the call (a dated snapshot) is more precise than the requested alias.
    model: response.model ?? request.model ?? adapter?.modelForPath?.(job.path) ?? null,
    prompt: clip(redact(storedPrompt), options.maxTextChars),
    response: responseText === null ? null : clip(redact(responseText), options.maxTextChars),
    promptTokens,
    completionTokens,
    totalTokens:
      promptTokens === null && completionTokens === null
        ? null
        : (response.usage?.totalTokens ?? (promptTokens ?? 0) + (completionTokens ?? 0)),
    tokensEstimated: estimated,
    timeToFirstTokenMs: response.firstTokenMs,
    statusCode: job.statusCode,
    errorMessage,
    securityScore: null,
    securityFindings: [],
    estimatedCostUsd: null,
    tags,
    agentActions: response.toolCalls.map((call) => ({
      kind: 'tool_call' as const,
      name: call.name,
      arguments: call.arguments,
      timestamp: at(job.durationMs),
      metadata: call.id === null ? {} : { id: call.id },
    })),
    events,
  };

  if (detailed && options.analyze !== undefined && job.analyse) {
    const analysis = options.analyze({ request, response, screened: job.screening });
    if (analysis !== null) {
      span = { ...span, securityScore: analysis.score, securityFindings: [...analysis.findings] };
    }
  }
  if (options.price !== undefined && span.model !== null && promptTokens !== null) {
    const usage: TokenUsage = response.usage ?? {
      promptTokens,
      completionTokens: completionTokens ?? 0,
    };
    span = { ...span, estimatedCostUsd: options.price(job.provider, span.model, usage) };
  }
  return span;
}
