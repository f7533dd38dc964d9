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
 * Ollama's native API (github.com/ollama/ollama/blob/main/docs/api.md): `POST /api/chat` is traced
 * as `chat_completion`, `POST /api/generate` as `completion`. Both stream by default — `stream`
 * absent means true — as NDJSON (`application/x-ndjson`), one JSON object per line, the last one
 * with `done: true` and the token counts.
 */

/** Tool-call arguments are a JSON object in Ollama (a JSON string in OpenAI): keep them as JSON text. */
function argumentsText(args: unknown): string {
  if (typeof args === 'string') return args;
  return args === undefined ? '{}' : JSON.stringify(args);
}

function toolCallsOf(message: JsonObject): ToolCall[] {
  return arr(message['tool_calls']).flatMap((c) => {
    if (!isObject(c) || !isObject(c['function'])) return [];
    return [
      {
        id: str(c['id']),
        name: str(c['function']['name']) ?? '',
        arguments: argumentsText(c['function']['arguments']),
      },
    ];
  });
}

function messageText(m: JsonObject): string {
  const parts = [contentToText(m['content'])];
  // Images are base64 strings next to the content.
  for (const image of arr(m['images'])) if (typeof image === 'string') parts.push('[image]');
  for (const call of toolCallsOf(m)) parts.push(`${call.name}(${call.arguments})`);
  return parts.filter((p) => p !== '').join('\n');
}

/** Parses an Ollama `/api/chat` or `/api/generate` request body. */
export function parseOllamaRequest(body: unknown): ParsedRequest {
  if (!isObject(body)) {
    return { ...EMPTY_REQUEST, stream: true };
  }
  let messages: ChatMessage[];
  if (Array.isArray(body['messages'])) {
    messages = arr(body['messages']).map((m): ChatMessage => {
      if (!isObject(m)) return { role: 'unknown', content: '' };
      const role = str(m['role']) ?? 'unknown';
      const calls = toolCallsOf(m);
      if (calls.length > 0) return { role, content: messageText(m), toolCalls: calls };
      // Ollama's tool messages name the tool (`tool_name`; older clients sent `name`), no call id.
      if (role === 'tool') {
        return { role, content: messageText(m), toolName: str(m['tool_name']) ?? str(m['name']) };
      }
      return { role, content: messageText(m) };
    });
  } else {
    const prompt = messageText({ content: body['prompt'], images: body['images'] });
    messages = prompt === '' ? [] : [{ role: 'user', content: prompt }];
  }
  const options = isObject(body['options']) ? body['options'] : {};
  const numPredict = options['num_predict'];
  return {
    model: str(body['model']),
    stream: body['stream'] !== false,
    messages,
    system: str(body['system']),
    // num_predict -1 (or -2) means "no limit".
    maxTokens: typeof numPredict === 'number' && numPredict >= 0 ? numPredict : null,
    toolNames: arr(body['tools'])
      .map((t) => (isObject(t) && isObject(t['function']) ? str(t['function']['name']) : null))
      .filter((n): n is string => n !== null),
  };
}

/**
 * Ollama counts → our shape: `prompt_eval_count` is the prompt, `eval_count` the answer. Ollama
 * leaves `prompt_eval_count` out when the whole prompt came from its cache, so either may be absent.
 */
export function ollamaUsage(body: JsonObject): Usage | null {
  const prompt = body['prompt_eval_count'];
  const completion = body['eval_count'];
  if (typeof prompt !== 'number' && typeof completion !== 'number') return null;
  const promptTokens = int(prompt);
  const completionTokens = int(completion);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

/** The error of an Ollama body: `{"error": "…"}` (a string), or an OpenAI-style object. */
function errorOf(body: JsonObject): string | null {
  const error = body['error'];
  if (typeof error === 'string') return error;
  if (isObject(error)) return str(error['message']) ?? 'stream error';
  return null;
}

/** The text piece of a chat (`message.content`) or generate (`response`) object. */
function pieceOf(body: JsonObject): string | null {
  if (isObject(body['message'])) return str(body['message']['content']);
  return str(body['response']);
}

/** Parses a whole (non-streamed) Ollama response. */
export function parseOllamaResponse(body: unknown): ResponseSummary {
  if (!isObject(body)) return EMPTY_RESPONSE;
  return {
    ...EMPTY_RESPONSE,
    text: pieceOf(body) ?? '',
    model: str(body['model']),
    finishReason: str(body['done_reason']),
    usage: ollamaUsage(body),
    toolCalls: isObject(body['message']) ? toolCallsOf(body['message']) : [],
    streamError: errorOf(body),
    completed: body['done'] !== false,
  };
}

/** Accumulates the NDJSON lines of a streamed `/api/chat` or `/api/generate` response. */
export class OllamaStreamAccumulator implements StreamAccumulator {
  readonly #text: string[] = [];
  readonly #toolCalls: ToolCall[] = [];
  #model: string | null = null;
  #finish: string | null = null;
  #usage: Usage | null = null;
  #firstTokenMs: number | null = null;
  #error: string | null = null;
  #done = false;

  onEvent(event: SseEvent, atMs: number): void {
    let line: unknown;
    try {
      line = JSON.parse(event.data);
    } catch {
      return; // A malformed line is skipped; the client still got its bytes.
    }
    if (!isObject(line)) return;
    this.#error = errorOf(line) ?? this.#error;
    this.#model ??= str(line['model']);
    const piece = pieceOf(line);
    if (piece !== null && piece !== '') {
      this.#firstTokenMs ??= atMs;
      this.#text.push(piece);
    }
    if (isObject(line['message'])) {
      // Ollama sends each tool call whole, in one line.
      const calls = toolCallsOf(line['message']);
      if (calls.length > 0) {
        this.#firstTokenMs ??= atMs;
        this.#toolCalls.push(...calls);
      }
    }
    if (line['done'] === true) {
      this.#done = true;
      this.#finish = str(line['done_reason']);
      this.#usage = ollamaUsage(line);
    }
  }

  finish(): ResponseSummary {
    return {
      text: this.#text.join(''),
      model: this.#model,
      finishReason: this.#finish,
      usage: this.#usage,
      toolCalls: this.#toolCalls,
      firstTokenMs: this.#firstTokenMs,
      streamError: this.#error,
      completed: this.#done,
    };
  }
}

const OPERATIONS: Readonly<Record<string, string>> = Object.freeze({
  '/api/chat': 'chat_completion',
  '/api/generate': 'completion',
});

/**
 * The Ollama wire format. Ollama's OpenAI-compatible paths (`/v1/chat/completions`) get the OpenAI
 * parser (see {@link withOpenAiCompatibility}).
 */
export const ollamaAdapter: ProviderAdapter = withOpenAiCompatibility({
  provider: 'ollama',
  operationFor: postOperations(OPERATIONS),
  parseRequest: parseOllamaRequest,
  parseResponse: parseOllamaResponse,
  createStreamAccumulator: () => new OllamaStreamAccumulator(),
});
