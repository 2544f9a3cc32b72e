/**
 * The export folder for each target, as text files. The caller adds the weights (`model.json` + `weights.bin`,
 * written by the runtime), because producing them needs tfjs.
 */
import type { ModelIR } from '../compiler/index.ts';
import type { TextInput } from '../graph/types.ts';
import type { PairVocab, TrainingSettings } from '../graph/types.ts';
import { decodable, emitKerasDecode, emitTorchDecode } from './decode-py.ts';
import { commentText } from './escape.ts';
import { emitKeras, emitKerasTrain, KERAS_PREDICT_PY } from './keras.ts';
import { TENSOR_JSON_PY, TFJS_WEIGHTS_PY } from './python-support.ts';
import { emitPytorchModel } from './pytorch.ts';
import { emitTorchTrain, TORCH_PREDICT_PY } from './pytorch-scripts.ts';
import { emitTfjsModel, TFJS_PREDICT_MJS, usesAttention, usesResetAfterGru, usesTwoBiasLstm } from './tfjs.ts';
import { ATTENTION_LAYER_MJS } from './tfjs-attention.ts';
import { GRU_LAYER_MJS } from './tfjs-gru.ts';
import { LSTM_LAYER_MJS } from './tfjs-lstm.ts';
import { RNN_LAYERS_PY } from './torch-support.ts';

export const TARGETS = ['pytorch', 'keras', 'tfjs'] as const;
export type Target = (typeof TARGETS)[number];

export interface ExportInfo {
  /** The model's name, shown in comments and the README (escaped; never code). */
  title: string;
  training?: TrainingSettings;
  /** Whether the weights are trained ones or the seeded initial weights. */
  trained: boolean;
  /** A text model's input: vocab.json goes with the export and the predict script takes `--text "…"`. */
  text?: TextInput;
  /** An encoder–decoder's pair task: vocab.json holds its vocabularies and a `decode.py` decodes typed words. */
  pairs?: PairVocab;
  /** Training data written beside the code (`train_x.json` / `train_y.json`): how many samples of which task. */
  data?: { samples: number; task: string };
}

/** Text files of an export folder, by file name (weights excluded). */
export function exportFiles(ir: ModelIR, target: Target, info: ExportInfo): Record<string, string> {
  const decode = info.pairs && target !== 'tfjs' ? (target === 'pytorch' ? emitTorchDecode : emitKerasDecode)(ir) : null;
  return {
    ...codeFiles(ir, target, info),
    ...(info.text ? { 'vocab.json': JSON.stringify({ ...info.text, pad: 0, unknown: 1 }) } : {}),
    ...(decode ? { 'decode.py': decode, 'vocab.json': JSON.stringify(info.pairs) } : {}),
  };
}

function codeFiles(ir: ModelIR, target: Target, info: ExportInfo): Record<string, string> {
  const title = commentText(info.title) || 'RNN Studio model';
  switch (target) {
    case 'pytorch':
      return {
        'model.py': emitPytorchModel(ir, title),
        'rnn_layers.py': RNN_LAYERS_PY,
        'tfjs_weights.py': TFJS_WEIGHTS_PY,
        'tensor_json.py': TENSOR_JSON_PY,
        'predict.py': TORCH_PREDICT_PY,
        'train.py': emitTorchTrain(ir, info.training),
        'README.md': readme(target, title, info, ir),
      };
    case 'keras':
      return {
        'model.py': emitKeras(ir, title),
        'tfjs_weights.py': TFJS_WEIGHTS_PY,
        'tensor_json.py': TENSOR_JSON_PY,
        'predict.py': KERAS_PREDICT_PY,
        'train.py': emitKerasTrain(ir, info.training),
        'README.md': readme(target, title, info, ir),
      };
    case 'tfjs':
      return {
        'model.mjs': emitTfjsModel(ir, title),
        ...(usesResetAfterGru(ir) ? { 'gru_layer.mjs': GRU_LAYER_MJS } : {}),
        ...(usesTwoBiasLstm(ir) ? { 'lstm_layer.mjs': LSTM_LAYER_MJS } : {}),
        ...(usesAttention(ir) ? { 'attention_layer.mjs': ATTENTION_LAYER_MJS } : {}),
        'predict.mjs': TFJS_PREDICT_MJS,
        'README.md': readme(target, title, info, ir),
      };
  }
}

/** The main code file of a target, for previews. */
export const MAIN_FILE: Record<Target, string> = { pytorch: 'model.py', keras: 'model.py', tfjs: 'model.mjs' };

function readme(target: Target, title: string, info: ExportInfo, ir: ModelIR): string {
  const weights = info.trained ? 'the trained weights' : 'the seeded initial weights (the graph has not been trained)';
  const run =
    target === 'tfjs'
      ? 'npm install @tensorflow/tfjs@4.22.0\nnode predict.mjs --input x.json'
      : target === 'pytorch'
        ? 'pip install torch numpy\npython3 predict.py --input x.json'
        : `pip install "keras>=3" tensorflow          # Keras 3 needs a backend: tensorflow, or torch / jax with KERAS_BACKEND
# pip install "keras>=3" torch && export KERAS_BACKEND=torch
# pip install "tensorflow==2.15.*"             # tf.keras 2.15: its keras package is tf.keras, the code is the same
python3 predict.py --input x.json
python3 train.py --epochs 1                    # trains on train_x.json / train_y.json (see Training data)`;
  const files: Record<Target, string> = {
    pytorch: `- \`model.py\`: \`Model(nn.Module)\`, batch first; \`load_tfjs(weights)\` and \`init_weights()\`.
- \`rnn_layers.py\`: the recurrent layers. \`Recurrent\` wraps \`nn.RNN\` / \`nn.LSTM\` / \`nn.GRU\` where they compute
  exactly what the model computes (\`nn.GRU\` is the reset-after GRU, Keras's default), and \`LoopRNN\` where they
  cannot: the reset-before GRU (TF.js's; \`nn.GRU\` has no such form), hard-sigmoid gates, other activations. Masking is TF.js's: at padded steps the state and the
  output are carried over (left, right or inner padding).
- \`train.py\`: trains on \`train_x.json\`/\`train_y.json\` (see Training data); runs as is on one machine or under
  \`torchrun --nproc_per_node=N --redirects 1 --tee 1 train.py ...\` (DistributedDataParallel, gloo on CPU; the
  two log flags are needed with Debian's torch 1.13 on Python 3.11).
- \`predict.py\`, \`tfjs_weights.py\` (reads the weights with numpy), \`tensor_json.py\`.`,
    keras: `- \`model.py\`: \`build_model()\` (functional API) and \`load_tfjs_weights(model, folder)\` (same layout as Keras).
- \`train.py\`: compiles with the graph's optimizer, learning rate, loss and gradient clipping and fits on \`train_x.json\`/\`train_y.json\` (see Training data).
- \`predict.py\`, \`tfjs_weights.py\` (reads the weights with numpy), \`tensor_json.py\`.
- With a padding mask, Keras zero-fills a Bidirectional layer's padded output steps where TF.js repeats the last state.`,
    tfjs: `- \`model.mjs\`: \`buildModel(tf)\` builds the same layers with the same seeds; \`loadWeights(tf, model, modelJson, bytes)\`.
- \`predict.mjs\`: Node script (needs \`@tensorflow/tfjs\` 4.22).${usesResetAfterGru(ir) ? `
- \`gru_layer.mjs\`: the reset-after GRU layer class (stock TF.js 4.22 cannot build it). \`model.mjs\` uses it; call
  \`withGru(tf)\` before \`tf.loadLayersModel\` to load \`model.json\` directly.` : ''}${usesTwoBiasLstm(ir) ? `
- \`lstm_layer.mjs\`: the two-bias LSTM layer class (Keras CuDNNLSTM; stock TF.js 4.22's LSTM has one bias). \`model.mjs\` uses it;
  call \`withLstm(tf)\` before \`tf.loadLayersModel\` to load \`model.json\` directly.` : ''}${usesAttention(ir) ? `
- \`attention_layer.mjs\`: Keras's Attention / AdditiveAttention / Subtract layer classes and Keras 3's hard sigmoid (stock TF.js 4.22 has none of them). \`model.mjs\`
  uses them; call \`withAttention(tf)\` before \`tf.loadLayersModel\` to load \`model.json\` directly.` : ''}`,
  };
  return `# ${title}

Exported from RNN Studio for ${target === 'tfjs' ? 'TF.js' : target === 'pytorch' ? 'PyTorch' : 'Keras'}, with ${weights}.

## Run

\`\`\`sh
${run}
\`\`\`

\`x.json\` is \`{"dtype": "int32" | "float32", "shape": [batch, time(, features)], "data": [...]}\` (data flat, row-major;
token id 0 is padding when the Embedding masks zeros)${ir.inputs.length > 1 ? `, or here, where the model has ${ir.inputs.length} Inputs, a list of
${ir.inputs.length} such tensors, one per Input in order` : ''}. The script prints \`{"shape": [...], "data": [...]}\`.${info.text ? `

This is a text model: \`vocab.json\` holds the vocabulary it was trained on (id → token; 0 padding, 1 unknown), the
tokenizer (${info.text.tokenizer === 'chars' ? 'lowercased characters' : 'lowercased words, split like torchtext\'s basic_english'}) and the tokens kept${info.text.maxLen === null ? '' : ` (${info.text.maxLen})`}, so the script also
takes a sentence: \`${target === 'tfjs' ? 'node predict.mjs' : 'python3 predict.py'} --text "Win a FREE iPhone now"\` prints the probabilities the app's "try it" shows.` : ''}

## Files

${files[target]}${info.pairs && target !== 'tfjs' && decodable(ir) ? `
- \`decode.py\` + \`vocab.json\`: decodes words as the app's "try it" does, token for token:
  \`python3 decode.py WORD ... [--beam K] [--json]\` (or one word per line on stdin).` : ''}${target === 'tfjs' ? '' : `

## Training data

${info.data
    ? `This export includes it: \`train_x.json\` / \`train_y.json\` hold ${info.data.samples} training samples of the task \`${commentText(info.data.task)}\` (the graph's, with the same seed as the app), in the format of \`x.json\`; \`train.py\` reads them by default.`
    : `This export includes none. \`train.py\` reads \`train_x.json\` / \`train_y.json\` (or \`--x\` / \`--y\`, in the format of \`x.json\`); the command line writes N samples of the graph's task, with the same seed as the app, beside the code:
\`rnn-studio export graph.json --format ${target} --data N --out <this folder>\`.`}`}
- \`model.json\` + \`weights.bin\`: the weights in the TF.js layers-model format. \`weightsManifest\` lists each weight's
  name, shape and dtype (float32, little-endian, row-major, concatenated in order). Names: \`<layer>/kernel\`
  ([inputs, k·units], used as x·K), \`<layer>/recurrent_kernel\`, \`<layer>/bias\`, \`<layer>/embeddings\`; a Bidirectional's
  are \`<layer>/forward_<inner>/…\` and \`<layer>/backward_<inner>/…\`. Gate blocks: LSTM i, f, c, o; GRU z, r, h.
`;
}
