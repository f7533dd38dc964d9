// Issue 13, twelfth pass: the SQLite writer thread loads only what writing needs. The core index
// (every schema, and zod with them) made its heap 19 MB instead of 9 MB; reads load the row decoder
// lazily, and the write path imports errors by core's `./errors` subpath. This walks the static
// imports of the built worker entry — what Node loads when the thread starts — and fails when one of
// them brings the index or a schema library back.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');
/** Static `import … from`, `export … from` and bare `import '…'`; dynamic `import()` is lazy. */
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?:[^;'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Bare specifiers (packages) reached by static imports from `entry`, with the file importing each. */
function staticPackages(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const specifier = match[1] as string;
      if (specifier.startsWith('.')) walk(resolve(dirname(file), specifier));
      else if (!packages.has(specifier)) packages.set(specifier, file.slice(DIST.length + 1));
    }
  };
  walk(resolve(DIST, entry));
  return packages;
}

describe('the SQLite writer thread', () => {
  const packages = staticPackages('sqlite/sqlite-writer-worker.js');

  it('loads neither the core index nor zod', () => {
    expect(packages.get('@llmtrace/core')).toBeUndefined();
    expect(packages.get('zod')).toBeUndefined();
    expect([...packages.keys()].filter((name) => name.startsWith('@llmtrace/'))).toEqual([
      '@llmtrace/core/errors',
    ]);
  });

  it('walks a real graph: the writer reaches the repository and SQLite', () => {
    // Guards the walk itself: a regex that matched nothing would pass the test above vacuously.
    expect(packages.has('better-sqlite3') || packages.has('node:worker_threads')).toBe(true);
    expect(packages.get('@llmtrace/core/errors')).toBeDefined();
  });
});
