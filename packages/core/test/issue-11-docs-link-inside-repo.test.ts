import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 11, item 2: the repository is self-contained, so its documents link only files inside it (a
// clone has no sibling folders beside it).

const REPO = resolve(import.meta.dirname, '../../..');

function documents(): string[] {
  const docs = readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(REPO, 'docs', f));
  return [join(REPO, 'README.md'), ...docs];
}

/** Targets of markdown links `[text](target)`, without their #fragment. */
function linkTargets(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => (m[1] ?? '').split('#')[0] ?? '')
    .filter((t) => t !== '' && !/^[a-z]+:/i.test(t));
}

describe('issue 11: documents link only files in the repository', () => {
  it('every relative link of README.md and docs/*.md names an existing file inside the repository', () => {
    const broken: string[] = [];
    for (const doc of documents()) {
      for (const target of linkTargets(readFileSync(doc, 'utf8'))) {
        const file = resolve(dirname(doc), target);
        const inside = !relative(REPO, file).startsWith('..');
        if (!inside || !existsSync(file)) broken.push(`${relative(REPO, doc)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README refers to no sibling folder outside the repository', () => {
    // Built from parts so this file does not itself name the folder it forbids.
    const sibling = new RegExp(['\\.\\.', 'shared'].join('/'));
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).not.toMatch(sibling);
  });
});
