import { extractFeatures, FEATURE_BITS, FEATURE_DIM } from './hashed-features.js';

/** Classes of the softmax model, in weight order. */
export const CLASSIFIER_CLASSES = ['benign', 'injection', 'harmful'] as const;
const K = CLASSIFIER_CLASSES.length;

/** The JSON file written by scripts/train.mjs (model/injection-model.json). */
export interface ClassifierModelFile {
  readonly version: 1;
  readonly featureBits: number;
  readonly classes: readonly string[];
  /** Weights stored as int8 q, dequantised as sign(q) * (q/127)^2 * scale[class]. */
  readonly quantisation: 'sqrt-int8';
  readonly scale: readonly number[];
  readonly bias: readonly number[];
  /** base64 of an Int8Array laid out as [bucket * classes + class]. */
  readonly weights: string;
  /** Attack logit at which the calibrated probability is 0.5. */
  readonly thresholdLogit: number;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** What the classifier says about one text. */
export interface ClassifierScore {
  /** log(P(attack) / P(benign)), attack = injection or harmful. */
  readonly attackLogit: number;
  /** Calibrated probability that the text is an attack: 0.5 at the trained decision threshold. */
  readonly probability: number;
  /** Share of the attack probability that the "harmful request" class takes (0-1). */
  readonly harmfulShare: number;
}

/** Long texts are scored in windows; the most suspicious window counts. */
const WINDOW = 2000;
const MAX_WINDOWS = 12;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Validates a parsed model file; throws (a packaging bug) when it is not one. */
export function parseModelFile(value: unknown): ClassifierModelFile {
  const m = value as Partial<ClassifierModelFile> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    m.version !== 1 ||
    m.featureBits !== FEATURE_BITS ||
    m.quantisation !== 'sqrt-int8' ||
    !Array.isArray(m.scale) ||
    m.scale.length !== K ||
    !Array.isArray(m.bias) ||
    m.bias.length !== K ||
    typeof m.weights !== 'string' ||
    typeof m.thresholdLogit !== 'number'
  ) {
    throw new Error(
      `Invalid injection model file: expected version 1, featureBits ${FEATURE_BITS}, ${K} classes; retrain with packages/security/scripts/train.mjs`,
    );
  }
  return m as ClassifierModelFile;
}

/**
 * Hashed-n-gram softmax classifier (benign / injection / harmful). Weights are dequantised once at
 * construction; scoring allocates nothing per call.
 */
export class InjectionClassifier {
  readonly #weights: Float32Array;
  readonly #bias: Float64Array;
  readonly #thresholdLogit: number;

  constructor(model: ClassifierModelFile) {
    const raw = Buffer.from(model.weights, 'base64');
    if (raw.length !== FEATURE_DIM * K) {
      throw new Error(`Injection model has ${raw.length} weights, expected ${FEATURE_DIM * K}`);
    }
    const q = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
    const w = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) {
      const v = (q[i] ?? 0) / 127;
      w[i] = Math.sign(v) * v * v * (model.scale[i % K] ?? 0);
    }
    this.#weights = w;
    this.#bias = Float64Array.from(model.bias);
    this.#thresholdLogit = model.thresholdLogit;
  }

  /** Raw class logits for one text (no windowing). */
  logits(text: string): [number, number, number] {
    const { indices, charCount, wordCount } = extractFeatures(text);
    const w = this.#weights;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    for (let i = 0; i < charCount; i++) {
      const o = (indices[i] ?? 0) * K;
      c0 += w[o] ?? 0;
      c1 += w[o + 1] ?? 0;
      c2 += w[o + 2] ?? 0;
    }
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    for (let i = charCount; i < charCount + wordCount; i++) {
      const o = (indices[i] ?? 0) * K;
      w0 += w[o] ?? 0;
      w1 += w[o + 1] ?? 0;
      w2 += w[o + 2] ?? 0;
    }
    const cs = charCount > 0 ? 1 / Math.sqrt(charCount) : 0;
    const ws = wordCount > 0 ? 1 / Math.sqrt(wordCount) : 0;
    return [
      (this.#bias[0] ?? 0) + c0 * cs + w0 * ws,
      (this.#bias[1] ?? 0) + c1 * cs + w1 * ws,
      (this.#bias[2] ?? 0) + c2 * cs + w2 * ws,
    ];
  }

  /** Scores a (normalised) text; long texts are scored per window and the worst window wins. */
  score(text: string): ClassifierScore {
    if (text.length <= WINDOW * 2) return this.#fromLogits(this.logits(text));
    let best: ClassifierScore | undefined;
    const windows = Math.ceil(text.length / WINDOW);
    for (let k = 0; k < windows; k++) {
      // The first MAX_WINDOWS - 1 windows and the last one: payloads sit at either end.
      if (k >= MAX_WINDOWS - 1 && k !== windows - 1) continue;
      const s = this.#fromLogits(this.logits(text.slice(k * WINDOW, (k + 1) * WINDOW)));
      if (best === undefined || s.attackLogit > best.attackLogit) best = s;
    }
    return best ?? this.#fromLogits(this.logits(text));
  }

  #fromLogits([z0, z1, z2]: [number, number, number]): ClassifierScore {
    const m = Math.max(z1, z2);
    const attack = m + Math.log(Math.exp(z1 - m) + Math.exp(z2 - m));
    const attackLogit = attack - z0;
    return {
      attackLogit,
      probability: sigmoid(attackLogit - this.#thresholdLogit),
      harmfulShare: sigmoid(z2 - z1),
    };
  }
}
