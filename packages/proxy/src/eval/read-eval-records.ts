import { readFileSync } from 'node:fs';
import type { EvalRecord } from '@llmtrace/security';
import { z } from 'zod';

const EvalLine = z.object({
  text: z.string(),
  label: z.union([z.literal(0), z.literal(1)]),
  source: z.string().optional(),
});

/**
 * Reads a JSONL file of `{text, label, source?}` records (other fields, like `id`, are ignored and
 * never reach the detector). Every bad line is reported with its number.
 */
export function readEvalRecords(file: string): { records: EvalRecord[]; problems: string[] } {
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
  const records: EvalRecord[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      problems.push(`${file}:${i + 1}: not valid JSON`);
      return;
    }
    const parsed = EvalLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(
        `${file}:${i + 1}: ${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}`,
      );
      return;
    }
    records.push({ text: parsed.data.text, label: parsed.data.label, source: parsed.data.source });
  });
  if (records.length === 0 && problems.length === 0) problems.push(`${file} has no records`);
  return { records, problems };
}
