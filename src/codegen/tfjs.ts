/**
 * IR → a TF.js ES module that builds the same functional model as the app (the registry's builders, recorded: every
 * argument explicit, seeds included) and a Node predict script that loads `model.json` + `weights.bin` into it.
 */
import { statesMasked, type ModelIR } from '../compiler/index.ts';
import { kerasShape, LAYERS } from '../layers/index.ts';
import { backwardSeed, isTwoBiasLstm, makeRecurrentLayer } from '../layers/recurrent.ts';
import { commentText, identifiers, jsStr, portVars } from './escape.ts';
import { Applied, Call, record, Var } from './tfjs-recorder.ts';

/** JavaScript for a recorded value; objects one key per line unless short. */
function js(v: unknown, indent = ''): string {
  if (v instanceof Var) return v.name;
  if (v instanceof Applied)
    return `${js(v.layer, indent)}.apply(${Array.isArray(v.inputs) ? `[${v.inputs.map((i) => js(i)).join(', ')}]` : js(v.inputs)}${v.kwargs ? `, ${js(v.kwargs, indent)}` : ''})`;
  if (v instanceof Call) return `tf.${v.ns ? `${v.ns}.` : ''}${v.fn}(${v.args.map((a) => js(a, indent)).join(', ')})`;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return jsStr(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => js(x, indent)).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  const simple = (x: unknown): boolean => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every(simple));
  if (entries.length <= 3 && entries.every(([, x]) => simple(x))) return `{ ${entries.map(([k, x]) => `${k}: ${js(x, indent)}`).join(', ')} }`;
  const inner = `${indent}  `;
  return `{\n${entries.map(([k, x]) => `${inner}${k}: ${js(x, inner)},`).join('\n')}\n${indent}}`;
}

/** Does the model hold a reset-after GRU (which needs gru_layer.mjs in TF.js)? */
export const usesResetAfterGru = (ir: ModelIR): boolean => ir.layers.some((l) => [l, l.inner].some((x) => x?.kind === 'GRU' && x.params.resetAfter));

/** Does the model hold a two-bias LSTM (which needs lstm_layer.mjs in TF.js, and its bias rows summed in Keras)? */
export const usesTwoBiasLstm = (ir: ModelIR): boolean => ir.layers.some((l) => [l, l.inner].some(isTwoBiasLstm));

/** Does the model hold an attention layer, a Subtract or Keras 3's hard sigmoid (which need attention_layer.mjs in TF.js)? */
export const usesAttention = (ir: ModelIR): boolean =>
  ir.layers.some((l) => ['Attention', 'AdditiveAttention', 'Subtract'].includes(l.kind) || [l, l.inner].some((x) => x?.params.recurrentActivation === 'hardSigmoidKeras3'));

/** `model.mjs`: `buildModel(tf)` → tf.LayersModel with the graph's layers, names and seeds, from the registry's builders. */
export function emitTfjsModel(ir: ModelIR, title: string): string {
  const ids = identifiers(ir);
  const v = (id: string) => ids.get(id)!;
  const lines: string[] = [];
  for (const l of ir.layers) {
    lines.push(...(LAYERS[l.kind].notes?.tfjs?.(l) ?? []).map((n) => `// ${n}`));
    const vars = portVars(l, ids);
    const built = record((tf, ctx) => LAYERS[l.kind].tfjs(tf, l.params, ctx), { name: l.name, seed: l.seed, inner: l.inner, inputShapes: l.inputShapes, statesMasked: statesMasked(ir, l) }, vars.inputs, vars.states);
    // With returnState a recurrent layer returns [output, h, (c)], the order of its output ports.
    lines.push(`const ${vars.outputs.length > 1 ? `[${vars.outputs.join(', ')}]` : vars.outputs[0]} = ${js(built)};`);
  }
  if (usesResetAfterGru(ir)) lines.unshift('tf = withGru(tf).tf; // tf.layers.gru builds the reset-after GRU too');
  if (usesTwoBiasLstm(ir)) lines.unshift('tf = withLstm(tf); // tf.layers.lstm builds the two-bias LSTM too');
  if (usesAttention(ir)) lines.unshift('tf = withAttention(tf); // tf.layers.attention / additiveAttention / subtract, Keras 3 hard sigmoid (not in stock TF.js)');
  const model = `tf.model({ inputs: [${ir.inputs.map(v).join(', ')}], outputs: ${ir.outputs.length === 1 ? v(ir.outputs[0]) : `[${ir.outputs.map(v).join(', ')}]`}, name: 'rnn_studio' })`;
  const bidis = ir.layers.filter((l) => l.kind === 'Bidirectional' && l.inner);
  if (bidis.length) {
    lines.push(`const model = ${model};`,
      "// TF.js's Bidirectional copies the wrapped layer's config, seeds included: as in the app, the backward direction",
      '// starts from its own seed, so the two directions do not start equal.');
    for (const l of bidis) {
      const inner = l.inner!;
      const fresh = record((tf) => makeRecurrentLayer(tf, inner.kind, inner.params, `${inner.name}_backward_init`, backwardSeed(inner.seed)) as never, { name: inner.name, seed: inner.seed }, []);
      lines.push(`reseedBackward(tf, model.getLayer(${jsStr(l.name)}), ${js(fresh)}, ${JSON.stringify(kerasShape(l.inputShapes[0]))});`);
    }
  }
  lines.push(`return ${bidis.length ? 'model' : model};`);
  const body = lines.join('\n').replace(/\n/g, '\n  ');
  return `// ${commentText(title)}
// Generated by RNN Studio. Builds the same layers as the app (TF.js 4.22), every argument that differs between
// frameworks explicit (recurrentActivation, unitForgetBias, initializers and their seeds); the numbers come from
// weights.bin through loadWeights.${usesResetAfterGru(ir) ? "\nimport { withGru } from './gru_layer.mjs';" : ''}${usesTwoBiasLstm(ir) ? "\nimport { withLstm } from './lstm_layer.mjs';" : ''}${usesAttention(ir) ? "\nimport { withAttention } from './attention_layer.mjs';" : ''}

/**
 * @param {typeof import('@tensorflow/tfjs')} tf
 * @returns {import('@tensorflow/tfjs').LayersModel}
 */
export function buildModel(tf) {
  ${body}
}
${bidis.length ? `
/** Gives a Bidirectional's backward direction the initial weights of \`fresh\` (built for \`inputShape\`). */
function reseedBackward(tf, wrapper, fresh, inputShape) {
  fresh.build(inputShape);
  const weights = fresh.getWeights();
  wrapper.backwardLayer.setWeights(weights);
  tf.dispose(weights);
}
` : ''}
/**
 * Loads weights in the TF.js layers-model format into a model from buildModel.
 * @param {typeof import('@tensorflow/tfjs')} tf
 * @param {import('@tensorflow/tfjs').LayersModel} model
 * @param {{ weightsManifest: { weights: object[] }[] }} modelJson the parsed model.json
 * @param {ArrayBuffer} weightData the concatenated weight files (weights.bin)
 */
export function loadWeights(tf, model, modelJson, weightData) {
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const named = tf.io.decodeWeights(weightData, specs);
  model.loadWeights(named, true); // strict: every weight of the model, matched by name and shape
  tf.dispose(Object.values(named));
}
`;
}

export const TFJS_PREDICT_MJS = `// Runs the exported model on one input: node predict.mjs --input x.json [--weights DIR], or, for a text model
// exported with its vocabulary (vocab.json), node predict.mjs --text "some words".
// Input {"dtype", "shape", "data"} (data flat, row-major), or a list of them (one per Input, in order); prints
// {"shape": [...], "data": [...]}.
// Needs @tensorflow/tfjs 4.22 (npm install @tensorflow/tfjs@4.22.0).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { buildModel, loadWeights } from './model.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { input: { type: 'string' }, text: { type: 'string' }, weights: { type: 'string', default: here } } });
if ((values.input === undefined) === (values.text === undefined)) {
  console.error('usage: node predict.mjs --input x.json | --text "some words" [--weights DIR]');
  process.exit(2);
}
await tf.setBackend('cpu');

/** As the app reads text: lowercased, then characters, or words split like torchtext's basic_english. */
function tokenize(text, tokenizer) {
  const t = text.toLowerCase();
  if (tokenizer === 'chars') return [...t];
  return t.replace(/<br \\/>/g, ' ').replace(/'/g, " ' ").replace(/"/g, '').replace(/([.,()!?])/g, ' $1 ').replace(/[;:]/g, ' ').split(/\\s+/).filter(Boolean);
}
/** The token ids of one text, [1, n] int32, with the vocabulary the model was trained on. */
function textTensor(text) {
  const vocab = JSON.parse(readFileSync(join(here, 'vocab.json'), 'utf8'));
  const index = new Map(vocab.words.map((w, i) => [w, i]));
  const ids = tokenize(text, vocab.tokenizer).map((w) => index.get(w) ?? vocab.unknown).slice(0, vocab.maxLen ?? Infinity);
  if (!ids.length) throw new Error('the text has no tokens');
  return { dtype: 'int32', shape: [1, ids.length], data: ids };
}
// One tensor, or a list of tensors: one per Input of the model, in order.
const parsed = values.text !== undefined ? textTensor(values.text) : JSON.parse(readFileSync(values.input, 'utf8'));
const xs = Array.isArray(parsed) ? parsed : [parsed];
for (const x of xs) if (x.dtype !== 'int32' && x.dtype !== 'float32') throw new Error('"dtype" must be "int32" or "float32"');
const modelJson = JSON.parse(readFileSync(join(values.weights, 'model.json'), 'utf8'));
const files = modelJson.weightsManifest.flatMap((group) => group.paths).map((p) => {
  const name = p.replace(/^\\.\\//, '');
  if (name.includes('/') || name.includes('\\\\') || name === '..') throw new Error('weight file names must not contain folders');
  return readFileSync(join(values.weights, name));
});
const bytes = Buffer.concat(files);
const model = buildModel(tf);
loadWeights(tf, model, modelJson, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
// One output prints {shape, data}; a model with several prints a list of them, in the model's output order.
const ys = [tf.tidy(() => model.predict(xs.map((x) => tf.tensor(x.data, x.shape, x.dtype))))].flat();
const out = await Promise.all(ys.map(async (y) => ({ shape: y.shape, data: Array.from(await y.data()) })));
console.log(JSON.stringify(out.length === 1 ? out[0] : out));
`;
