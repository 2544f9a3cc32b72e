/**
 * IR → Keras (functional API; runs on Keras 3 and on tf.keras 2.x) with every argument whose default differs
 * between frameworks written out, and a loader for the exported TF.js weights (same layout as Keras: copied 1:1).
 */
import type { ModelIR } from '../compiler/index.ts';
import { assertNever, type Params } from '../graph/types.ts';
import { commentText, identifiers, pyStr, pyValue } from './escape.ts';

const KERAS_INIT: Record<string, (seed: number) => string> = {
  glorotUniform: (s) => `keras.initializers.GlorotUniform(seed=${s})`,
  glorotNormal: (s) => `keras.initializers.GlorotNormal(seed=${s})`,
  heUniform: (s) => `keras.initializers.HeUniform(seed=${s})`,
  heNormal: (s) => `keras.initializers.HeNormal(seed=${s})`,
  orthogonal: (s) => `keras.initializers.Orthogonal(gain=1.0, seed=${s})`,
  identity: () => 'keras.initializers.Identity(gain=1.0)',
  zeros: () => 'keras.initializers.Zeros()',
};

const act = (a: string) => (a === 'hardSigmoid' ? 'tfjs_hard_sigmoid' : pyStr(a));

/** The Keras recurrent layer constructor, mirroring `makeRecurrentLayer` (src/layers/recurrent.ts). */
function recurrentLayer(kind: string, p: Params, name: string, seed: number, indent: string): string {
  const args = [
    `units=${p.units}`,
    `activation=${act(p.activation as string)}`,
    ...(kind !== 'SimpleRNN' ? [`recurrent_activation=${act(p.recurrentActivation as string)}`] : []),
    `use_bias=${pyValue(p.useBias as boolean)}`,
    `kernel_initializer=${KERAS_INIT[p.kernelInitializer as string](seed)}`,
    `recurrent_initializer=${KERAS_INIT[p.recurrentInitializer as string](seed + 1)}`,
    `bias_initializer=keras.initializers.Zeros()`,
    ...(kind === 'LSTM' ? [`unit_forget_bias=${pyValue(p.unitForgetBias as boolean)}`] : []),
    ...(kind === 'GRU' ? ['reset_after=False,  # TF.js computes the reset gate before the recurrent matmul'] : []),
    `dropout=${p.dropout}`,
    `recurrent_dropout=${p.recurrentDropout}`,
    `return_sequences=${pyValue(p.returnSequences as boolean)}`,
    `go_backwards=${pyValue(p.goBackwards as boolean)}`,
    `name=${pyStr(name)}`,
  ].map((a) => (a.includes('#') ? a : `${a},`));
  return `layers.${kind}(\n${indent}    ${args.join(`\n${indent}    `)}\n${indent})`;
}

/** `model.py` for Keras: build_model() and load_tfjs_weights(model, folder). */
export function emitKeras(ir: ModelIR, title: string): string {
  const ids = identifiers(ir);
  const v = (id: string) => ids.get(id)!;
  const body: string[] = [];
  const load: string[] = [];
  const w = (n: string) => `w[${pyStr(n)}]`;
  const rnnWeights = (prefix: string, p: Params) => [w(`${prefix}/kernel`), w(`${prefix}/recurrent_kernel`), ...(p.useBias ? [w(`${prefix}/bias`)] : [])];
  let hard = false;
  for (const l of ir.layers) {
    const p = l.params;
    const x = l.inputs.map(v);
    const call = (ctor: string) => body.push(`${v(l.id)} = ${ctor}(${x[0]})`);
    const setW = (list: string[]) => load.push(`model.get_layer(${pyStr(l.name)}).set_weights([${list.join(', ')}])`);
    switch (l.kind) {
      case 'Input': {
        const tokens = p.inputType === 'tokens';
        const T = pyValue((p.length as number) || null);
        body.push(`${v(l.id)} = keras.Input(shape=(${tokens ? `${T},` : `${T}, ${p.features}`}), dtype=${pyStr(tokens ? 'int32' : 'float32')}, name=${pyStr(l.name)})`);
        break;
      }
      case 'Embedding':
        call(`layers.Embedding(\n    input_dim=${p.inputDim},\n    output_dim=${p.outputDim},\n    mask_zero=${pyValue(p.maskZero as boolean)},\n    embeddings_initializer=keras.initializers.RandomUniform(minval=-0.05, maxval=0.05, seed=${l.seed}),\n    name=${pyStr(l.name)},\n)`);
        setW([w(`${l.name}/embeddings`)]);
        break;
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU':
        hard ||= p.recurrentActivation === 'hardSigmoid';
        call(recurrentLayer(l.kind, p, l.name, l.seed, ''));
        setW(rnnWeights(l.name, p));
        break;
      case 'Bidirectional': {
        const inner = l.inner!;
        hard ||= inner.params.recurrentActivation === 'hardSigmoid';
        if (l.inputShapes[0].masked && inner.params.returnSequences)
          body.push(
            '# Porting note: with a padding mask, Keras zero-fills the padded steps of a Bidirectional sequence output;',
            '# TF.js carries the last state there. Outputs at real (unpadded) steps are identical.',
          );
        call(`layers.Bidirectional(\n    ${recurrentLayer(inner.kind, inner.params, inner.name, inner.seed, '    ')},\n    merge_mode=${pyStr(p.mergeMode as string)},\n    name=${pyStr(l.name)},\n)`);
        // Keras orders a Bidirectional's weights forward first, then backward, each as [kernel, recurrent_kernel, bias].
        setW([...rnnWeights(`${l.name}/forward_${inner.name}`, inner.params), ...rnnWeights(`${l.name}/backward_${inner.name}`, inner.params)]);
        break;
      }
      case 'Dense':
        call(`layers.Dense(\n    units=${p.units},\n    activation=${pyStr(p.activation as string)},\n    use_bias=${pyValue(p.useBias as boolean)},\n    kernel_initializer=${KERAS_INIT[p.kernelInitializer as string](l.seed)},\n    bias_initializer=keras.initializers.Zeros(),\n    name=${pyStr(l.name)},\n)`);
        setW([w(`${l.name}/kernel`), ...(p.useBias ? [w(`${l.name}/bias`)] : [])]);
        break;
      case 'Dropout':
        call(`layers.Dropout(rate=${p.rate}, seed=${l.seed}, name=${pyStr(l.name)})`);
        break;
      case 'Concatenate':
        body.push(`${v(l.id)} = layers.Concatenate(axis=-1, name=${pyStr(l.name)})([${x.join(', ')}])`);
        break;
      case 'Add':
        body.push(`${v(l.id)} = layers.Add(name=${pyStr(l.name)})([${x.join(', ')}])`);
        break;
      case 'GlobalAveragePooling1D':
      case 'GlobalMaxPooling1D':
        call(`layers.${l.kind}(name=${pyStr(l.name)})`);
        break;
      default:
        assertNever(l.kind);
    }
  }
  const ind = (s: string[]) => s.join('\n').replace(/^(?=.)/gm, '    ');
  const hardDef = hard
    ? `

def tfjs_hard_sigmoid(x):
    """TF.js / Keras 2 hard sigmoid, clip(0.2 x + 0.5, 0, 1). Keras 3's "hard_sigmoid" is clip(x / 6 + 0.5, 0, 1),
    a different function, so the exact one is written out (relu capped at 1 is the clip on both Keras versions)."""
    return keras.activations.relu(0.2 * x + 0.5, max_value=1.0)
`
    : '';
  return `# ${commentText(title)}
# Generated by RNN Studio: the TF.js model in Keras (functional API; Keras 3 or tf.keras 2.x). Defaults that differ
# between TF.js, Keras and PyTorch (recurrent_activation, unit_forget_bias, reset_after, initializers) are explicit.
try:
    import keras
except ImportError:  # TensorFlow 2.x without standalone Keras
    from tensorflow import keras
from keras import layers

from tfjs_weights import read_tfjs_weights
${hardDef}

def build_model():
${ind(body)}
    return keras.Model(inputs=[${ir.inputs.map(v).join(', ')}], outputs=${v(ir.outputs[0])}, name="rnn_studio")


def load_tfjs_weights(model, folder):
    """Copies the TF.js weights (model.json + weights.bin in \`folder\`) into the model; Keras uses the same layout."""
    w = read_tfjs_weights(folder)
${ind(load.length ? load : ['pass'])}
`;
}

export const KERAS_PREDICT_PY = `"""Runs the exported model on one input: python3 predict.py --input x.json [--weights DIR].

Input {"dtype", "shape", "data"} (data flat, row-major); prints {"shape": [...], "data": [...]}.
"""
import argparse
import os

import numpy as np

from model import build_model, load_tfjs_weights
from tensor_json import read_tensor, tensor_json

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--input", required=True, help='JSON file {"dtype", "shape", "data"}')
    ap.add_argument("--weights", default=HERE, help="folder with model.json + weights.bin (default: this folder)")
    args = ap.parse_args()
    model = build_model()
    load_tfjs_weights(model, args.weights)
    y = model(read_tensor(args.input), training=False)
    print(tensor_json(np.asarray(y)))


if __name__ == "__main__":
    main()
`;
