/** How much of a system prompt re-appears in an answer. */
export interface PromptLeak {
  /** Share of the system prompt's word 5-grams found in the answer (0-1). */
  readonly coverage: number;
  /** Longest run of consecutive system-prompt words repeated in the answer (approximate). */
  readonly longestRun: number;
  /** Offsets in the answer of that run, end exclusive. */
  readonly start: number;
  readonly end: number;
}

const WORD = /[\p{L}\p{N}]+/gu;
const SHINGLE = 5;
/** A system prompt shorter than this is too generic ("You are a helpful assistant") to track. */
const MIN_PROMPT_WORDS = 8;
/** Report when a fifth of the prompt, or 12 consecutive words of it, appear verbatim. */
const MIN_COVERAGE = 0.2;
const MIN_RUN = 12;

function words(text: string): { words: string[]; starts: number[]; ends: number[] } {
  const out: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    out.push(m[0]);
    starts.push(m.index);
    ends.push(m.index + m[0].length);
  }
  return { words: out, starts, ends };
}

function shingleKeys(ws: readonly string[]): string[] {
  const keys: string[] = [];
  for (let i = 0; i + SHINGLE <= ws.length; i++) keys.push(ws.slice(i, i + SHINGLE).join(' '));
  return keys;
}

/** A system prompt's word 5-grams, or null when it is too short to track. Reusable across answers. */
export type PromptShingles = ReadonlySet<string> | null;

/** The shingles of `system`, computed once for every answer checked against it. */
export function promptShingles(system: string): PromptShingles {
  const sys = words(system);
  return sys.words.length < MIN_PROMPT_WORDS ? null : new Set(shingleKeys(sys.words));
}

/**
 * Measures verbatim overlap between a system prompt (its text, or its {@link promptShingles}) and an
 * answer with word 5-gram shingles: coverage (share of the prompt's shingles present in the answer)
 * and the longest run of consecutive shared shingles. Returns undefined when the overlap is not
 * substantial.
 */
export function detectSystemPromptLeak(
  system: string | PromptShingles,
  answer: string,
): PromptLeak | undefined {
  const sysKeys = typeof system === 'string' ? promptShingles(system) : system;
  if (sysKeys === null) return undefined;
  const ans = words(answer);
  if (ans.words.length < SHINGLE) return undefined;
  const ansKeys = shingleKeys(ans.words);
  const shared = new Set<string>();
  let run = 0;
  let best = 0;
  let bestEnd = -1;
  for (let i = 0; i < ansKeys.length; i++) {
    const key = ansKeys[i] ?? '';
    if (sysKeys.has(key)) {
      shared.add(key);
      run++;
      if (run > best) {
        best = run;
        bestEnd = i;
      }
    } else {
      run = 0;
    }
  }
  const coverage = sysKeys.size === 0 ? 0 : shared.size / sysKeys.size;
  const longestRun = best === 0 ? 0 : best + SHINGLE - 1;
  if (coverage < MIN_COVERAGE && longestRun < MIN_RUN) return undefined;
  const firstWord = bestEnd - best + 1;
  return {
    coverage,
    longestRun,
    start: ans.starts[firstWord] ?? 0,
    end: ans.ends[bestEnd + SHINGLE - 1] ?? answer.length,
  };
}
