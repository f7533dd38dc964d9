import { NdjsonParser } from './ndjson-parser.js';
import { SseParser } from './sse-parser.js';

/** Keys whose string values carry generated text in the providers' stream events. */
const TEXT_KEYS = new Set(['content', 'text', 'arguments', 'partial_json', 'thinking']);
/** How deep an event's JSON is walked (OpenAI tool-call deltas sit at depth 5). */
const MAX_DEPTH = 8;

function collect(value: unknown, key: string, depth: number, out: string[]): void {
  if (typeof value === 'string') {
    if (TEXT_KEYS.has(key)) out.push(value);
    return;
  }
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, key, depth + 1, out);
    return;
  }
  for (const [k, v] of Object.entries(value)) collect(v, k, depth + 1, out);
}

/**
 * Pulls the generated text out of an SSE stream as it passes (answer deltas and tool-call argument
 * deltas of OpenAI-shaped and Anthropic SSE streams, and Ollama's NDJSON), provider-agnostic: every string under a text key
 * of each event's JSON. Used only where something must watch the text while it streams (canary
 * cut-off, issue 19); it costs a JSON parse per event, so it is created only when needed.
 *
 * @example
 * const tap = new StreamTextTap();
 * tap.push(Buffer.from('data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n')); // 'Hi'
 */
export class StreamTextTap {
  readonly #parser: SseParser | NdjsonParser;

  /** `ndjson`: Ollama's one-JSON-object-per-line streams; else SSE. */
  constructor(format: 'sse' | 'ndjson' = 'sse') {
    this.#parser = format === 'ndjson' ? new NdjsonParser() : new SseParser();
  }

  /** The text the events completed by `chunk` carry, joined (empty when none). */
  push(chunk: Uint8Array): string {
    const out: string[] = [];
    for (const event of this.#parser.push(chunk)) {
      if (event.data === '' || event.data === '[DONE]') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        // Not JSON (a keep-alive or a provider's plain-text event): no generated text in it.
        continue;
      }
      collect(parsed, '', 0, out);
    }
    return out.join('');
  }
}
