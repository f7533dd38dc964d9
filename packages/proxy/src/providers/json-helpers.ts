/** Narrowing helpers for provider JSON, which is untrusted and may have any shape. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}

export function arr(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Flattens message content to text: a string as is, null as empty, an array of parts joined by
 * newlines (text parts by their text, other parts as `[type]`).
 */
export function contentToText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (isObject(part)) {
      const text = str(part['text']);
      if (text !== null) parts.push(text);
      else if (typeof part['type'] === 'string') parts.push(`[${part['type']}]`);
    }
  }
  return parts.join('\n');
}

/**
 * `operationFor` of an adapter whose traced operations are POSTs to fixed paths: the path's
 * operation name, or null (traced generically).
 */
export function postOperations(
  table: Readonly<Record<string, string>>,
): (method: string, path: string) => string | null {
  const operations = Object.freeze({ ...table });
  return (method, path) => (method === 'POST' ? (operations[path] ?? null) : null);
}
