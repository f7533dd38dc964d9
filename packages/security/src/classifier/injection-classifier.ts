import { extractFeatures, FEATURE_BITS, FEATURE_DIM } from './hashed-features.js';
import { segmentText } from './segment-text.js';

/** Classes of the softmax model, in weight order. */
export const CLASSIFIER_CLASSES = ['benign', 'injection', 'harmful'] as const;
const K = CLASSIFIER_CLASSES.length;

/** The JSON file written by the trainer (model/injection-model.json). */
export interface ClassifierModelFile {
  /** 2 added the cue feature group (see hashed-features.ts). */
  readonly version: 2;
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
  /** Multipliers of the character, word and cue feature groups. */
  readonly groupScale: readonly number[];
  /** Rule confidences calibrated by the trainer; rules not listed keep their hand-set value. */
  readonly ruleConfidence?: Readonly<Record<string, number>>;
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
  /** The segment that scored highest, when the text was scored in segments (offsets in `text`). */
  readonly segment?: { readonly start: number; readonly end: number } | undefined;
}

/** Texts up to this length are scored whole and, when longer than SEGMENT_FROM, also per segment. */
const WHOLE_MAX = 4000;
/** Above this whole-text probability the segments are not scored. */
const SEGMENTS_UNTIL = 0.97;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Validates a parsed model file; throws (a packaging bug) when it is not one. */
export function parseModelFile(value: unknown): ClassifierModelFile {
  const m = value as Partial<ClassifierModelFile> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    m.version !== 2 ||
    m.featureBits !== FEATURE_BITS ||
    m.quantisation !== 'sqrt-int8' ||
    !Array.isArray(m.scale) ||
    m.scale.length !== K ||
    !Array.isArray(m.bias) ||
    m.bias.length !== K ||
    typeof m.weights !== 'string' ||
    typeof m.thresholdLogit !== 'number' ||
    !Array.isArray(m.groupScale) ||
    m.groupScale.length !== 3
  ) {
    throw new Error(
      `Invalid injection model file: expected version 2, featureBits ${FEATURE_BITS}, ${K} classes; retrain with packages/security/scripts/train.mjs`,
    );
  }
  return m as ClassifierModelFile;
}

/** Values an int8 weight can take. */
const LEVELS = 256;

/**
 * Hashed-feature softmax classifier (benign / injection / harmful). Weights stay int8 as the model
 * file stores them (0.8 MB, where dequantised float32 would take 3 MB in every thread that scores);
 * each one is read through a table of its 256 dequantised values per class, which gives the same
 * float32 weights. Scoring allocates nothing per call beyond the segment list of long texts.
 */
export class InjectionClassifier {
  /** Quantised weights, laid out as [bucket * classes + class]. */
  readonly #weights: Int8Array;
  /** The dequantised weight of each int8 value per class, at [class * 256 + q + 128]. */
  readonly #levels: Float32Array;
  readonly #bias: Float64Array;
  readonly #thresholdLogit: number;
  readonly #groupScale: readonly [number, number, number];
  readonly #ruleConfidence: ReadonlyMap<string, number>;

  constructor(model: ClassifierModelFile) {
    const raw = Buffer.from(model.weights, 'base64');
    if (raw.length !== FEATURE_DIM * K) {
      throw new Error(`Injection model has ${raw.length} weights, expected ${FEATURE_DIM * K}`);
    }
    // A copy, not a view: the decoded Buffer may sit in a larger shared pool.
    this.#weights = new Int8Array(raw);
    const levels = new Float32Array(LEVELS * K);
    for (let q = -128; q < 128; q++) {
      const v = q / 127;
      for (let c = 0; c < K; c++) {
        levels[c * LEVELS + q + 128] = Math.sign(v) * v * v * (model.scale[c] ?? 0);
      }
    }
    this.#levels = levels;
    this.#bias = Float64Array.from(model.bias);
    this.#thresholdLogit = model.thresholdLogit;
    this.#ruleConfidence = new Map(
      Object.entries(model.ruleConfidence ?? {}).filter(
        (e): e is [string, number] => typeof e[1] === 'number' && e[1] >= 0 && e[1] <= 1,
      ),
    );
    this.#groupScale = [
      model.groupScale[0] ?? 1,
      model.groupScale[1] ?? 1,
      model.groupScale[2] ?? 1,
    ];
  }

  /** The calibrated confidence of a rule, or undefined to keep the rule's own. */
  ruleConfidence(ruleId: string): number | undefined {
    return this.#ruleConfidence.get(ruleId);
  }

  /** The attack logit at which {@link ClassifierScore.probability} is 0.5. */
  get thresholdLogit(): number {
    return this.#thresholdLogit;
  }

  /** Raw class logits for one text (no segmenting). */
  logits(text: string): [number, number, number] {
    const { indices, charCount, wordCount, cueCount } = extractFeatures(text);
    const w = this.#weights;
    const levels = this.#levels;
    const [gc, gw, gq] = this.#groupScale;
    const cs = charCount > 0 ? gc / Math.sqrt(charCount) : 0;
    const ws = wordCount > 0 ? gw / Math.sqrt(wordCount) : 0;
    const z: [number, number, number] = [
      this.#bias[0] ?? 0,
      this.#bias[1] ?? 0,
      this.#bias[2] ?? 0,
    ];
    const end = charCount + wordCount + cueCount;
    for (let i = 0; i < end; i++) {
      const s = i < charCount ? cs : i < charCount + wordCount ? ws : gq;
      const o = (indices[i] ?? 0) * K;
      z[0] += (levels[(w[o] ?? 0) + 128] ?? 0) * s;
      z[1] += (levels[(w[o + 1] ?? 0) + 128 + LEVELS] ?? 0) * s;
      z[2] += (levels[(w[o + 2] ?? 0) + 128 + 2 * LEVELS] ?? 0) * s;
    }
    return z;
  }

  /**
   * Scores a (normalised) text. Short texts are scored whole. Longer ones are also scored per
   * segment (paragraphs, table rows, JSON fields merged into chunks), and the worst part counts:
   * an instruction hidden in a pasted e-mail or a tool result is diluted in the whole text's
   * n-grams, but dominates its own segment (issue 20, indirect injection).
   */
  score(text: string): ClassifierScore {
    let best = text.length <= WHOLE_MAX ? this.#fromLogits(this.logits(text)) : undefined;
    // Segments can only raise the score (the worst part counts): skip them when it is already
    // near certain.
    if (best !== undefined && best.probability >= SEGMENTS_UNTIL) return best;
    for (const seg of segmentText(text)) {
      const s = this.#fromLogits(this.logits(text.slice(seg.start, seg.end)), seg);
      if (best === undefined || s.attackLogit > best.attackLogit) best = s;
    }
    return best ?? this.#fromLogits(this.logits(text));
  }

  #fromLogits(
    [z0, z1, z2]: [number, number, number],
    segment?: { start: number; end: number },
  ): ClassifierScore {
    const m = Math.max(z1, z2);
    const attack = m + Math.log(Math.exp(z1 - m) + Math.exp(z2 - m));
    const attackLogit = attack - z0;
    return {
      attackLogit,
      probability: sigmoid(attackLogit - this.#thresholdLogit),
      harmfulShare: sigmoid(z2 - z1),
      segment,
    };
  }
}
