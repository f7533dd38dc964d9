// A tiny prompt-injection "transformer" the tests build themselves (issue 20, item 6): an ONNX
// graph written with protobufjs and a WordPiece tokenizer.json, in the layout of a Hugging Face
// export (model.onnx, tokenizer.json, tokenizer_config.json, config.json). The graph is a bag of
// words: logits = sum over real tokens of an embedding row + bias, with the attention mask applied,
// so scores are known in advance and padding that leaked through the mask would change them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import protobuf from 'protobufjs';

/** The part of onnx.proto (onnx/onnx, `onnx/onnx.proto`) written here, with its field numbers. */
const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  repeated int64 int64_data = 7;
  string name = 8;
}
message AttributeProto {
  string name = 1;
  float f = 2;
  int64 i = 3;
  int32 type = 20;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;

/** Words of the tiny vocabulary that push towards "injection" (WordPiece pieces included). */
export const ATTACK_WORDS = ['ignore', 'previous', 'instructions', 'reveal', 'jail', '##break'];
/** Ordinary words. */
export const BENIGN_WORDS = [
  'all',
  'the',
  'weather',
  'is',
  'nice',
  'today',
  'how',
  'do',
  'i',
  'kill',
  'a',
  'python',
  'process',
  'your',
  'system',
  'prompt',
  'please',
  '.',
  ',',
  '?',
  '!',
];
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];

/** The vocabulary in id order. */
export const VOCAB = [...SPECIALS, ...ATTACK_WORDS, ...BENIGN_WORDS];

/** Embedding rows (benign logit, injection logit). */
const ATTACK_ROW = [0, 2];
const BENIGN_ROW = [0.5, 0];
const SPECIAL_ROW = [0, 0];
/** [PAD] pulls hard towards benign: a mask that let padding count would change every score. */
const PAD_ROW = [5, -5];
const BIAS = [0.5, 0];

/**
 * The probability the tiny model gives a text: what the tests expect from the real pipeline.
 * `tokens` are WordPiece tokens ([CLS], [SEP] and [UNK] add 0).
 */
export function expectedProbability(tokens) {
  let benign = BIAS[0];
  let attack = BIAS[1];
  for (const t of tokens) {
    const row =
      t === '[PAD]'
        ? PAD_ROW
        : SPECIALS.includes(t)
          ? SPECIAL_ROW
          : ATTACK_WORDS.includes(t)
            ? ATTACK_ROW
            : BENIGN_ROW;
    benign += row[0];
    attack += row[1];
  }
  return 1 / (1 + Math.exp(benign - attack));
}

function valueInfo(name, elemType, dims) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

function node(opType, input, output, attribute = []) {
  return { opType, input, output, name: `${opType}_${output[0]}`, attribute };
}

/**
 * Writes model.onnx, tokenizer.json, tokenizer_config.json and config.json into `dir`. Options:
 * `slowLayers` adds that many zero-weight 512x512 matrix products after pooling (a model slow
 * enough for timeouts); `id2label` replaces config.json's labels (default SAFE / INJECTION).
 */
export async function writeTinyModel(dir, options = {}) {
  await mkdir(dir, { recursive: true });
  const root = protobuf.parse(ONNX_PROTO).root;
  const Model = root.lookupType('onnx.ModelProto');

  const emb = [];
  for (const token of VOCAB) {
    const row =
      token === '[PAD]'
        ? PAD_ROW
        : SPECIALS.includes(token)
          ? SPECIAL_ROW
          : ATTACK_WORDS.includes(token)
            ? ATTACK_ROW
            : BENIGN_ROW;
    emb.push(...row);
  }
  const initializer = [
    { name: 'emb', dims: [VOCAB.length, 2], dataType: FLOAT, floatData: emb },
    { name: 'bias', dims: [2], dataType: FLOAT, floatData: BIAS },
    { name: 'axes_unsqueeze', dims: [1], dataType: INT64, int64Data: [2] },
    { name: 'axes_sum', dims: [1], dataType: INT64, int64Data: [1] },
  ];
  const nodes = [
    node('Gather', ['emb', 'input_ids'], ['gathered']),
    node('Cast', ['attention_mask'], ['mask_f'], [{ name: 'to', i: FLOAT, type: ATTR_INT }]),
    node('Unsqueeze', ['mask_f', 'axes_unsqueeze'], ['mask_3d']),
    node('Mul', ['gathered', 'mask_3d'], ['masked']),
    node(
      'ReduceSum',
      ['masked', 'axes_sum'],
      ['pooled'],
      [{ name: 'keepdims', i: 0, type: ATTR_INT }],
    ),
  ];
  const layers = options.slowLayers ?? 0;
  if (layers === 0) {
    nodes.push(node('Add', ['pooled', 'bias'], ['logits']));
  } else {
    const n = 512;
    initializer.push(
      { name: 'w_in', dims: [2, n], dataType: FLOAT, floatData: new Array(2 * n).fill(0) },
      { name: 'w_mid', dims: [n, n], dataType: FLOAT, floatData: new Array(n * n).fill(0) },
      { name: 'w_out', dims: [n, 2], dataType: FLOAT, floatData: new Array(n * 2).fill(0) },
    );
    nodes.push(node('Add', ['pooled', 'bias'], ['base']));
    nodes.push(node('MatMul', ['pooled', 'w_in'], ['h0']));
    for (let k = 1; k <= layers; k++) nodes.push(node('MatMul', [`h${k - 1}`, 'w_mid'], [`h${k}`]));
    nodes.push(node('MatMul', [`h${layers}`, 'w_out'], ['extra']));
    nodes.push(node('Add', ['base', 'extra'], ['logits']));
  }
  const model = {
    irVersion: 8,
    producerName: 'llmtrace-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-injection-classifier',
      node: nodes,
      initializer,
      input: [
        valueInfo('input_ids', INT64, ['batch', 'sequence']),
        valueInfo('attention_mask', INT64, ['batch', 'sequence']),
      ],
      output: [valueInfo('logits', FLOAT, ['batch', 2])],
    },
  };
  const problem = Model.verify(model);
  if (problem !== null) throw new Error(`tiny model: ${problem}`);
  await writeFile(join(dir, 'model.onnx'), Model.encode(Model.fromObject(model)).finish());

  const special = (content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((t, i) => special(t, i)),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
    },
  };
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      do_lower_case: true,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      model_max_length: 512,
    }),
  );
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      architectures: ['TinyBagOfWordsForSequenceClassification'],
      id2label: options.id2label ?? { 0: 'SAFE', 1: 'INJECTION' },
      max_position_embeddings: 512,
    }),
  );
}

/**
 * A cost stand-in for a base-size transformer encoder (benchmarks only, not a classifier): the
 * tiny tokenizer, then per layer the dense products of a BERT/DeBERTa-base layer — four
 * `hidden x hidden` projections and the `hidden x ffn` / `ffn x hidden` feed-forward pair — over
 * every token, then a sum over tokens and a 2-class head. All weights are zero and shared between
 * layers (the file stays small); attention's softmax and the T² score products are left out.
 * With 12 layers, 768 and 3072 it does the dense work of an 85 M-parameter encoder.
 */
export async function writeDenseStandIn(dir, { layers = 12, hidden = 768, ffn = 3072 } = {}) {
  await mkdir(dir, { recursive: true });
  const root = protobuf.parse(ONNX_PROTO).root;
  const Model = root.lookupType('onnx.ModelProto');
  const zeros = (n) => new Array(n).fill(0);
  const initializer = [
    {
      name: 'emb',
      dims: [VOCAB.length, hidden],
      dataType: FLOAT,
      floatData: zeros(VOCAB.length * hidden),
    },
    { name: 'w_att', dims: [hidden, hidden], dataType: FLOAT, floatData: zeros(hidden * hidden) },
    { name: 'w_up', dims: [hidden, ffn], dataType: FLOAT, floatData: zeros(hidden * ffn) },
    { name: 'w_down', dims: [ffn, hidden], dataType: FLOAT, floatData: zeros(ffn * hidden) },
    { name: 'w_cls', dims: [hidden, 2], dataType: FLOAT, floatData: zeros(hidden * 2) },
    { name: 'axes_sum', dims: [1], dataType: INT64, int64Data: [1] },
  ];
  const nodes = [node('Gather', ['emb', 'input_ids'], ['x0'])];
  let x = 'x0';
  for (let l = 0; l < layers; l++) {
    for (const step of ['q', 'k', 'v', 'o']) {
      nodes.push(node('MatMul', [x, 'w_att'], [`l${l}_${step}`]));
      x = `l${l}_${step}`;
    }
    nodes.push(node('MatMul', [x, 'w_up'], [`l${l}_up`]));
    nodes.push(node('MatMul', [`l${l}_up`, 'w_down'], [`l${l}_down`]));
    x = `l${l}_down`;
  }
  nodes.push(
    node('ReduceSum', [x, 'axes_sum'], ['pooled'], [{ name: 'keepdims', i: 0, type: ATTR_INT }]),
  );
  nodes.push(node('MatMul', ['pooled', 'w_cls'], ['logits']));
  const model = {
    irVersion: 8,
    producerName: 'llmtrace-bench',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'dense-stand-in',
      node: nodes,
      initializer,
      input: [
        valueInfo('input_ids', INT64, ['batch', 'sequence']),
        valueInfo('attention_mask', INT64, ['batch', 'sequence']),
      ],
      output: [valueInfo('logits', FLOAT, ['batch', 2])],
    },
  };
  await writeTinyModel(dir);
  await writeFile(join(dir, 'model.onnx'), Model.encode(Model.fromObject(model)).finish());
}
