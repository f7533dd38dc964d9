// What the transformer tier needs from a model folder and from its two optional packages. The
// packages are described structurally (the subset used), so LLMTrace builds without them installed.

/** The subset of onnxruntime-node's `Tensor` used. */
export interface OrtTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** The subset of onnxruntime-node's `InferenceSession` used. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor | undefined>>;
  release(): Promise<void>;
}

/** The subset of the `onnxruntime-node` module used. */
export interface OrtModule {
  readonly InferenceSession: {
    create(path: string, options: Record<string, unknown>): Promise<OrtSession>;
  };
  readonly Tensor: new (type: 'int64', data: BigInt64Array, dims: readonly number[]) => unknown;
}

/** The subset of `@huggingface/tokenizers`' `Tokenizer` used. */
export interface TokenizerLike {
  encode(text: string): { ids: number[] };
  token_to_id(token: string): number | undefined;
}

/** The subset of the `@huggingface/tokenizers` module used. */
export interface TokenizersModule {
  readonly Tokenizer: new (tokenizerJson: unknown, tokenizerConfig: unknown) => TokenizerLike;
}

/** What a worker is started with. */
export interface MlWorkerData {
  readonly modelDir: string;
  /** Folder whose node_modules hold the runtime (`security.ml.runtime_dir`); default: Node's resolution. */
  readonly runtimeDir: string | undefined;
  readonly threads: number;
  readonly maxTokens: number;
}

/** A batch sent to a worker, or the request to release the model and stop. */
export type MlWorkerRequest =
  | { readonly kind: 'score'; readonly id: number; readonly texts: readonly string[] }
  | { readonly kind: 'close' };

/** A worker's answer: ready (id 0), the scores of a batch, or an error. */
export type MlWorkerReply =
  | { readonly kind: 'ready'; readonly id: 0; readonly maxTokens: number }
  | {
      readonly kind: 'scores';
      readonly id: number;
      readonly probabilities: number[];
      readonly ms: number;
    }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };

/** Labels whose probability counts as "injection". */
const POSITIVE_LABEL = /inject|jailbreak|malicious|unsafe|attack/i;
const GENERIC_LABEL = /^LABEL_\d+$/;

/** The parts of a Hugging Face `config.json` the tier reads. */
export interface ModelConfig {
  /** Output indexes whose softmax probabilities are summed into the injection probability. */
  readonly positive: number[];
  readonly labels: string[];
  /** `max_position_embeddings`, when given: the model's own token limit. */
  readonly maxPositions: number | undefined;
}

/**
 * Reads `config.json`: `id2label` must name at least two classes, and the injection classes are
 * those whose label says so (INJECTION, JAILBREAK, MALICIOUS, UNSAFE…). A two-class model with only
 * generic labels (`LABEL_0`, `LABEL_1`) counts class 1 as injection (docs/security-ml.md).
 *
 * @example
 * loadModelConfig({ id2label: { 0: 'SAFE', 1: 'INJECTION' } }).positive; // [1]
 */
export function loadModelConfig(json: unknown): ModelConfig {
  const raw = (json as { id2label?: unknown } | null)?.id2label;
  if (raw === null || typeof raw !== 'object') {
    throw new Error('security.ml.model_dir: config.json has no id2label (the class names)');
  }
  const labels: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index > 1000 || typeof value !== 'string') {
      throw new Error(
        `security.ml.model_dir: config.json id2label entry "${key}" is not index: name`,
      );
    }
    labels[index] = value;
  }
  // A missing index leaves a hole, which some() would skip: count the names instead.
  if (labels.length < 2 || Object.keys(raw).length !== labels.length) {
    throw new Error(
      'security.ml.model_dir: config.json id2label must name classes 0..n-1 (n >= 2)',
    );
  }
  let positive = labels.flatMap((l, i) => (POSITIVE_LABEL.test(l) ? [i] : []));
  if (positive.length === 0 && labels.length === 2 && labels.every((l) => GENERIC_LABEL.test(l))) {
    positive = [1];
  }
  if (positive.length === 0) {
    throw new Error(
      `security.ml.model_dir: no class of config.json id2label (${labels.join(', ')}) names injection, jailbreak, malicious, unsafe or attack`,
    );
  }
  const max = (json as { max_position_embeddings?: unknown }).max_position_embeddings;
  return {
    positive,
    labels,
    maxPositions: typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : undefined,
  };
}

/**
 * Cuts token ids to `max`, keeping the last id: tokenizers end a sequence with a special token
 * (`[SEP]`, `</s>`) that the classifier expects.
 *
 * @example
 * truncateIds([1, 5, 6, 7, 2], 3); // [1, 5, 2]
 */
export function truncateIds(ids: readonly number[], max: number): number[] {
  if (ids.length <= max) return [...ids];
  return [...ids.slice(0, max - 1), ids[ids.length - 1] as number];
}
