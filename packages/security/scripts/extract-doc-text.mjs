#!/usr/bin/env node
// Builds data/written/debian-docs.jsonl and data/written/npm-readmes.jsonl: benign paragraphs,
// written by people, that use injection trigger words in ordinary ways ("ignore", "override",
// "disable", "instructions", "execute" ...). Issue 20, item 2: natural hard negatives that need no
// download — the documentation already installed on a Debian machine and in node_modules.
//
//   node packages/security/scripts/extract-doc-text.mjs
//
// Run once on the machine that produced the committed files; the output is committed and the
// training and tests read only the committed files. Every row records its package, file and
// licence. Deterministic for the same installed packages (sorted file lists, no randomness).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const repoRoot = resolve(pkgDir, '..', '..');
const outDir = join(pkgDir, 'data', 'written');

const TRIGGER =
  /\b(?:ignor(?:e|es|ed|ing)|overrid(?:e|es|den|ing)|disabl(?:e|es|ed|ing)|bypass(?:es|ed|ing)?|forget|instructions?|execut(?:e|es|ed|ing)|prompts?|password|secret|previous(?:ly)?|pretend|reveal|privileges?|unrestricted)\b/i;
const MIN_CHARS = 120;
const MAX_CHARS = 1200;
const PER_FILE = 2;
/** At most this many rows per Debian package, so a few big packages do not dominate. */
const PER_PACKAGE = 8;

function paragraphsOk(p) {
  if (p.length < MIN_CHARS || p.length > MAX_CHARS || !TRIGGER.test(p)) return false;
  const letters = (p.match(/[A-Za-z]/g) ?? []).length;
  // Mostly prose: option tables and code have few letters per character.
  return letters / p.length > 0.7 && /[a-z]{3,} [a-z]{3,} [a-z]{3,}/.test(p);
}

const licenceCache = new Map();
function debianLicence(pkg) {
  if (licenceCache.has(pkg)) return licenceCache.get(pkg);
  let licence = 'see /usr/share/doc/' + pkg + '/copyright';
  const file = `/usr/share/doc/${pkg}/copyright`;
  if (existsSync(file)) {
    const m = /^License:\s*(\S.*)$/m.exec(readFileSync(file, 'utf8'));
    if (m) licence = m[1].trim();
  }
  licenceCache.set(pkg, licence);
  return licence;
}

function debianPackageOf(path) {
  const r = spawnSync('dpkg', ['-S', path], { encoding: 'utf8' });
  const m = /^([^:,\s]+)(?::\w+)?:/.exec(r.stdout ?? '');
  return m ? m[1] : 'unknown';
}

function manText(path) {
  const r = spawnSync('man', ['-l', path], {
    encoding: 'utf8',
    env: { ...process.env, MANWIDTH: '4000', MAN_KEEP_FORMATTING: '', LANG: 'C.UTF-8' },
    maxBuffer: 8 * 1024 * 1024,
  });
  // Strip overstrike (bold/underline) sequences that `man` leaves without a pager.
  return (r.stdout ?? '').replace(/.\x08/g, '');
}

function manRows() {
  const dir = '/usr/share/man/man1';
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.1.gz'))
    .sort();
  // Every 12th page: spread over many packages instead of one package's many pages.
  const picked = files.filter((_, i) => i % 12 === 0);
  const rows = [];
  const perPackage = new Map();
  for (const f of picked) {
    const path = join(dir, f);
    if (!statSync(path).isFile()) continue;
    const text = manText(path);
    const paras = text
      .split(/\n\s*\n/)
      .map((p) =>
        p
          .split('\n')
          .map((l) => l.trim())
          .join(' ')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .filter(paragraphsOk)
      .slice(0, PER_FILE);
    if (paras.length === 0) continue;
    const pkg = debianPackageOf(path);
    for (const [k, p] of paras.entries()) {
      if ((perPackage.get(pkg) ?? 0) >= PER_PACKAGE) break;
      perPackage.set(pkg, (perPackage.get(pkg) ?? 0) + 1);
      rows.push({
        text: p,
        label: 0,
        source: 'debian_docs',
        category: 'benign/man_page',
        id: `${f}#${k}`,
        package: pkg,
        file: path,
        licence: debianLicence(pkg),
      });
    }
  }
  return rows;
}

function docRows() {
  const rows = [];
  for (const pkg of readdirSync('/usr/share/doc').sort()) {
    const dir = join('/usr/share/doc', pkg);
    if (!statSync(dir).isDirectory()) continue;
    const readmes = readdirSync(dir)
      .filter((f) => /^readme(?:\.md|\.txt|\.markdown)?(?:\.gz)?$/i.test(f))
      .sort();
    let taken = 0;
    for (const f of readmes) {
      const raw = readFileSync(join(dir, f));
      const text = f.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      for (const [k, p] of markdownParagraphs(text).entries()) {
        if (taken >= PER_FILE) break;
        taken++;
        rows.push({
          text: p,
          label: 0,
          source: 'debian_docs',
          category: 'benign/readme',
          id: `${pkg}/${f}#${k}`,
          package: pkg,
          file: join(dir, f),
          licence: debianLicence(pkg),
        });
      }
    }
  }
  return rows;
}

function markdownParagraphs(md) {
  const noCode = md.replace(/```[^]*?```/g, '\n\n');
  return noCode
    .split(/\n\s*\n/)
    .filter((p) => !/^\s*(?:#|\||<|!\[|\[!\[|>|\s{4})/.test(p))
    .map((p) =>
      p
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(paragraphsOk);
}

function npmRows() {
  const nm = join(repoRoot, 'node_modules');
  const dirs = [];
  for (const d of readdirSync(nm).sort()) {
    if (d.startsWith('.')) continue;
    if (d.startsWith('@')) {
      for (const s of readdirSync(join(nm, d)).sort()) dirs.push(join(d, s));
    } else dirs.push(d);
  }
  const rows = [];
  for (const d of dirs) {
    const dir = join(nm, d);
    const readme = readdirSync(dir).find((f) => /^readme\.md$/i.test(f));
    if (readme === undefined || !existsSync(join(dir, 'package.json'))) continue;
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licence =
      typeof meta.license === 'string' ? meta.license : (meta.license?.type ?? 'unknown');
    const paras = markdownParagraphs(readFileSync(join(dir, readme), 'utf8')).slice(0, PER_FILE);
    for (const [k, p] of paras.entries()) {
      rows.push({
        text: p,
        label: 0,
        source: 'npm_readmes',
        category: 'benign/readme',
        id: `${meta.name}@${meta.version}/${readme}#${k}`,
        package: `${meta.name}@${meta.version}`,
        file: `node_modules/${d}/${readme}`,
        licence,
      });
    }
  }
  return rows;
}

const write = (name, rows) => {
  writeFileSync(join(outDir, name), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(
    `${name}: ${rows.length} rows from ${new Set(rows.map((r) => r.package)).size} packages`,
  );
};
write('debian-docs.jsonl', [...manRows(), ...docRows()]);
write('npm-readmes.jsonl', npmRows());
