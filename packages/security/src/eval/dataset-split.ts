const WHITESPACE = /\s+/g;

/** Share of records held back from training (by hash, so the split is stable across runs). */
export const HELD_BACK_PERCENT = 20;

/**
 * Deterministic train / held-back split of a labelled text: FNV-1a hash of the text with
 * whitespace collapsed, trimmed and lower-cased, modulo 100; below {@link HELD_BACK_PERCENT} is held
 * back. The training script never sees held-back records; eval reports both parts.
 */
export function datasetSplit(text: string): 'train' | 'heldout' {
  const key = text.replace(WHITESPACE, ' ').trim().toLowerCase();
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 100 < HELD_BACK_PERCENT ? 'heldout' : 'train';
}
