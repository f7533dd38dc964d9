/**
 * Model-id resolution rules. They are deliberately few and explicit: a price is looked up by exact
 * id, then by the id with one dated-snapshot suffix removed, and nothing else. No fuzzy, substring
 * or prefix matching — `gpt-4o-mini-foo` is not `gpt-4o-mini`, and an unknown model has no price
 * (null), never the price of a similar name.
 */

// Routers and SDKs put a vendor namespace in front of the id: OpenRouter (`openai/gpt-4o`), the
// Gemini REST API (`models/gemini-2.0-flash`), Hugging Face repos (`meta-llama/Llama-3.1-8B-Instruct`).
// Exactly one of these is removed; any other prefix stays and the id then matches nothing.
const PROVIDER_PREFIXES: readonly string[] = Object.freeze([
  'openai/',
  'anthropic/',
  'models/',
  'google/',
  'meta-llama/',
  'mistralai/',
  'qwen/',
]);

// A dated snapshot names its base model plus the release date: OpenAI writes `-YYYY-MM-DD`
// (`gpt-4o-2024-08-06`), Anthropic `-YYYYMMDD` (`claude-3-5-sonnet-20241022`). `-latest` is the
// moving alias of Anthropic, Mistral and Gemini ids. The date must be a plausible calendar date in
// 20xx, so `gpt-4o-1234-56-78` is not a snapshot of anything.
const SNAPSHOT_SUFFIX =
  /-(?:20\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|20\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|latest)$/;

/**
 * Canonical form of a model id for price lookup: trimmed, lower-cased, and with one known vendor
 * prefix (`openai/`, `anthropic/`, `models/`, `google/`, `meta-llama/`, `mistralai/`, `qwen/`)
 * removed.
 *
 * @example
 * normaliseModelId('openai/GPT-4o'); // 'gpt-4o'
 */
export function normaliseModelId(model: string): string {
  const id = model.trim().toLowerCase();
  for (const prefix of PROVIDER_PREFIXES) {
    if (id.startsWith(prefix)) return id.slice(prefix.length);
  }
  return id;
}

/**
 * The base id of a dated snapshot or `-latest` alias (one suffix removed), or null when the id has
 * no such suffix. Expects an id already passed through {@link normaliseModelId}.
 *
 * @example
 * stripSnapshotSuffix('claude-3-5-sonnet-20241022'); // 'claude-3-5-sonnet'
 * stripSnapshotSuffix('gpt-4o-mini-foo'); // null
 */
export function stripSnapshotSuffix(id: string): string | null {
  const match = SNAPSHOT_SUFFIX.exec(id);
  if (match === null || match.index === 0) return null;
  return id.slice(0, match.index);
}
