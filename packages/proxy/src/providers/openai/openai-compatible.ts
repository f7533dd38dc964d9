import type { SseEvent } from '../../stream/sse-parser.js';
import { isObject } from '../json-helpers.js';
import type { ProviderAdapter, ResponseSummary, StreamAccumulator } from '../types.js';
import { OpenAiStreamAccumulator, openAiAdapter, parseOpenAiResponse } from './openai-adapter.js';

/** True for an OpenAI chat/completion body or chunk: it has a `choices` array. */
export function isOpenAiShaped(value: unknown): boolean {
  return isObject(value) && Array.isArray(value['choices']);
}

function isOpenAiEvent(event: SseEvent): boolean {
  if (event.data === '[DONE]') return true;
  // Native Anthropic events are named (`event: message_start`); OpenAI chunks and NDJSON lines are not.
  if (event.event !== 'message') return false;
  try {
    return isOpenAiShaped(JSON.parse(event.data));
  } catch {
    return false;
  }
}

/**
 * A stream whose format is decided by its first event: an OpenAI chunk (or `[DONE]`) hands the whole
 * stream to the OpenAI accumulator, anything else to the provider's native one. Only the first
 * event is parsed twice.
 */
class SniffingAccumulator implements StreamAccumulator {
  readonly #createNative: () => StreamAccumulator;
  #target: StreamAccumulator | null = null;

  constructor(createNative: () => StreamAccumulator) {
    this.#createNative = createNative;
  }

  onEvent(event: SseEvent, atMs: number): void {
    this.#target ??= isOpenAiEvent(event) ? new OpenAiStreamAccumulator() : this.#createNative();
    this.#target.onEvent(event, atMs);
  }

  finish(): ResponseSummary {
    return (this.#target ?? this.#createNative()).finish();
  }
}

/**
 * Anthropic and Ollama also serve OpenAI-compatible endpoints (`/v1/chat/completions`), which reach
 * their adapter when a proxy's default upstream is api.anthropic.com or an Ollama server
 * (docs.anthropic.com/en/api/openai-sdk, github.com/ollama/ollama/blob/main/docs/openai.md). This
 * wraps a native adapter so that those paths get OpenAI operations, and OpenAI-shaped responses
 * and streams get the OpenAI parser. Requests keep the native parser: both formats share `model`
 * and `messages` with string content, which is what capture needs.
 */
export function withOpenAiCompatibility(native: ProviderAdapter): ProviderAdapter {
  return Object.freeze({
    ...native,
    operationFor(method: string, path: string): string | null {
      return native.operationFor(method, path) ?? openAiAdapter.operationFor(method, path);
    },
    parseResponse(body: unknown): ResponseSummary {
      return isOpenAiShaped(body) ? parseOpenAiResponse(body) : native.parseResponse(body);
    },
    createStreamAccumulator: () => new SniffingAccumulator(() => native.createStreamAccumulator()),
  });
}
