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

/** A system prompt's words and word 5-grams, or null when it is too short to track. */
export type PromptShingles = {
  readonly vocabulary: ReadonlySet<string>;
  readonly keys: ReadonlySet<string>;
} | null;

/** The shingles of `system`, computed once for every answer checked against it. */
export function promptShingles(system: string): PromptShingles {
  const sys = words(system);
  if (sys.words.length < MIN_PROMPT_WORDS) return null;
  return { vocabulary: new Set(sys.words), keys: new Set(shingleKeys(sys.words)) };
}

/**
 * Measures verbatim overlap between a system prompt (its text, or its {@link promptShingles}) and an
 * answer with word 5-gram shingles: coverage (share of the prompt's shingles present in the answer)
 * and the longest run of consecutive shared shingles. Returns undefined when the overlap is not
 * substantial. An answer's 5-gram is built only when all five words occur in the prompt, so an
 * ordinary answer costs one set lookup per word.
 */
export function detectSystemPromptLeak(
  system: string | PromptShingles,
  answer: string,
): PromptLeak | undefined {
  const prompt = typeof system === 'string' ? promptShingles(system) : system;
  if (prompt === null) return undefined;
  // The last SHINGLE words, in a ring, while each is a word of the prompt.
  const ring: string[] = new Array<string>(SHINGLE).fill('');
  const ringStart: number[] = new Array<number>(SHINGLE).fill(0);
  let inPrompt = 0;
  let n = 0;
  const shared = new Set<string>();
  let run = 0;
  let runStart = 0;
  let best = 0;
  let bestStart = 0;
  let bestEnd = answer.length;
  for (const m of answer.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = m[0];
    if (!prompt.vocabulary.has(word)) {
      inPrompt = 0;
      run = 0;
      continue;
    }
    ring[n % SHINGLE] = word;
    ringStart[n % SHINGLE] = m.index;
    n++;
    inPrompt++;
    if (inPrompt < SHINGLE) continue;
    const parts: string[] = [];
    for (let k = n - SHINGLE; k < n; k++) parts.push(ring[k % SHINGLE] ?? '');
    const key = parts.join(' ');
    if (!prompt.keys.has(key)) {
      run = 0;
      continue;
    }
    shared.add(key);
    run++;
    // A run starts at the first word of its first shingle.
    if (run === 1) runStart = ringStart[(n - SHINGLE) % SHINGLE] ?? 0;
    if (run > best) {
      best = run;
      bestStart = runStart;
      bestEnd = m.index + word.length;
    }
  }
  const coverage = prompt.keys.size === 0 ? 0 : shared.size / prompt.keys.size;
  const longestRun = best === 0 ? 0 : best + SHINGLE - 1;
  if (coverage < MIN_COVERAGE && longestRun < MIN_RUN) return undefined;
  return { coverage, longestRun, start: bestStart, end: bestEnd };
}
