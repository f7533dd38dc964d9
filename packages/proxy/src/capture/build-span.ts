import type { LLMProvider, SpanEvent, TokenUsage, TraceSpan } from '@llmtrace/core';
import { isObject, str } from '../providers/json-helpers.js';
import { pricingFallback, resolveAdapter } from '../providers/read-request.js';
import {
  EMPTY_REQUEST,
  EMPTY_RESPONSE,
  type ParsedRequest,
  type ResponseSummary,
} from '../providers/types.js';
import { NdjsonParser } from '../stream/ndjson-parser.js';
import { SseParser } from '../stream/sse-parser.js';
import { countTokensBounded, countTokensOfTexts } from '../tokens/bounded-token-count.js';
import type { Exchange } from '../exchange/exchange.js';
import type { SpanAnalyzer } from '../security/span-security.js';
import { defaultActionAnalyzer, type ActionAnalyzer } from '../security/span-actions.js';
import { decodeBody } from './decode-body.js';
import { TimeSlicer } from './time-slicer.js';

/** Cost hook: USD for the usage, or null when the model has no known price (never a guessed $0). */
export type SpanPricer = (provider: LLMProvider, model: string, usage: TokenUsage) => number | null;

/** What {@link buildSpan} needs besides the job. */
export interface BuildSpanOptions {
  readonly maxTextChars: number;
  readonly analyze?: SpanAnalyzer | undefined;
  readonly price?: SpanPricer | undefined;
  /** Rewrites text before it is stored (PII redaction). */
  readonly redact?: ((text: string) => string) | undefined;
  /** Largest decompressed response kept (default 32 MiB). */
  readonly maxDecodedBytes?: number | undefined;
  /** Characters counted with the tokenizer per text; the rest is estimated (issue 14, item 1). */
  readonly maxExactTokenChars?: number | undefined;
  /** The provider of `upstream_url`: prices spans whose provider header names an unpriced one. */
  readonly defaultProvider?: LLMProvider | undefined;
  /** Longest stretch of work before yielding to the event loop (default 1 ms). */
  readonly sliceMs?: number | undefined;
  /** Classifies (and, with `analyze`, judges) agent actions; default: the built-in rules. */
  readonly actions?: ActionAnalyzer | undefined;
}

const DEFAULT_SLICE_MS = 1;
const EMPTY_BODY = Buffer.alloc(0);
/** A decompressed stream is fed to the parser in pieces of this size, with a yield check after each. */
const FEED_BYTES = 64 * 1024;

function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Characters past the stored length that are redacted too, so a value cut at the edge is found. */
const REDACT_MARGIN = 1024;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[truncated ${text.length - max} chars]`;
}

/**
 * The prompt as stored: `role: content` lines. Only the first `limit` characters are built; the
 * rest is counted (its length) for the truncation note, so a 30 MB prompt is never joined whole.
 */
function renderPrompt(request: ParsedRequest, limit: number): { text: string; length: number } {
  const lines = request.system === null ? [] : [`system: ${request.system}`];
  let built = lines[0]?.length ?? 0;
  let length = built;
  for (const m of request.messages) {
    const lineLength = m.role.length + 2 + m.content.length + (length === 0 ? 0 : 1);
    length += lineLength;
    if (built > limit) continue;
    lines.push(`${m.role}: ${m.content.length > limit ? m.content.slice(0, limit) : m.content}`);
    built += lineLength;
  }
  return { text: lines.join('\n'), length };
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
 * are recorded as such. Asynchronous only to yield: stream parsing, token counting and analysis run
 * in slices of `sliceMs`, so a huge answer does not hold the event loop (issue 14, item 5).
 */
export async function buildSpan(job: Exchange, options: BuildSpanOptions): Promise<TraceSpan> {
  const slicer = new TimeSlicer(options.sliceMs ?? DEFAULT_SLICE_MS);
  // The claimed provider's adapter when it traces this path, else the one whose path it is: a
  // provider header or a path variant does not hide a chat call from capture (issue 14, item 3).
  const { adapter, operation } = resolveAdapter(job.provider, job.method, job.path);
  const tags: Record<string, string> = {};
  const events: SpanEvent[] = [];
  const at = (ms: number): string => new Date(job.startedAt + ms).toISOString();

  // The exchange read the body already when admit needed it (budgets, screen); else it does now,
  // the same way (issue 14, items 3 and 4: path-native parser, BOM skipped).
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
    // An uncompressed stream is fed chunk by chunk below: joining 32 MB first would only cost time.
    const decoded =
      isStream && adapter !== null && job.responseContentEncoding === undefined
        ? { ok: true as const, body: EMPTY_BODY }
        : decodeBody(job.chunks, job.responseContentEncoding, {
            maxBytes: options.maxDecodedBytes,
            truncated: job.truncated,
          });
    if (decoded.ok) body = decoded.body;
    else {
      // A bomb, a corrupt body or an unknown coding: recorded, never a crash (issue 14, item 2).
      tags['response_undecodable'] = 'true';
      tags['response_undecodable_reason'] = decoded.reason;
    }
    if (body !== null && isStream && adapter !== null) {
      tags['stream'] = 'true';
      const parser = isNdjson ? new NdjsonParser() : new SseParser();
      const acc = adapter.createStreamAccumulator();
      if (job.responseContentEncoding === undefined) {
        // Uncompressed: feed chunk by chunk so each event gets its real arrival time (TTFT).
        for (const [i, chunk] of job.chunks.entries()) {
          for (const event of parser.push(chunk)) acc.onEvent(event, job.chunkTimes[i] ?? 0);
          await slicer.tick();
        }
      } else {
        const at = job.chunkTimes.at(-1) ?? 0;
        for (let start = 0; start < body.length; start += FEED_BYTES) {
          for (const event of parser.push(body.subarray(start, start + FEED_BYTES)))
            acc.onEvent(event, at);
          await slicer.tick();
        }
      }
      for (const event of parser.end()) acc.onEvent(event, job.chunkTimes.at(-1) ?? 0);
      if (parser.stats.oversized > 0)
        tags['stream_events_dropped'] = String(parser.stats.oversized);
      response = acc.finish();
      responseText = response.text;
    } else if (body !== null) {
      const text = body.toString('utf8');
      const isJson = job.responseContentType?.includes('json') === true;
      const parsed = isJson ? tryJson(text) : null;
      if (parsed !== null && !parsed.ok) {
        // Say why the stored answer has no parsed content, and keep its text (issue 14, item 12).
        tags['response_unparsable'] = 'true';
        tags['response_parse_error'] = parsed.error.slice(0, 200);
        responseText = text;
      }
      if (parsed?.ok === true) {
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

  await slicer.tick();
  const detailed = operation !== null;
  let promptTokens: number | null = null;
  let completionTokens: number | null = null;
  let estimated = false;
  if (response.usage !== null) {
    promptTokens = response.usage.promptTokens;
    completionTokens = response.usage.completionTokens;
  } else if (detailed && (job.statusCode ?? 0) < 400) {
    // An answer cut short (client gone, upstream failed or timed out) is counted by estimate: what
    // the provider bills for a cut stream is not the text the proxy saw anyway, and the BPE ranks
    // are loaded on first use (about 5 MB and 0.15 s; see tokens/o200k-tokens.ts).
    const maxExactChars = job.endReason === 'complete' ? options.maxExactTokenChars : 0;
    const count = (text: string) => countTokensBounded(text, { maxExactChars });
    const prompted = countTokensOfTexts(
      request.messages.map((m) => m.content),
      { maxExactChars },
    );
    const completed = count(
      [response.text, ...response.toolCalls.map((t) => t.name + t.arguments)].join(''),
    );
    promptTokens = prompted.tokens;
    completionTokens = completed.tokens;
    estimated = true;
    // Past the tokenizer budget the rest was estimated per script (issue 14, item 1).
    if (!prompted.exact || !completed.exact) tags['tokens_approximated'] = 'true';
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

  const redact = options.redact;
  // Redact only what is kept (plus a margin, so a value cut at the edge is still recognised):
  // redacting a 30 MB prompt whole stalled capture (issue 14, item 6).
  // `length` is the whole text's length when `text` is only its start (a rendered prompt).
  const stored = (text: string, length = text.length): string => {
    const max = options.maxTextChars;
    if (length <= max) return redact === undefined ? text : clip(redact(text), max);
    const head = text.slice(0, max + REDACT_MARGIN);
    const kept = (redact === undefined ? head : redact(head)).slice(0, max);
    return `${kept}…[truncated ${length - max} chars]`;
  };
  const prompt = detailed
    ? renderPrompt(request, options.maxTextChars + REDACT_MARGIN)
    : { text: requestText, length: requestText.length };
  const actionAnalyzer = options.actions ?? defaultActionAnalyzer();
  let span: TraceSpan = {
    spanId: job.trace.spanId,
    traceId: job.traceId,
    parentSpanId: job.trace.parentSpanId,
    tenantId: job.tenantId,
    agentId: job.agentId,
    sessionId: job.sessionId,
    operationName: operation ?? `http ${job.method} ${job.path}`,
    startTime: new Date(job.startedAt).toISOString(),
    endTime: at(job.durationMs),
    durationMs: job.durationMs,
    provider: job.provider,
    // The model that served the call (a dated snapshot) is more precise than the requested alias.
    model: response.model ?? request.model ?? adapter?.modelForPath?.(job.path) ?? null,
    prompt: stored(prompt.text, prompt.length),
    response: responseText === null ? null : stored(responseText),
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
    // Tool calls of the answer and tool results of the request, classified (issue 15).
    agentActions: detailed
      ? actionAnalyzer.proxied({
          spanId: job.trace.spanId,
          request,
          toolCalls: response.toolCalls,
          at: at(job.durationMs),
        })
      : [],
    events,
  };

  await slicer.tick();
  if (detailed && options.analyze !== undefined && job.analyse) {
    const analysis = options.analyze({
      request,
      response,
      screened: job.screening,
      tenantId: job.tenantId,
    });
    if (analysis !== null) {
      span = { ...span, securityScore: analysis.score, securityFindings: [...analysis.findings] };
      if (analysis.partial !== undefined) span.tags['analysis_partial'] = analysis.partial;
    }
    if (span.agentActions.length > 0) {
      // Dangerous commands, URLs and paths, secrets in arguments: into the span's score and
      // findings, so alerts and the API see them like any other finding (issue 15).
      const found = actionAnalyzer.analyze(span.agentActions);
      if (found.findings.length > 0) {
        span = {
          ...span,
          securityScore: Math.max(span.securityScore ?? 0, found.score),
          securityFindings: [...span.securityFindings, ...found.findings],
        };
      }
    }
  }
  if (options.price !== undefined && span.model !== null && promptTokens !== null) {
    const usage: TokenUsage = response.usage ?? {
      promptTokens,
      completionTokens: completionTokens ?? 0,
    };
    let cost = options.price(job.provider, span.model, usage);
    if (cost === null) {
      // A provider header can route a request, not make it free (issue 14, item 3).
      const fallback = pricingFallback(job.provider, job.path, options.defaultProvider ?? 'openai');
      if (fallback !== null) cost = options.price(fallback, span.model, usage);
    }
    span = { ...span, estimatedCostUsd: cost };
  }
  return span;
}
