// The worker thread of the transformer tier (issue 20, item 6): loads one ONNX session and one
// tokenizer from local files, then scores batches of texts sent by MlScorerPool. It imports
// nothing of LLMTrace, so it runs from the built file in a plain Node environment.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '@llmtrace/core/runtime';
import {
  loadModelConfig,
  truncateIds,
  type MlWorkerData,
  type MlWorkerReply,
  type MlWorkerRequest,
  type OrtModule,
  type OrtSession,
  type TokenizerLike,
  type TokenizersModule,
} from './ml-model.js';
import { softmaxSum } from './softmax.js';

// Both packages are optional (peer) dependencies, loaded only here and only when
// `security.ml.enabled` starts this worker; their types are the structural subsets in ml-model.ts.
const ORT_PACKAGE: string = 'onnxruntime-node';
const TOKENIZERS_PACKAGE: string = '@huggingface/tokenizers';

/**
 * Loads an optional package: from `runtimeDir` (`security.ml.runtime_dir`, e.g. tools/ml) when
 * set, else the way Node resolves it from LLMTrace's own install. Both packages ship CommonJS.
 */
function requireOptional<T>(name: string, runtimeDir: string | undefined): T {
  const from =
    runtimeDir === undefined ? import.meta.url : join(resolve(runtimeDir), 'package.json');
  try {
    return createRequire(from)(name) as T;
  } catch (error) {
    throw new Error(
      `security.ml needs the optional package ${name} (${runtimeDir === undefined ? `npm install ${name}, or set security.ml.runtime_dir` : `not found from security.ml.runtime_dir ${runtimeDir}; run npm ci --prefix there`}): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`security.ml.model_dir: cannot read ${what} (${path})`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`security.ml.model_dir: ${what} is not valid JSON (${path})`, { cause: error });
  }
}

interface Loaded {
  readonly session: OrtSession;
  readonly ort: OrtModule;
  readonly tokenizer: TokenizerLike;
  readonly positive: readonly number[];
  readonly maxTokens: number;
  readonly padId: number;
  readonly inputs: ReadonlySet<string>;
}

async function load(data: MlWorkerData): Promise<Loaded> {
  const dir = data.modelDir;
  const config = loadModelConfig(await readJson(join(dir, 'config.json'), 'config.json'));
  const tokenizerJson = await readJson(join(dir, 'tokenizer.json'), 'tokenizer.json');
  // tokenizer_config.json is optional: tokenizer.json alone describes the pipeline.
  const tokenizerConfig = await readJson(
    join(dir, 'tokenizer_config.json'),
    'tokenizer_config.json',
  ).catch(() => ({}));
  const ort = requireOptional<OrtModule>(ORT_PACKAGE, data.runtimeDir);
  const tokenizers = requireOptional<TokenizersModule>(TOKENIZERS_PACKAGE, data.runtimeDir);
  let tokenizer: TokenizerLike;
  try {
    tokenizer = new tokenizers.Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (error) {
    throw new Error(
      `security.ml.model_dir: tokenizer.json is not a tokenizer this version supports: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
      intraOpNumThreads: data.threads,
      interOpNumThreads: 1,
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new Error(
      `security.ml.model_dir: cannot load model.onnx: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const inputs = new Set(session.inputNames);
  if (!inputs.has('input_ids')) {
    throw new Error(
      `security.ml.model_dir: model.onnx has no input_ids input (inputs: ${session.inputNames.join(', ')}); export a sequence-classification model`,
    );
  }
  const padId = padIdOf(tokenizerJson, tokenizerConfig, tokenizer);
  return {
    session,
    ort,
    tokenizer,
    positive: config.positive,
    maxTokens: Math.min(data.maxTokens, config.maxPositions ?? data.maxTokens),
    padId,
    inputs,
  };
}

function padIdOf(
  tokenizerJson: unknown,
  tokenizerConfig: unknown,
  tokenizer: TokenizerLike,
): number {
  const padding = (tokenizerJson as { padding?: { pad_id?: unknown } | null }).padding;
  if (typeof padding?.pad_id === 'number') return padding.pad_id;
  const padToken = (tokenizerConfig as { pad_token?: unknown }).pad_token;
  const name =
    typeof padToken === 'string'
      ? padToken
      : typeof (padToken as { content?: unknown } | undefined)?.content === 'string'
        ? (padToken as { content: string }).content
        : '[PAD]';
  return tokenizer.token_to_id(name) ?? 0;
}

/** Scores one batch: tokenise, pad to the longest text, run, softmax per row. */
async function scoreBatch(model: Loaded, texts: readonly string[]): Promise<number[]> {
  const encoded = texts.map((text) =>
    // Characters beyond 16 per token cannot fit the token budget: cut them before tokenising.
    truncateIds(model.tokenizer.encode(text.slice(0, model.maxTokens * 16)).ids, model.maxTokens),
  );
  const width = Math.max(1, ...encoded.map((ids) => ids.length));
  const size = texts.length * width;
  const ids = new BigInt64Array(size).fill(BigInt(model.padId));
  const mask = new BigInt64Array(size);
  encoded.forEach((row, r) => {
    row.forEach((id, c) => {
      ids[r * width + c] = BigInt(id);
      mask[r * width + c] = 1n;
    });
  });
  const dims = [texts.length, width];
  const feeds: Record<string, unknown> = {
    input_ids: new model.ort.Tensor('int64', ids, dims),
  };
  if (model.inputs.has('attention_mask')) {
    feeds['attention_mask'] = new model.ort.Tensor('int64', mask, dims);
  }
  if (model.inputs.has('token_type_ids')) {
    feeds['token_type_ids'] = new model.ort.Tensor('int64', new BigInt64Array(size), dims);
  }
  const outputs = await model.session.run(feeds);
  const logits = outputs[model.session.outputNames[0] ?? 'logits'];
  if (logits === undefined) throw new Error('model.onnx returned no output');
  const labels = logits.dims[logits.dims.length - 1] ?? 0;
  const values = logits.data as Float32Array;
  const result: number[] = [];
  for (let r = 0; r < texts.length; r++) {
    result.push(softmaxSum(values.subarray(r * labels, (r + 1) * labels), model.positive));
  }
  return result;
}

const port = parentPort;
if (port === null) throw new Error('ml-worker must run in a worker thread');
const post = (reply: MlWorkerReply): void => port.postMessage(reply);
// Scoring is off the request path; the runtime's own threads, created after this, inherit it.
lowerThreadPriority();

load(workerData as MlWorkerData).then(
  (model) => {
    // One batch at a time: the pool sends the next only after this one answers.
    port.on('message', (request: MlWorkerRequest) => {
      if (request.kind === 'close') {
        // Sent only when no batch is running: a worker terminated inside a native run takes the
        // whole process down, so the pool waits for the run and lets the thread end by itself.
        void model.session.release().finally(() => port.close());
        return;
      }
      const started = performance.now();
      scoreBatch(model, request.texts).then(
        (probabilities) =>
          post({ kind: 'scores', id: request.id, probabilities, ms: performance.now() - started }),
        (error: unknown) =>
          post({
            kind: 'error',
            id: request.id,
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    });
    post({ kind: 'ready', id: 0, maxTokens: model.maxTokens });
  },
  (error: unknown) =>
    post({ kind: 'error', id: 0, message: error instanceof Error ? error.message : String(error) }),
);
