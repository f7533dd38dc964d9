import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseLabelledJsonl, readLabelledDirs } from '@llmtrace/security/eval';
import type { LabelledRecord } from '@llmtrace/security/eval';

/**
 * Reads a JSONL file of `{text, label, source?}` records (other fields, like `id`, are ignored and
 * never reach the detector). Every bad line is reported as `file:line: problem`; rows without a
 * `source` are named after the file.
 */
export function readEvalRecords(file: string): { records: LabelledRecord[]; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      records: [],
      problems: [`cannot read ${file}: ${code === 'ENOENT' ? 'file not found' : String(error)}`],
    };
  }
  const parsed = parseLabelledJsonl(text, file, basename(file).replace(/\.jsonl$/, ''));
  const problems = parsed.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  if (parsed.records.length === 0 && problems.length === 0) problems.push(`${file} has no records`);
  return { records: parsed.records, problems };
}

/**
 * Reads labelled data for `eval --loso`: each path is a JSONL file or a folder of them. A folder
 * read fails as a whole with every bad line listed (training on half a folder is worse than not).
 */
export function readLosoRecords(paths: readonly string[]): {
  records: LabelledRecord[];
  problems: string[];
} {
  const records: LabelledRecord[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    let dir = false;
    try {
      dir = statSync(path).isDirectory();
    } catch {
      problems.push(`cannot read ${path}: file not found`);
      continue;
    }
    if (!dir) {
      const r = readEvalRecords(path);
      records.push(...r.records);
      problems.push(...r.problems);
      continue;
    }
    try {
      records.push(...readLabelledDirs([path]));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { records, problems };
}
