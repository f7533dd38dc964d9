import type { LLMProvider } from '@llmtrace/core';
import type { SseEvent } from '../stream/sse-parser.js';

/** One message of a request, flattened to text (image parts become `[image]`). */
export interface ChatMessage {
  readonly role: string;
  readonly content: string;
  /**
   * A tool result (role `tool`): the id of the call it answers (`tool_call_id`, Anthropic
   * `tool_use_id`, Responses `call_id`), when the provider has ids.
   */
  readonly toolCallId?: string | null;
  /** A tool result: the tool's name when the message itself names it (legacy `function`, Ollama). */
  readonly toolName?: string | null;
  /** An assistant turn: the tool calls it asked for, so later results can be matched to them. */
  readonly toolCalls?: readonly ToolCall[];
}

/** What capture needs to know about a request body. */
export interface ParsedRequest {
  readonly model: string | null;
  readonly stream: boolean;
  readonly messages: readonly ChatMessage[];
  /** A top-level system prompt (Anthropic `system`), when the provider has one. */
  readonly system: string | null;
  /** The requested completion limit (`max_tokens` / `max_completion_tokens`). */
  readonly maxTokens: number | null;
  readonly toolNames: readonly string[];
}

/** Token usage as reported by a provider, in one shape for every provider. */
export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** OpenAI: part of promptTokens served from cache. */
  readonly cachedPromptTokens?: number;
  /** Anthropic: tokens written to / read from the prompt cache (not part of promptTokens). */
  readonly cacheCreationTokens?: number;
  readonly cacheReadTokens?: number;
  /** OpenAI o-series: part of completionTokens spent reasoning. */
  readonly reasoningTokens?: number;
}

/** A tool call requested by the model, with its arguments reassembled from stream deltas. */
export interface ToolCall {
  readonly id: string | null;
  readonly name: string;
  readonly arguments: string;
}

/** What capture extracted from a response (whole or streamed). */
export interface ResponseSummary {
  readonly text: string;
  readonly model: string | null;
  readonly finishReason: string | null;
  readonly usage: Usage | null;
  readonly toolCalls: readonly ToolCall[];
  /** Milliseconds from request start to the first content token (streams only). */
  readonly firstTokenMs: number | null;
  /** An error the provider reported inside a 200 stream (e.g. an `error` event). */
  readonly streamError: string | null;
  /** True when the stream ended with the provider's end marker (`[DONE]`, `message_stop`). */
  readonly completed: boolean;
}

/** Accumulates the events of one streamed response. */
export interface StreamAccumulator {
  /** Feeds one SSE event that arrived `atMs` after the request started. */
  onEvent(event: SseEvent, atMs: number): void;
  finish(): ResponseSummary;
}

/**
 * A provider as data plus small functions (STYLE rule 19). Everything here runs in the capture
 * worker, off the request path.
 */
export interface ProviderAdapter {
  readonly provider: LLMProvider;
  /** The operation name for a path, or null when the path is not one this adapter traces in detail. */
  operationFor(method: string, path: string): string | null;
  parseRequest(body: unknown): ParsedRequest;
  parseResponse(body: unknown): ResponseSummary;
  /**
   * A fresh accumulator for one streamed response. SSE events arrive as they are; an NDJSON stream
   * (Ollama) arrives one line per event, as a data-only event (see `NdjsonParser`).
   */
  createStreamAccumulator(): StreamAccumulator;
  /**
   * The model named by the request path, used when neither the request nor the response body names
   * one (Azure OpenAI: `/openai/deployments/{deployment}/…`). Optional: most providers put the model
   * in the body.
   */
  modelForPath?(path: string): string | null;
}

/** An empty summary, the starting point of every parser. */
export const EMPTY_RESPONSE: ResponseSummary = Object.freeze({
  text: '',
  model: null,
  finishReason: null,
  usage: null,
  toolCalls: [],
  firstTokenMs: null,
  streamError: null,
  completed: false,
});

/** A request with nothing parsed from it (not JSON, or not the shape the adapter expects). */
export const EMPTY_REQUEST: ParsedRequest = Object.freeze({
  model: null,
  stream: false,
  messages: [],
  system: null,
  maxTokens: null,
  toolNames: [],
});
