import type { SseEvent } from '../../stream/sse-parser.js';
import {
  arr,
  contentToText,
  int,
  isObject,
  str,
  type JsonObject,
  postOperations,
} from '../json-helpers.js';
import {
  EMPTY_RESPONSE,
  type ChatMessage,
  type ParsedRequest,
  type ProviderAdapter,
  type ResponseSummary,
  type StreamAccumulator,
  type ToolCall,
  type Usage,
  EMPTY_REQUEST,
} from '../types.js';
import {
  ResponsesStreamAccumulator,
  isResponsesObject,
  parseResponsesResponse,
  responsesInputMessages,
} from './openai-responses.js';

/**
 * OpenAI usage → our shape. `prompt_tokens` already includes `prompt_tokens_details.cached_tokens`
 * and `completion_tokens` includes `completion_tokens_details.reasoning_tokens`
 * (platform.openai.com/docs/api-reference/chat/object).
 */
export function openAiUsage(usage: unknown): Usage | null {
  if (!isObject(usage)) return null;
  const promptTokens = int(usage['prompt_tokens']);
  const completionTokens = int(usage['completion_tokens']);
  const details = isObject(usage['prompt_tokens_details']) ? usage['prompt_tokens_details'] : {};
  const completionDetails = isObject(usage['completion_tokens_details'])
    ? usage['completion_tokens_details']
    : {};
  const cached = int(details['cached_tokens']);
  const reasoning = int(completionDetails['reasoning_tokens']);
  return {
    promptTokens,
    completionTokens,
    totalTokens: int(usage['total_tokens']) || promptTokens + completionTokens,
    ...(cached > 0 ? { cachedPromptTokens: cached } : {}),
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
  };
}

/** Azure's first stream chunk and some self-hosted servers send `model: ""`: treat it as absent. */
function nonEmpty(value: string | null): string | null {
  return value === '' ? null : value;
}

function parseMessages(body: JsonObject): ChatMessage[] {
  if ('messages' in body) {
    return arr(body['messages']).map((m) => {
      if (!isObject(m)) return { role: 'unknown', content: '' };
      let content = contentToText(m['content']);
      const role = str(m['role']) ?? 'unknown';
      // Assistant tool-call turns have null content: keep the call so the prompt shows it.
      const calls = toolCallsOf(m);
      if (calls.length > 0) {
        const rendered = calls.map((c) => `${c.name || 'tool'}(${c.arguments})`);
        content = [content, ...rendered].filter((s) => s !== '').join('\n');
        return { role, content, toolCalls: calls };
      }
      // `tool` answers a call by id; the legacy `function` role names the function instead.
      if (role === 'tool') return { role, content, toolCallId: str(m['tool_call_id']) };
      if (role === 'function') return { role, content, toolName: str(m['name']) };
      return { role, content };
    });
  }
  // Legacy /v1/completions: prompt is a string or an array of strings.
  const prompt = body['prompt'];
  if (typeof prompt === 'string') return [{ role: 'user', content: prompt }];
  if (Array.isArray(prompt))
    return [{ role: 'user', content: prompt.filter((p) => typeof p === 'string').join('\n') }];
  // Responses API (and embeddings): `input` is a string or a list of items.
  const input = body['input'];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (Array.isArray(input) && input.some(isObject)) return responsesInputMessages(input);
  return [];
}

/** Parses an OpenAI-format request body (chat, legacy completions, Responses API, embeddings). */
export function parseOpenAiRequest(body: unknown): ParsedRequest {
  if (!isObject(body)) {
    return EMPTY_REQUEST;
  }
  const maxTokens =
    body['max_completion_tokens'] ?? body['max_tokens'] ?? body['max_output_tokens'];
  const instructions = str(body['instructions']);
  return {
    model: str(body['model']),
    stream: body['stream'] === true,
    messages: parseMessages(body),
    // Responses API: `instructions` is the system prompt.
    system: instructions,
    maxTokens: typeof maxTokens === 'number' ? maxTokens : null,
    // Chat tools name their function; Responses API tools have a top-level name.
    toolNames: arr(body['tools'])
      .map((t) =>
        !isObject(t) ? null : isObject(t['function']) ? str(t['function']['name']) : str(t['name']),
      )
      .filter((n): n is string => n !== null),
  };
}

/**
 * The tool calls of an assistant message: `tool_calls`, and the legacy single `function_call`
 * (deprecated by OpenAI, still sent by older clients and some compatible servers), which has no id.
 */
function toolCallsOf(message: JsonObject): ToolCall[] {
  const calls: ToolCall[] = arr(message['tool_calls']).flatMap((c) => {
    if (!isObject(c) || !isObject(c['function'])) return [];
    return [
      {
        id: str(c['id']),
        name: str(c['function']['name']) ?? '',
        arguments: str(c['function']['arguments']) ?? '',
      },
    ];
  });
  const legacy = message['function_call'];
  if (isObject(legacy)) {
    calls.push({
      id: null,
      name: str(legacy['name']) ?? '',
      arguments: str(legacy['arguments']) ?? '',
    });
  }
  return calls;
}

/** Parses a whole (non-streamed) OpenAI response. */
export function parseOpenAiResponse(body: unknown): ResponseSummary {
  if (!isObject(body)) return EMPTY_RESPONSE;
  if (isResponsesObject(body)) return parseResponsesResponse(body);
  const choices = arr(body['choices']);
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  let finishReason: string | null = null;
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    finishReason ??= str(choice['finish_reason']);
    if (isObject(choice['message'])) {
      texts.push(contentToText(choice['message']['content']));
      toolCalls.push(...toolCallsOf(choice['message']));
    } else if (typeof choice['text'] === 'string') {
      texts.push(choice['text']);
    }
  }
  const error = isObject(body['error']) ? str(body['error']['message']) : null;
  return {
    ...EMPTY_RESPONSE,
    text: texts.join('\n'),
    model: nonEmpty(str(body['model'])),
    finishReason,
    usage: openAiUsage(body['usage']),
    toolCalls,
    streamError: error,
    completed: true,
  };
}

/** Where a streamed legacy `function_call` is accumulated: after every indexed tool call. */
const LEGACY_CALL_INDEX = Number.MAX_SAFE_INTEGER;

/** Accumulates `chat.completion.chunk` events (and legacy completion chunks). */
export class OpenAiStreamAccumulator implements StreamAccumulator {
  readonly #text: string[] = [];
  readonly #tools = new Map<number, { id: string | null; name: string; args: string[] }>();
  #model: string | null = null;
  #finish: string | null = null;
  #usage: Usage | null = null;
  #firstTokenMs: number | null = null;
  #error: string | null = null;
  #done = false;
  /** Set when the stream turns out to be a Responses API stream (typed `response.*` events). */
  #responses: ResponsesStreamAccumulator | null = null;

  onEvent(event: SseEvent, atMs: number): void {
    if (event.data === '[DONE]') {
      this.#done = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return; // A malformed event is skipped; the client still got its bytes.
    }
    if (!isObject(chunk)) return;
    const type = str(chunk['type']);
    if (this.#responses !== null || type?.startsWith('response.') === true) {
      this.#responses ??= new ResponsesStreamAccumulator();
      this.#responses.onParsed(chunk, atMs);
      return;
    }
    if (type === 'error') this.#error = str(chunk['message']) ?? 'stream error';
    if (isObject(chunk['error'])) this.#error = str(chunk['error']['message']) ?? 'stream error';
    this.#model ??= nonEmpty(str(chunk['model']));
    if (chunk['usage'] !== undefined && chunk['usage'] !== null)
      this.#usage = openAiUsage(chunk['usage']);
    for (const choice of arr(chunk['choices'])) {
      if (!isObject(choice)) continue;
      this.#finish = str(choice['finish_reason']) ?? this.#finish;
      const delta = isObject(choice['delta']) ? choice['delta'] : null;
      const piece = delta !== null ? str(delta['content']) : str(choice['text']);
      if (piece !== null && piece !== '') {
        this.#firstTokenMs ??= atMs;
        this.#text.push(piece);
      }
      if (delta === null) continue;
      // Legacy `function_call` deltas: one call per choice, kept under an index no tool call uses.
      const legacy = delta['function_call'];
      const calls = isObject(legacy)
        ? [...arr(delta['tool_calls']), { index: LEGACY_CALL_INDEX, function: legacy }]
        : arr(delta['tool_calls']);
      for (const call of calls) {
        if (!isObject(call)) continue;
        const index = typeof call['index'] === 'number' ? call['index'] : 0;
        let entry = this.#tools.get(index);
        if (entry === undefined) {
          entry = { id: null, name: '', args: [] };
          this.#tools.set(index, entry);
        }
        entry.id ??= str(call['id']);
        const fn = isObject(call['function']) ? call['function'] : {};
        const name = str(fn['name']);
        if (name !== null) entry.name += name;
        const args = str(fn['arguments']);
        if (args !== null && args !== '') {
          this.#firstTokenMs ??= atMs;
          entry.args.push(args);
        }
      }
    }
  }

  finish(): ResponseSummary {
    if (this.#responses !== null) return this.#responses.finish();
    return {
      text: this.#text.join(''),
      model: this.#model,
      finishReason: this.#finish,
      usage: this.#usage,
      toolCalls: [...this.#tools.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, t]) => ({ id: t.id, name: t.name, arguments: t.args.join('') })),
      firstTokenMs: this.#firstTokenMs,
      streamError: this.#error,
      completed: this.#done,
    };
  }
}

/** Paths traced in detail; the Responses API is its own operation, `response`. */
const OPERATIONS: Readonly<Record<string, string>> = Object.freeze({
  '/v1/chat/completions': 'chat_completion',
  '/chat/completions': 'chat_completion',
  '/v1/completions': 'completion',
  '/completions': 'completion',
  '/v1/responses': 'response',
  '/responses': 'response',
});

/** The OpenAI wire format, also spoken by vLLM, SGLang, TGI and most self-hosted servers. */
export const openAiAdapter: ProviderAdapter = Object.freeze({
  provider: 'openai',
  operationFor: postOperations(OPERATIONS),
  parseRequest: parseOpenAiRequest,
  parseResponse: parseOpenAiResponse,
  createStreamAccumulator: () => new OpenAiStreamAccumulator(),
});
