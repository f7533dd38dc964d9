import type { Storage } from '@llmtrace/core';

/**
 * The {@link Storage} composite over three parts: frozen, and `close()` closes every part once
 * (idempotent, concurrent calls share the same promise).
 */
export function composeStorage(parts: Omit<Storage, 'close'>): Storage {
  let closing: Promise<void> | undefined;
  return Object.freeze({
    ...parts,
    close(): Promise<void> {
      closing ??= Promise.all([
        parts.traces.close(),
        parts.metadata.close(),
        parts.cache.close(),
      ]).then(() => undefined);
      return closing;
    },
  });
}
