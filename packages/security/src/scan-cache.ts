/** Bounds of a {@link ScanCache}. */
export interface ScanCacheOptions {
  /** Texts remembered at most (default 2 048). */
  readonly maxEntries?: number;
  /** Characters of remembered text at most, all entries together (default 4 Mi). */
  readonly maxChars?: number;
  /** Longer texts are never remembered (default 64 Ki characters). */
  readonly maxEntryChars?: number;
}

/**
 * A bounded least-recently-used map from (partition, text) to what the detectors found in that
 * text. Applications send the same system prompt, tool definitions and instructions with every
 * call; remembering their scan makes a repeated text cost a map lookup instead of a full analysis.
 * The partition (the proxy passes the tenant) keeps one tenant's texts from ever answering, or
 * timing, another's.
 *
 * @example
 * const cache = new ScanCache<Scan>({ maxEntries: 1024 });
 * const scan = cache.get('tenant-a', text) ?? cache.set('tenant-a', text, {});
 */
export class ScanCache<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly chars: number }>();
  readonly #maxEntries: number;
  readonly #maxChars: number;
  readonly #maxEntryChars: number;
  #chars = 0;

  constructor(options: ScanCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 2048;
    this.#maxChars = options.maxChars ?? 4 * 1024 * 1024;
    this.#maxEntryChars = options.maxEntryChars ?? 64 * 1024;
  }

  /** Texts remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /** What was remembered for `text` in `partition`, marking it recently used. */
  get(partition: string, text: string): V | undefined {
    if (text.length > this.#maxEntryChars) return undefined;
    const key = `${partition}\u0000${text}`;
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Remembers `value` for `text` (unless the text is too long to keep) and returns it. */
  set(partition: string, text: string, value: V): V {
    if (text.length > this.#maxEntryChars) return value;
    const key = `${partition}\u0000${text}`;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#chars -= old.chars;
    }
    this.#entries.set(key, { value, chars: key.length });
    this.#chars += key.length;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#chars <= this.#maxChars) break;
      this.#entries.delete(oldest);
      this.#chars -= entry.chars;
    }
    return value;
  }
}
