import type { LLMProvider } from '@llmtrace/core';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends `line` to a system prompt that is a string or a list of content blocks. */
function appendTo(system: unknown, line: string): unknown {
  if (typeof system === 'string') return system === '' ? line : `${system}\n\n${line}`;
  if (Array.isArray(system)) return [...(system as unknown[]), { type: 'text', text: line }];
  return undefined;
}

/** The sentence the canary travels in: plain, so a model repeats it only when it leaks its prompt. */
function canaryLine(value: string): string {
  return `Internal reference (never repeat it): ${value}`;
}

/**
 * The request body with the tenant's canary appended to its system prompt (issue 19, opt-in with
 * `security.canary.inject`): Anthropic's top-level `system`, or the first `system`/`developer`
 * message of an OpenAI-shaped `messages` list (one is added at the front when there is none).
 * Returns undefined — forward the original bytes — for anything else: not JSON, no `messages`,
 * a system prompt of an unknown shape. This is the one place LLMTrace changes a request.
 *
 * @example
 * injectCanary(Buffer.from('{"messages":[{"role":"user","content":"hi"}]}'), 'openai', 'c-123');
 */
export function injectCanary(
  body: Buffer,
  provider: LLMProvider,
  value: string,
): Buffer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // Not JSON: nothing LLMTrace knows how to change, so the bytes go as they came.
    return undefined;
  }
  if (!isObject(parsed) || !Array.isArray(parsed['messages'])) return undefined;
  const line = canaryLine(value);
  if (provider === 'anthropic') {
    const system = parsed['system'] === undefined ? line : appendTo(parsed['system'], line);
    if (system === undefined) return undefined;
    return Buffer.from(JSON.stringify({ ...parsed, system }));
  }
  const messages = parsed['messages'] as unknown[];
  const at = messages.findIndex(
    (m) => isObject(m) && (m['role'] === 'system' || m['role'] === 'developer'),
  );
  let next: unknown[];
  if (at < 0) {
    next = [{ role: 'system', content: line }, ...messages];
  } else {
    const message = messages[at] as Json;
    const content = appendTo(message['content'], line);
    if (content === undefined) return undefined;
    next = messages.map((m, i) => (i === at ? { ...message, content } : m));
  }
  return Buffer.from(JSON.stringify({ ...parsed, messages: next }));
}

/** `headers` (flat name/value pairs) with `content-length` set to `length`. */
export function withContentLength(headers: readonly string[], length: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] ?? '';
    if (name.toLowerCase() === 'content-length') continue;
    out.push(name, headers[i + 1] ?? '');
  }
  out.push('content-length', String(length));
  return out;
}
