/** Words of the tiny vocabulary that push towards "injection" (WordPiece pieces included). */
export declare const ATTACK_WORDS: readonly string[];
/** Ordinary words. */
export declare const BENIGN_WORDS: readonly string[];
/** The vocabulary in id order. */
export declare const VOCAB: readonly string[];
/** The probability the tiny model gives these WordPiece tokens ([CLS], [SEP], [UNK] add 0). */
export declare function expectedProbability(tokens: readonly string[]): number;
/** Options of {@link writeTinyModel}. */
export interface TinyModelOptions {
  /** Zero-weight 512x512 matrix products added after pooling: a model slow enough for timeouts. */
  readonly slowLayers?: number;
  /** config.json id2label (default SAFE / INJECTION). */
  readonly id2label?: Record<string, string>;
}
/** Writes model.onnx, tokenizer.json, tokenizer_config.json and config.json into `dir`. */
export declare function writeTinyModel(dir: string, options?: TinyModelOptions): Promise<void>;
/** A cost stand-in with the dense products of a base-size encoder (benchmarks only). */
export declare function writeDenseStandIn(
  dir: string,
  shape?: { layers?: number; hidden?: number; ffn?: number },
): Promise<void>;
