import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listConfigKeys } from '../src/index.js';

// Issue 11, item 4: a documented key that no code reads (`log_findings_at` was one) promises
// something the proxy does not do. This walks the config schema and looks for each value's name being
// read in the source of every package. It is a text search, so it errs towards "read": a name that
// appears in a file that also names its section counts. Its purpose is to catch a key that appears
// nowhere at all.

const REPO = resolve(import.meta.dirname, '../../..');

/** Source that defines or loads the config, where every key is named without being used. */
const DEFINITIONS = ['packages/core/src/config/', 'packages/proxy/src/config/load-config.ts'];

/**
 * Sections whose keys the code reads by iterating over the section (`Object.entries(upstreams)`),
 * so a key's name never appears on its own: the section being read is the evidence.
 */
const ITERATED_SECTIONS = new Set(['upstreams']);

/**
 * Keys known to be read nowhere yet, each with the work that makes it real. The test also fails when
 * one of these starts being read, so the list cannot go stale: remove the key then.
 */
const NOT_READ_YET = new Map<string, string>([]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

const sources = readdirSync(join(REPO, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => {
    try {
      return sourceFiles(join(REPO, 'packages', d.name, 'src'));
    } catch {
      // A package without a src folder (python/, a data-only package) has no code to search.
      return [];
    }
  })
  .filter((file) => !DEFINITIONS.some((prefix) => relative(REPO, file).startsWith(prefix)))
  .map((file) => ({ file: relative(REPO, file), text: readFileSync(file, 'utf8') }));

function escape(word: string): string {
  return word.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `.name`, `?.name`, `['name']`, or `name` in a destructuring pattern or object literal. */
function accessOf(name: string): RegExp {
  const n = escape(name);
  return new RegExp(`(?:\\??\\.${n}\\b|\\[['"]${n}['"]\\]|[{,]\\s*${n}\\s*[,}:=])`);
}

function isRead(segments: readonly string[]): boolean {
  const named = segments.filter((s) => s !== '*' && s !== '[]');
  const iterated = named.findIndex((s) => ITERATED_SECTIONS.has(s));
  if (iterated !== -1) {
    const section = named[iterated] ?? '';
    return sources.some((s) => accessOf(section).test(s.text));
  }
  const leaf = named.at(-1) ?? '';
  const access = accessOf(leaf);
  // A name with an underscore (`analysis_timeout_ms`) is specific enough on its own; a plain word
  // (`enabled`, `url`) counts only in a file that also names the section it belongs to.
  const section = named.at(-2);
  return sources.some(
    (s) =>
      access.test(s.text) &&
      (leaf.includes('_') ||
        section === undefined ||
        new RegExp(`\\b${escape(section)}\\b`).test(s.text)),
  );
}

describe('issue 11: every config key is read somewhere', () => {
  const leaves = listConfigKeys().filter((k) => k.leaf);

  it('finds the source to search', () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(leaves.length).toBeGreaterThan(60);
  });

  it('no key of the schema is read nowhere', () => {
    const unread = leaves
      .filter((k) => !NOT_READ_YET.has(k.path) && !isRead(k.segments))
      .map((k) => k.path);
    expect(unread, 'config keys no code reads: make them work or remove them').toEqual([]);
  });

  it('the list of keys not read yet is still true (remove a key once it is read)', () => {
    for (const path of NOT_READ_YET.keys()) {
      const key = leaves.find((k) => k.path === path);
      expect(key, `${path} is no longer in the schema`).toBeDefined();
      if (key !== undefined) expect(isRead(key.segments), `${path} is read now`).toBe(false);
    }
  });
});
