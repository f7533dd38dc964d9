import type { SseEvent } from '../../stream/sse-parser.js';
import { arr, int, isObject, str, type JsonObject, postOperations } from '../json-helpers.js';
import { withOpenAiCompatibility } from '../openai/openai-compatible.js';
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

/*
 * Anthropic Messages API (docs.anthropic.com/en/api/messages, …/messages-streaming) and the legacy
 * Text Completions API (…/complete). `POST /v1/messages` is traced as `chat_completion`, the same
 * operation name as OpenAI's chat endpoint, so that dashboards group chat traffic across
 * providers; `POST /v1/complete` is `completion`.
 */

/**
 * Anthropic usage → our shape. `input_tokens` EXCLUDES the prompt-cache tokens, which Anthropic
 * reports (and prices) separately: they stay in cacheCreationTokens/cacheReadTokens, and the total
 * counts everything the request consumed (docs.anthropic.com/en/docs/build-with-claude/prompt-caching).
 */
export function anthropicUsage(usage: unknown): Usage | null {
  if (!isObject(usage)) return null;
  return makeUsage(
    int(usage['input_tokens']),
    int(usage['output_tokens']),
    int(usage['cache_creation_input_tokens']),
    int(usage['cache_read_input_tokens']),
  );
}

function makeUsage(input: number, output: number, cacheCreation: number, cacheRead: number): Usage {
  return {
    promptTokens: input,
    completionTokens: output,
    totalTokens: input + cacheCreation + cacheRead + output,
    ...(cacheCreation > 0 ? { cacheCreationTokens: cacheCreation } : {}),
    ...(cacheRead > 0 ? { cacheReadTokens: cacheRead } : {}),
  };
}

/** True for content blocks that are tool calls: `tool_use`, `server_tool_use`, `mcp_tool_use`. */
function isToolUse(type: string | null): boolean {
  return type !== null && type.endsWith('tool_use');
}

function stringifyInput(input: unknown): string {
  return input === undefined ? '{}' : JSON.stringify(input);
}

/**
 * Flattens content (a string or an array of blocks) to text: text blocks by their text, images and
 * documents as `[image]`/`[document]`, tool calls as `name(args-json)`, tool results by their own
 * content. Thinking blocks are the model's earlier reasoning, replayed with a signature: skipped.
 */
function blocksToText(content: unknown): string {
  if (typeof content === 'string') return content;
  const parts: string[] = [];
  for (const block of arr(content)) {
    if (!isObject(block)) continue;
    const type = str(block['type']);
    if (type === 'text') parts.push(str(block['text']) ?? '');
    else if (isToolUse(type))
      parts.push(`${str(block['name']) ?? 'tool'}(${stringifyInput(block['input'])})`);
    else if (type === 'tool_result' || type?.endsWith('_tool_result') === true)
      parts.push(blocksToText(block['content']));
    else if (type === 'thinking' || type === 'redacted_thinking') continue;
    else if (type !== null) parts.push(`[${type}]`);
  }
  return parts.join('\n');
}

function isToolResult(type: string | null): boolean {
  return type === 'tool_result' || type?.endsWith('_tool_result') === true;
}

/**
 * One Anthropic message as our messages. Tool results arrive as `tool_result` blocks inside a user
 * turn: each becomes its own `tool` message (with the `tool_use_id` it answers), so the analysis
 * treats it as untrusted tool output — instructions in it are indirect prompt injection — and the
 * user's own text stays a user message. An assistant turn keeps its `tool_use` calls.
 */
function messagesOf(m: JsonObject): ChatMessage[] {
  const role = str(m['role']) ?? 'unknown';
  const content = m['content'];
  if (!Array.isArray(content)) return [{ role, content: blocksToText(content) }];
  if (role === 'assistant') {
    const calls: ToolCall[] = [];
    for (const block of content) {
      if (!isObject(block) || !isToolUse(str(block['type']))) continue;
      calls.push({
        id: str(block['id']),
        name: str(block['name']) ?? '',
        arguments: stringifyInput(block['input']),
      });
    }
    const text = blocksToText(content);
    return [calls.length > 0 ? { role, content: text, toolCalls: calls } : { role, content: text }];
  }
  const results = content.filter((b) => isObject(b) && isToolResult(str(b['type'])));
  if (results.length === 0) return [{ role, content: blocksToText(content) }];
  const out: ChatMessage[] = results.map((b) => {
    const block = b as JsonObject;
    return {
      role: 'tool',
      content: blocksToText(block['content']),
      toolCallId: str(block['tool_use_id']),
    };
  });
  const rest = content.filter((b) => !(isObject(b) && isToolResult(str(b['type']))));
  const text = blocksToText(rest);
  if (text !== '') out.push({ role, content: text });
  return out;
}

/** Parses an Anthropic Messages (or legacy Text Completions) request body. */
export function parseAnthropicRequest(body: unknown): ParsedRequest {
  if (!isObject(body)) {
    return EMPTY_REQUEST;
  }
  let messages: ChatMessage[];
  if (Array.isArray(body['messages'])) {
    messages = arr(body['messages']).flatMap((m) =>
      isObject(m) ? messagesOf(m) : [{ role: 'unknown', content: '' }],
    );
  } else {
    // Legacy /v1/complete: one "\n\nHuman: … \n\nAssistant:" prompt string.
    const prompt = str(body['prompt']);
    messages = prompt === null ? [] : [{ role: 'user', content: prompt }];
  }
  const system = body['system'];
  const maxTokens = body['max_tokens'] ?? body['max_tokens_to_sample'];
  return {
    model: str(body['model']),
    stream: body['stream'] === true,
    messages,
    system: system === undefined || system === null ? null : blocksToText(system),
    maxTokens: typeof maxTokens === 'number' ? maxTokens : null,
    // Client tools and server tools (`{type: 'web_search_…', name: 'web_search'}`) both have a name.
    toolNames: arr(body['tools'])
      .map((t) => (isObject(t) ? str(t['name']) : null))
      .filter((n): n is string => n !== null),
  };
}

function errorText(error: unknown): string {
  if (!isObject(error)) return 'stream error';
  return str(error['message']) ?? str(error['type']) ?? 'stream error';
}

/** Parses a whole (non-streamed) Anthropic response: a `message`, a legacy `completion` or an `error`. */
export function parseAnthropicResponse(body: unknown): ResponseSummary {
  if (!isObject(body)) return EMPTY_RESPONSE;
  if (body['type'] === 'error') {
    return { ...EMPTY_RESPONSE, streamError: errorText(body['error']), completed: true };
  }
  if (body['type'] === 'completion') {
    return {
      ...EMPTY_RESPONSE,
      text: str(body['completion']) ?? '',
      model: str(body['model']),
      finishReason: str(body['stop_reason']),
      completed: true,
    };
  }
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of arr(body['content'])) {
    if (!isObject(block)) continue;
    const type = str(block['type']);
    if (type === 'text') texts.push(str(block['text']) ?? '');
    else if (isToolUse(type)) {
      toolCalls.push({
        id: str(block['id']),
        name: str(block['name']) ?? '',
        arguments: stringifyInput(block['input']),
      });
    }
  }
  return {
    ...EMPTY_RESPONSE,
    // Text blocks are consecutive pieces of one answer (citations split them): no separator.
    text: texts.join(''),
    model: str(body['model']),
    finishReason: str(body['stop_reason']),
    usage: anthropicUsage(body['usage']),
    toolCalls,
    completed: true,
  };
}

interface ToolEntry {
  readonly id: string | null;
  readonly name: string;
  readonly startInput: unknown;
  readonly json: string[];
}

/**
 * Accumulates Anthropic stream events: `message_start` → `content_block_start` / `_delta` / `_stop`
 * per block → `message_delta` → `message_stop`, with `ping` and `error` anywhere
 * (docs.anthropic.com/en/docs/build-with-claude/streaming). The type is read from the data's `type`
 * field, which always matches the SSE event name.
 */
export class AnthropicStreamAccumulator implements StreamAccumulator {
  readonly #text: string[] = [];
  readonly #tools = new Map<number, ToolEntry>();
  #model: string | null = null;
  #finish: string | null = null;
  #input = 0;
  #output = 0;
  #cacheCreation = 0;
  #cacheRead = 0;
  #hasUsage = false;
  #firstTokenMs: number | null = null;
  #error: string | null = null;
  #done = false;

  onEvent(event: SseEvent, atMs: number): void {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // A malformed event is skipped; the client still got its bytes.
    }
    if (!isObject(data)) return;
    switch (str(data['type']) ?? event.event) {
      case 'message_start': {
        const message = isObject(data['message']) ? data['message'] : {};
        this.#model ??= str(message['model']);
        this.#usage(message['usage']);
        break;
      }
      case 'content_block_start':
        this.#blockStart(data);
        break;
      case 'content_block_delta':
        this.#delta(data, atMs);
        break;
      case 'message_delta': {
        const delta = isObject(data['delta']) ? data['delta'] : {};
        this.#finish = str(delta['stop_reason']) ?? this.#finish;
        this.#usage(data['usage']);
        break;
      }
      case 'message_stop':
        this.#done = true;
        break;
      case 'error':
        this.#error = errorText(data['error']);
        break;
      case 'completion':
        this.#legacyCompletion(data, atMs);
        break;
      default:
        // `ping`, `content_block_stop` and event types added later carry nothing we capture.
        break;
    }
  }

  /** Usage counts are cumulative: a later event's value replaces the earlier one. */
  #usage(usage: unknown): void {
    if (!isObject(usage)) return;
    this.#hasUsage = true;
    const take = (key: string, current: number): number =>
      typeof usage[key] === 'number' ? int(usage[key]) : current;
    this.#input = take('input_tokens', this.#input);
    this.#output = take('output_tokens', this.#output);
    this.#cacheCreation = take('cache_creation_input_tokens', this.#cacheCreation);
    this.#cacheRead = take('cache_read_input_tokens', this.#cacheRead);
  }

  #blockStart(data: JsonObject): void {
    const block = isObject(data['content_block']) ? data['content_block'] : {};
    const type = str(block['type']);
    if (type === 'text') {
      const text = str(block['text']);
      if (text !== null && text !== '') this.#text.push(text);
    } else if (isToolUse(type)) {
      this.#tools.set(int(data['index']), {
        id: str(block['id']),
        name: str(block['name']) ?? '',
        startInput: block['input'],
        json: [],
      });
    }
  }

  #delta(data: JsonObject, atMs: number): void {
    const delta = isObject(data['delta']) ? data['delta'] : {};
    switch (delta['type']) {
      case 'text_delta': {
        const text = str(delta['text']);
        if (text === null || text === '') return;
        this.#firstTokenMs ??= atMs;
        this.#text.push(text);
        return;
      }
      case 'input_json_delta': {
        const json = str(delta['partial_json']);
        const tool = this.#tools.get(int(data['index']));
        if (json === null || json === '' || tool === undefined) return;
        // Like the OpenAI adapter: streamed tool arguments are generated tokens too.
        this.#firstTokenMs ??= atMs;
        tool.json.push(json);
        return;
      }
      default:
        // thinking_delta, signature_delta, citations_delta: not part of the answer text.
        return;
    }
  }

  #legacyCompletion(data: JsonObject, atMs: number): void {
    this.#model ??= str(data['model']);
    const text = str(data['completion']);
    if (text !== null && text !== '') {
      this.#firstTokenMs ??= atMs;
      this.#text.push(text);
    }
    const stop = str(data['stop_reason']);
    if (stop !== null) {
      // The legacy stream has no message_stop: a stop reason is its last event.
      this.#finish = stop;
      this.#done = true;
    }
  }

  finish(): ResponseSummary {
    return {
      text: this.#text.join(''),
      model: this.#model,
      finishReason: this.#finish,
      usage: this.#hasUsage
        ? makeUsage(this.#input, this.#output, this.#cacheCreation, this.#cacheRead)
        : null,
      toolCalls: [...this.#tools.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, t]) => ({
          id: t.id,
          name: t.name,
          arguments: t.json.length > 0 ? t.json.join('') : stringifyInput(t.startInput),
        })),
      firstTokenMs: this.#firstTokenMs,
      streamError: this.#error,
      completed: this.#done,
    };
  }
}

const OPERATIONS: Readonly<Record<string, string>> = Object.freeze({
  '/v1/messages': 'chat_completion',
  '/v1/complete': 'completion',
});

/**
 * The Anthropic wire format. OpenAI-compatible paths on an Anthropic upstream get the OpenAI
 * parser (see {@link withOpenAiCompatibility}).
 */
export const anthropicAdapter: ProviderAdapter = withOpenAiCompatibility({
  provider: 'anthropic',
  operationFor: postOperations(OPERATIONS),
  parseRequest: parseAnthropicRequest,
  parseResponse: parseAnthropicResponse,
  createStreamAccumulator: () => new AnthropicStreamAccumulator(),
});
