import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One labelled training/evaluation row. */
export interface LabelledRecord {
  readonly text: string;
  /** 1 = attack (injection, jailbreak, harmful request), 0 = benign. */
  readonly label: 0 | 1;
  /** The source (dataset) the row comes from: the unit of leave-one-source-out evaluation. */
  readonly source: string;
}

/** A problem in a data file, with its 1-based line number. */
export interface DataProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/**
 * Sources whose label 1 means a harmful request or a malicious agent task, not an injection: they
 * train the classifier's "harmful" class (see CLASSIFIER_CLASSES).
 */
export const HARMFUL_SOURCES: ReadonlySet<string> = new Set([
  'advbench',
  'harmbench',
  'ailuminate',
  'asb',
  'written_harmful',
  'written_agent_attacks',
]);

/** The bundled data folders, relative to the package root (src/train and dist/train alike). */
export const BUNDLED_DATA_DIRS: readonly URL[] = [
  new URL('../../data/datasets/', import.meta.url),
  new URL('../../data/written/', import.meta.url),
];

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * Parses JSONL text of `{text, label, source?}` records (other fields are ignored, so an `id`
 * never reaches a detector). Every bad line is reported with its number; `fallbackSource` names
 * rows without a `source`.
 */
export function parseLabelledJsonl(
  content: string,
  file: string,
  fallbackSource: string,
): { records: LabelledRecord[]; problems: DataProblem[] } {
  const records: LabelledRecord[] = [];
  const problems: DataProblem[] = [];
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const at = (message: string): void => {
      problems.push({ file, line: i + 1, message });
    };
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      at('not valid JSON');
      continue;
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      at('expected a JSON object {"text": …, "label": 0|1}');
      continue;
    }
    const r = json as Record<string, unknown>;
    if (typeof r.text !== 'string' || r.text.trim() === '') {
      at(`text must be a non-empty string (got ${describe(r.text)})`);
      continue;
    }
    if (r.label !== 0 && r.label !== 1) {
      at(`label must be 0 (benign) or 1 (attack) (got ${describe(r.label)})`);
      continue;
    }
    if (r.source !== undefined && typeof r.source !== 'string') {
      at(`source must be a string when present (got ${describe(r.source)})`);
      continue;
    }
    records.push({ text: r.text, label: r.label, source: r.source ?? fallbackSource });
  }
  return { records, problems };
}

/**
 * Reads every `*.jsonl` file in the given folders (sorted by name, so the order is stable).
 * Throws with every problem listed when a line is bad: training on half a file is worse than not
 * training.
 */
export function readLabelledDirs(dirs: readonly (string | URL)[]): LabelledRecord[] {
  const all: LabelledRecord[] = [];
  const problems: DataProblem[] = [];
  for (const dir of dirs) {
    const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
    const files = readdirSync(path)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    for (const f of files) {
      const file = join(path, f);
      const parsed = parseLabelledJsonl(readFileSync(file, 'utf8'), file, basename(f, '.jsonl'));
      all.push(...parsed.records);
      problems.push(...parsed.problems);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `bad training data (${problems.length} line(s)):\n${problems
        .slice(0, 20)
        .map((p) => `  ${p.file}:${p.line}: ${p.message}`)
        .join('\n')}`,
    );
  }
  return all;
}
