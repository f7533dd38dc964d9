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
const NON_WORD = /[^\p{L}\p{N}]+/u;
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
 * ordinary answer costs one set lookup per word; its words come from one `split` (no match object
 * per word), and word offsets are looked up only for an answer that leaks.
 */
export function detectSystemPromptLeak(
  system: string | PromptShingles,
  answer: string,
): PromptLeak | undefined {
  const prompt = typeof system === 'string' ? promptShingles(system) : system;
  if (prompt === null) return undefined;
  const normalised = answer.normalize('NFKC').toLowerCase();
  // The last SHINGLE words, in a ring, while each is a word of the prompt.
  const ring: string[] = new Array<string>(SHINGLE).fill('');
  let inPrompt = 0;
  let n = 0; // words of the answer seen so far
  const shared = new Set<string>();
  let run = 0;
  let runFirst = 0;
  let best = 0;
  let bestFirst = 0;
  let bestLast = 0;
  for (const word of normalised.split(NON_WORD)) {
    if (word === '') continue;
    const at = n++;
    if (!prompt.vocabulary.has(word)) {
      inPrompt = 0;
      run = 0;
      continue;
    }
    ring[at % SHINGLE] = word;
    inPrompt++;
    if (inPrompt < SHINGLE) continue;
    let key = ring[(at + 1) % SHINGLE] ?? '';
    for (let k = at + 2; k <= at + SHINGLE; k++) key += ' ' + (ring[k % SHINGLE] ?? '');
    if (!prompt.keys.has(key)) {
      run = 0;
      continue;
    }
    shared.add(key);
    run++;
    // A run starts at the first word of its first shingle.
    if (run === 1) runFirst = at - SHINGLE + 1;
    if (run > best) {
      best = run;
      bestFirst = runFirst;
      bestLast = at;
    }
  }
  const coverage = prompt.keys.size === 0 ? 0 : shared.size / prompt.keys.size;
  const longestRun = best === 0 ? 0 : best + SHINGLE - 1;
  if (coverage < MIN_COVERAGE && longestRun < MIN_RUN) return undefined;
  // A leak (rare): the offsets of the run's first and last words, in the same word order.
  let start = 0;
  let end = answer.length;
  let i = 0;
  for (const m of normalised.matchAll(WORD)) {
    if (i === bestFirst) start = m.index;
    if (i === bestLast) {
      end = m.index + m[0].length;
      break;
    }
    i++;
  }
  return { coverage, longestRun, start, end };
}
