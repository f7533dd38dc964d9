import type { ServerResponse } from 'node:http';

/*
 * Wire-format fixtures for the providers LLMTrace parses, shaped after their documentation:
 * - Anthropic Messages: docs.anthropic.com/en/api/messages, …/build-with-claude/streaming
 * - Ollama: github.com/ollama/ollama/blob/main/docs/api.md (NDJSON streams)
 * - Azure OpenAI: learn.microsoft.com/azure/ai-services/openai/reference (OpenAI format, plus
 *   content-filter annotations and a first stream chunk with `model: ""`)
 * - OpenAI Responses API: platform.openai.com/docs/api-reference/responses
 */

// ---------------------------------------------------------------------------------------------
// Anthropic

export const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929';

export interface AnthropicUsageFixture {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens?: number;
  readonly cache_read_input_tokens?: number;
}

/** A Messages request with a block-array system prompt, an image, a tool round-trip and tools. */
export function anthropicRequest(options: { stream?: boolean } = {}): string {
  return JSON.stringify({
    model: ANTHROPIC_MODEL,
    max_tokens: 1024,
    ...(options.stream === true ? { stream: true } : {}),
    system: [
      {
        type: 'text',
        text: 'You are a weather assistant.',
        cache_control: { type: 'ephemeral' },
      },
    ],
    tools: [
      {
        name: 'get_weather',
        description: 'Get the current weather in a given location',
        input_schema: {
          type: 'object',
          properties: { location: { type: 'string' } },
          required: ['location'],
        },
      },
    ],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
          { type: 'text', text: 'What is the weather in Paris?' },
        ],
      },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: 'toolu_01A',
            name: 'get_weather',
            input: { location: 'Paris' },
          },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: '18°C, sunny' }],
      },
    ],
  });
}

/** A whole Messages response: text, then optionally a tool_use block. */
export function anthropicMessage(
  options: {
    text?: string;
    toolUse?: { id: string; name: string; input: unknown };
    usage?: AnthropicUsageFixture;
    stopReason?: string;
  } = {},
): Record<string, unknown> {
  const content: unknown[] = [{ type: 'text', text: options.text ?? 'It is 18°C and sunny.' }];
  if (options.toolUse !== undefined) content.push({ type: 'tool_use', ...options.toolUse });
  return {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model: ANTHROPIC_MODEL,
    content,
    stop_reason: options.stopReason ?? (options.toolUse === undefined ? 'end_turn' : 'tool_use'),
    stop_sequence: null,
    usage: options.usage ?? {
      input_tokens: 2095,
      output_tokens: 503,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

/** Anthropic's error body, as sent with 4xx/5xx statuses (529 = overloaded). */
export function anthropicError(type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' };
}

function anthropicEvent(data: Record<string, unknown>): string {
  return `event: ${String(data['type'])}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The SSE frames of a streamed Messages response: message_start (input and cache usage), a ping,
 * one text block streamed in `pieces`, an optional tool_use block whose input arrives as
 * `input_json_delta` fragments, message_delta (stop reason, cumulative output tokens), message_stop.
 * `errorAfter` replaces everything after that many text pieces with an `error` event.
 */
export function anthropicStreamFrames(
  pieces: readonly string[],
  options: {
    usage?: AnthropicUsageFixture;
    toolUse?: { id: string; name: string; jsonPieces: readonly string[] };
    errorAfter?: number;
  } = {},
): string[] {
  const usage = options.usage ?? { input_tokens: 25, output_tokens: 15 };
  const frames = [
    anthropicEvent({
      type: 'message_start',
      message: {
        id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
        type: 'message',
        role: 'assistant',
        content: [],
        model: ANTHROPIC_MODEL,
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
          cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
          output_tokens: 1,
        },
      },
    }),
    anthropicEvent({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    anthropicEvent({ type: 'ping' }),
  ];
  for (const [i, text] of pieces.entries()) {
    if (options.errorAfter === i) {
      frames.push(
        anthropicEvent({
          type: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded' },
        }),
      );
      return frames;
    }
    frames.push(
      anthropicEvent({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      }),
    );
  }
  frames.push(anthropicEvent({ type: 'content_block_stop', index: 0 }));
  if (options.toolUse !== undefined) {
    const { id, name, jsonPieces } = options.toolUse;
    frames.push(
      anthropicEvent({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id, name, input: {} },
      }),
      ...jsonPieces.map((partial_json) =>
        anthropicEvent({
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json },
        }),
      ),
      anthropicEvent({ type: 'content_block_stop', index: 1 }),
    );
  }
  frames.push(
    anthropicEvent({
      type: 'message_delta',
      delta: {
        stop_reason: options.toolUse === undefined ? 'end_turn' : 'tool_use',
        stop_sequence: null,
      },
      usage: { output_tokens: usage.output_tokens },
    }),
    anthropicEvent({ type: 'message_stop' }),
  );
  return frames;
}

// ---------------------------------------------------------------------------------------------
// Ollama

export const OLLAMA_MODEL = 'llama3.2';
const CREATED_AT = '2026-11-25T14:13:43.416799Z';

/** The final counters Ollama adds to the last object (`done: true`). */
function ollamaDone(promptTokens: number, completionTokens: number): Record<string, unknown> {
  return {
    done: true,
    done_reason: 'stop',
    total_duration: 5_191_566_416,
    load_duration: 2_154_458,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: 383_809_000,
    eval_count: completionTokens,
    eval_duration: 4_799_921_000,
  };
}

/** A `/api/chat` request; `stream` is left out unless given, and Ollama then streams. */
export function ollamaChatRequest(options: { stream?: boolean } = {}): string {
  return JSON.stringify({
    model: OLLAMA_MODEL,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Why is the sky blue?' },
    ],
    options: { temperature: 0.2, num_predict: 128 },
    ...(options.stream === undefined ? {} : { stream: options.stream }),
  });
}

/** A whole `/api/chat` response (`"stream": false`). */
export function ollamaChatResponse(
  text: string,
  options: { toolCalls?: readonly { name: string; arguments: unknown }[] } = {},
): Record<string, unknown> {
  return {
    model: OLLAMA_MODEL,
    created_at: CREATED_AT,
    message: {
      role: 'assistant',
      content: text,
      ...(options.toolCalls === undefined
        ? {}
        : { tool_calls: options.toolCalls.map((f) => ({ function: f })) }),
    },
    ...ollamaDone(26, 298),
  };
}

/** The NDJSON lines of a streamed `/api/chat` response. */
export function ollamaChatStreamLines(pieces: readonly string[]): string[] {
  return [
    ...pieces.map(
      (content) =>
        `${JSON.stringify({ model: OLLAMA_MODEL, created_at: CREATED_AT, message: { role: 'assistant', content }, done: false })}\n`,
    ),
    `${JSON.stringify({ model: OLLAMA_MODEL, created_at: CREATED_AT, message: { role: 'assistant', content: '' }, ...ollamaDone(26, pieces.length) })}\n`,
  ];
}

/** The NDJSON lines of a streamed `/api/generate` response. */
export function ollamaGenerateStreamLines(pieces: readonly string[]): string[] {
  return [
    ...pieces.map(
      (response) =>
        `${JSON.stringify({ model: OLLAMA_MODEL, created_at: CREATED_AT, response, done: false })}\n`,
    ),
    `${JSON.stringify({ model: OLLAMA_MODEL, created_at: CREATED_AT, response: '', context: [1, 2, 3], ...ollamaDone(12, pieces.length) })}\n`,
  ];
}

/** Sends NDJSON lines `gapMs` apart, with Ollama's content type. */
export function sendNdjson(res: ServerResponse, lines: readonly string[], gapMs: number): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (i >= lines.length) {
      res.end();
      return;
    }
    res.write(lines[i++]);
    setTimeout(next, gapMs);
  };
  next();
}

// ---------------------------------------------------------------------------------------------
// Azure OpenAI

export const AZURE_DEPLOYMENT = 'gpt4o-prod';
export const AZURE_API_VERSION = '2024-10-21';

const CONTENT_FILTER_OK = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

/** A whole Azure chat completion; `model` may be left out to test the deployment fallback. */
export function azureChatCompletion(
  options: { model?: string | null } = {},
): Record<string, unknown> {
  return {
    id: 'chatcmpl-AZ1',
    object: 'chat.completion',
    created: 1_764_000_000,
    ...(options.model === null ? {} : { model: options.model ?? 'gpt-4o-2024-08-06' }),
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_OK }],
    choices: [
      {
        index: 0,
        finish_reason: 'stop',
        message: { role: 'assistant', content: 'Bonjour !' },
        content_filter_results: CONTENT_FILTER_OK,
      },
    ],
    usage: { prompt_tokens: 14, completion_tokens: 4, total_tokens: 18 },
  };
}

/**
 * Azure's streamed chat completion: a first chunk with `model: ""`, no choices and the prompt
 * filter results, then OpenAI-style chunks, then `[DONE]`.
 */
export function azureStreamFrames(pieces: readonly string[]): string[] {
  const base = { id: 'chatcmpl-AZ2', object: 'chat.completion.chunk', created: 1_764_000_000 };
  const frame = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
  return [
    frame({
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_OK }],
    }),
    ...pieces.map((content) =>
      frame({
        ...base,
        model: 'gpt-4o-2024-08-06',
        choices: [
          {
            index: 0,
            delta: { content },
            finish_reason: null,
            content_filter_results: CONTENT_FILTER_OK,
          },
        ],
      }),
    ),
    frame({
      ...base,
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop', content_filter_results: {} }],
    }),
    'data: [DONE]\n\n',
  ];
}

// ---------------------------------------------------------------------------------------------
// OpenAI Responses API

/** A whole `/v1/responses` answer. */
export const OPENAI_RESPONSE = {
  id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
  object: 'response',
  created_at: 1_741_476_542,
  status: 'completed',
  model: 'gpt-4.1-2025-04-14',
  output: [
    {
      type: 'message',
      id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'In a peaceful grove…', annotations: [] }],
    },
  ],
  usage: {
    input_tokens: 36,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 87,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 123,
  },
};
