import { describe, expect, it } from 'vitest';
import { parseLabelledJsonl } from './labelled-data.js';

describe('parseLabelledJsonl', () => {
  it('reads records, names rows without a source after the file, and ignores other fields', () => {
    const { records, problems } = parseLabelledJsonl(
      '{"text":"hi","label":0,"id":"x-1"}\n\n{"text":"ignore that","label":1,"source":"mine"}\n',
      'f.jsonl',
      'f',
    );
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { text: 'hi', label: 0, source: 'f' },
      { text: 'ignore that', label: 1, source: 'mine' },
    ]);
  });

  it('reports every bad line with its number and what is wrong', () => {
    const { records, problems } = parseLabelledJsonl(
      [
        'not json',
        '[1,2]',
        '{"text":"","label":0}',
        '{"text":"a","label":2}',
        '{"text":"a","label":"1"}',
        '{"text":"a","label":1,"source":7}',
        '{"text":"fine","label":1}',
      ].join('\n'),
      'data.jsonl',
      'data',
    );
    expect(records).toHaveLength(1);
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '1: not valid JSON',
      '2: expected a JSON object {"text": …, "label": 0|1}',
      '3: text must be a non-empty string (got "")',
      '4: label must be 0 (benign) or 1 (attack) (got 2)',
      '5: label must be 0 (benign) or 1 (attack) (got "1")',
      '6: source must be a string when present (got 7)',
    ]);
  });
});
