import { arr, contentToText, int, isObject, str, type JsonObject } from '../json-helpers.js';
import {
  EMPTY_RESPONSE,
  type ChatMessage,
  type ResponseSummary,
  type ToolCall,
  type Usage,
} from '../types.js';

/*
 * OpenAI Responses API (`POST /v1/responses`, platform.openai.com/docs/api-reference/responses):
 * `input` is a string or a list of items, `instructions` the system prompt, the answer a list of
 * `output` items, and a stream a series of named events (`response.output_text.delta`, …,
 * `response.completed` carrying the whole response with its usage).
 */

/**
 * Responses usage → our shape. Like chat usage, `input_tokens` includes
 * `input_tokens_details.cached_tokens` and `output_tokens` includes `reasoning_tokens`.
 */
export function responsesUsage(usage: unknown): Usage | null {
  if (!isObject(usage)) return null;
  const promptTokens = int(usage['input_tokens']);
  const completionTokens = int(usage['output_tokens']);
  const inDetails = isObject(usage['input_tokens_details']) ? usage['input_tokens_details'] : {};
  const outDetails = isObject(usage['output_tokens_details']) ? usage['output_tokens_details'] : {};
  const cached = int(inDetails['cached_tokens']);
  const reasoning = int(outDetails['reasoning_tokens']);
  return {
    promptTokens,
    completionTokens,
    totalTokens: int(usage['total_tokens']) || promptTokens + completionTokens,
    ...(cached > 0 ? { cachedPromptTokens: cached } : {}),
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
  };
}

/** Input items → messages: role messages by their content, tool calls and their outputs as text. */
export function responsesInputMessages(input: readonly unknown[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const item of input) {
    if (typeof item === 'string') messages.push({ role: 'user', content: item });
    if (!isObject(item)) continue;
    const type = str(item['type']);
    if (type === 'function_call') {
      const call = toolCallOf(item);
      const content = `${str(item['name']) ?? 'tool'}(${str(item['arguments']) ?? ''})`;
      messages.push({
        role: 'assistant',
        content,
        ...(call === null ? {} : { toolCalls: [call] }),
      });
    } else if (type === 'function_call_output') {
      messages.push({
        role: 'tool',
        content: str(item['output']) ?? contentToText(item['output']),
        toolCallId: str(item['call_id']),
      });
    } else if (type === null || type === 'message') {
      messages.push({ role: str(item['role']) ?? 'user', content: contentToText(item['content']) });
    }
    // reasoning items and built-in tool results replay earlier output: not part of the prompt.
  }
  return messages;
}

/** The tool calls among output items: function, custom and MCP tool calls. */
function toolCallOf(item: JsonObject): ToolCall | null {
  switch (item['type']) {
    case 'function_call':
    case 'mcp_call':
      return {
        id: str(item['call_id']) ?? str(item['id']),
        name: str(item['name']) ?? '',
        arguments: str(item['arguments']) ?? '',
      };
    case 'custom_tool_call':
      return {
        id: str(item['call_id']) ?? str(item['id']),
        name: str(item['name']) ?? '',
        arguments: str(item['input']) ?? '',
      };
    default:
      return null;
  }
}

/** True for a Responses API response object. */
export function isResponsesObject(body: JsonObject): boolean {
  return body['object'] === 'response';
}

/** Parses a whole Responses API response. */
export function parseResponsesResponse(body: JsonObject): ResponseSummary {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const item of arr(body['output'])) {
    if (!isObject(item)) continue;
    if (item['type'] === 'message') {
      for (const part of arr(item['content'])) {
        if (isObject(part) && part['type'] === 'output_text') texts.push(str(part['text']) ?? '');
      }
    }
    const call = toolCallOf(item);
    if (call !== null) toolCalls.push(call);
  }
  const status = str(body['status']);
  const incomplete = isObject(body['incomplete_details']) ? body['incomplete_details'] : {};
  const model = str(body['model']);
  return {
    ...EMPTY_RESPONSE,
    text: texts.join(''),
    model: model === '' ? null : model,
    finishReason: status === 'incomplete' ? (str(incomplete['reason']) ?? status) : status,
    usage: responsesUsage(body['usage']),
    toolCalls,
    streamError: isObject(body['error']) ? (str(body['error']['message']) ?? 'error') : null,
    completed: true,
  };
}

/** Accumulates the (already parsed) events of a Responses API stream. */
export class ResponsesStreamAccumulator {
  readonly #text: string[] = [];
  readonly #toolCalls: ToolCall[] = [];
  #model: string | null = null;
  #final: ResponseSummary | null = null;
  #firstTokenMs: number | null = null;
  #error: string | null = null;

  onParsed(event: JsonObject, atMs: number): void {
    switch (event['type']) {
      case 'response.created':
      case 'response.in_progress':
        if (isObject(event['response'])) this.#model ??= str(event['response']['model']);
        break;
      case 'response.output_text.delta': {
        const delta = str(event['delta']);
        if (delta === null || delta === '') break;
        this.#firstTokenMs ??= atMs;
        this.#text.push(delta);
        break;
      }
      case 'response.function_call_arguments.delta':
        this.#firstTokenMs ??= atMs;
        break;
      case 'response.output_item.done': {
        const call = isObject(event['item']) ? toolCallOf(event['item']) : null;
        if (call !== null) this.#toolCalls.push(call);
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        // The terminal event carries the whole response: its usage, status and output.
        if (isObject(event['response'])) this.#final = parseResponsesResponse(event['response']);
        break;
      case 'error':
        this.#error = str(event['message']) ?? str(event['code']) ?? 'stream error';
        break;
      default:
        break;
    }
  }

  finish(): ResponseSummary {
    const final = this.#final;
    return {
      text: this.#text.length > 0 ? this.#text.join('') : (final?.text ?? ''),
      model: final?.model ?? this.#model,
      finishReason: final?.finishReason ?? null,
      usage: final?.usage ?? null,
      toolCalls: final !== null && final.toolCalls.length > 0 ? final.toolCalls : this.#toolCalls,
      firstTokenMs: this.#firstTokenMs,
      streamError: this.#error ?? final?.streamError ?? null,
      completed: final !== null,
    };
  }
}
