/**
 * IR → Keras (functional API; runs on Keras 3 and on tf.keras 2.x). The layers are the registry's tfjs builders
 * (or a kind's own Keras builder, `keras.build`), recorded and rendered with Keras names (`tf.layers.lstm({unitForgetBias})` → `layers.LSTM(unit_forget_bias=…)`),
 * so every argument whose default differs between frameworks is written out; what Keras defaults differently on
 * top of that (hard sigmoid) is handled here. The GRU's resetAfter is a registry argument, written as reset_after.
 * Weights load 1:1: Keras and TF.js share the layout (a reset-after GRU's bias is [2, 3H] in both), except the
 * two-bias LSTM's [2, 4H] bias: Keras's LSTM holds one bias, so it gets the rows' sum (the same function).
 */
import { LOSS_NAMES, outputLosses, type LossKind, type ModelIR } from '../compiler/index.ts';
import type { TrainingSettings } from '../graph/types.ts';
import { LAYERS } from '../layers/index.ts';
import { isTwoBiasLstm } from '../layers/recurrent.ts';
import { commentText, identifiers, portVars, pyStr, pyValue } from './escape.ts';
import { predictPy } from './python-support.ts';
import { usesTwoBiasLstm } from './tfjs.ts';
import { Applied, Call, record, Var } from './tfjs-recorder.ts';

/** tfjs factory → Keras class: each kind's own (its registry entry), and the initializers. */
const KERAS_CLASS: Record<string, string> = {
  ...Object.fromEntries(Object.values(LAYERS).map((s) => [s.keras.factory, s.keras.classNames[0]])),
  glorotUniform: 'GlorotUniform', glorotNormal: 'GlorotNormal', heUniform: 'HeUniform', heNormal: 'HeNormal', orthogonal: 'Orthogonal',
  identity: 'Identity', zeros: 'Zeros', ones: 'Ones', randomUniform: 'RandomUniform',
};

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/**
 * TF.js's hard sigmoid is clip(0.2x + 0.5); Keras 3's "hard_sigmoid" is clip(x/6 + 0.5) and tf.keras 2's is the
 * former, so each is a function written out here (HARD_SIGMOIDS), exact on both Keras versions.
 */
const HARD_SIGMOIDS: Record<string, { name: string; doc: string; body: string }> = {
  hardSigmoid: { name: 'tfjs_hard_sigmoid', doc: 'TF.js / Keras 2 hard sigmoid, clip(0.2 x + 0.5, 0, 1). Keras 3\'s "hard_sigmoid" is clip(x / 6 + 0.5, 0, 1)', body: '0.2 * x + 0.5' },
  hardSigmoidKeras3: { name: 'keras3_hard_sigmoid', doc: 'Keras 3 hard sigmoid, clip(x / 6 + 0.5, 0, 1). tf.keras 2\'s "hard_sigmoid" is clip(0.2 x + 0.5, 0, 1)', body: 'x / 6.0 + 0.5' },
};
const activation = (a: string) => HARD_SIGMOIDS[a]?.name ?? pyStr(a);

function kerasClass(fn: string): string {
  const c = KERAS_CLASS[fn];
  if (!c) throw new Error(`no Keras equivalent for tf.*.${fn}`);
  return c;
}

/** Python for a recorded value, keyword arguments one per line for layers. */
function py(v: unknown, indent = '', key = ''): string {
  if (v instanceof Var) return v.name;
  if (v instanceof Applied) {
    const kw = Object.entries(v.kwargs ?? {}).map(([k, xs]) => `, ${snake(k)}=${typeof xs === 'boolean' ? pyValue(xs) : `[${xs.map((x) => py(x)).join(', ')}]`}`).join('');
    return `${py(v.layer, indent)}(${Array.isArray(v.inputs) ? `[${v.inputs.map((i) => py(i)).join(', ')}]` : py(v.inputs)}${kw})`;
  }
  if (v instanceof Call) {
    // Keras's LSTM has no second bias: a two-bias LSTM is written as a plain one and loaded with the sum b_x + b_h.
    const { twoBiases: _twoBiases, ...args } = { ...(v.args[0] as Record<string, unknown> | undefined) };
    const kw = Object.entries(args).filter(([, x]) => x !== undefined);
    if (v.ns === '') return `keras.Input(${kw.map(([k, x]) => `${k}=${py(x, indent, k)}`).join(', ')})`;
    if (v.ns === 'initializers') return `keras.initializers.${kerasClass(v.fn)}(${kw.map(([k, x]) => `${k}=${py(x, indent, k)}`).join(', ')})`;
    const inner = `${indent}    `;
    return `layers.${kerasClass(v.fn)}(${kw.length ? `\n${kw.map(([k, x]) => `${inner}${snake(k)}=${py(x, inner, k)},`).join('\n')}\n${indent}` : ''})`;
  }
  if (key === 'activation' || key === 'recurrentActivation') return activation(v as string);
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) return `(${v.map((x) => py(x, indent)).join(', ')}${v.length === 1 ? ',' : ''})`;
  return pyValue(v as number | boolean | null);
}

/** The two-bias LSTM's bias [2, 4H] (rows b_x, b_h) into Keras's LSTM bias [4H]: their sum, the bias the gates see. */
const SUMMED_BIASES_PY = `

def summed_biases(values, variables):
    """An LSTM with two biases (Keras CuDNNLSTM, PyTorch's bias_ih and bias_hh) holds b_x and b_h as the rows of a
    [2, 4H] bias; Keras's LSTM adds one bias [4H], so it gets b_x + b_h, the same function."""
    return [v.sum(axis=0) if v.ndim == 2 and len(w.shape) == 1 else v for v, w in zip(values, variables)]
`;

const hardSigmoidsOf = (ir: ModelIR) =>
  Object.keys(HARD_SIGMOIDS).filter((a) => ir.layers.some((l) => [l.params, l.inner?.params].some((p) => p?.recurrentActivation === a || p?.activation === a)));

/** `model.py` for Keras: build_model() and load_tfjs_weights(model, folder). */
export function emitKeras(ir: ModelIR, title: string): string {
  const ids = identifiers(ir);
  const v = (id: string) => ids.get(id)!;
  const body: string[] = [];
  for (const l of ir.layers) {
    const spec = LAYERS[l.kind];
    body.push(...(spec.notes?.keras?.(l) ?? []).map((n) => `# ${n}`));
    const twoBias = [l, l.inner].find(isTwoBiasLstm);
    if (twoBias)
      body.push(`# Keras's LSTM holds one bias, b_x + b_h: ${4 * (twoBias.params.units as number) * (l.inner ? 2 : 1)} parameters (4·units${l.inner ? ' per direction' : ''}) fewer than RNN Studio's two-bias LSTM (Keras CuDNNLSTM).`);
    const vars = portVars(l, ids);
    const built = record((tf, ctx) => (spec.keras.build ?? spec.tfjs)(tf, l.params, ctx), { name: l.name, seed: l.seed, inner: l.inner, inputShapes: l.inputShapes }, vars.inputs, vars.states);
    // With return_state a recurrent layer returns [output, h, (c)], the order of its output ports.
    body.push(`${vars.outputs.join(', ')} = ${py(built)}`);
  }
  const ind = (s: string[]) => s.join('\n').replace(/^(?=.)/gm, '    ');
  const hardDef = hardSigmoidsOf(ir)
    .map((a) => HARD_SIGMOIDS[a])
    .map(
      (h) => `

@keras.saving.register_keras_serializable(package="rnn_studio")
def ${h.name}(x):
    """${h.doc},
    a different function, so the exact one is written out (relu capped at 1 is the clip on both Keras versions).
    Registered, because a Bidirectional layer re-creates its layers from their config, and Keras looks an
    unregistered function up only in its own packages."""
    return keras.activations.relu(${h.body}, max_value=1.0)
`,
    )
    .join('');
  const inputs = ir.inputs.map(v);
  return `# ${commentText(title)}
# Generated by RNN Studio: the TF.js model in Keras (functional API; Keras 3 with any backend, or tf.keras 2.15).
# Defaults that differ between TF.js, Keras and PyTorch (recurrent_activation, unit_forget_bias, reset_after,
# initializers) are explicit.
import keras
from keras import layers

from tfjs_weights import read_tfjs_weights
${hardDef}${usesTwoBiasLstm(ir) ? SUMMED_BIASES_PY : ''}

def build_model():
${ind(body)}
    return keras.Model(inputs=${inputs.length === 1 ? inputs[0] : `[${inputs.join(', ')}]`}, outputs=${ir.outputs.length === 1 ? v(ir.outputs[0]) : `[${ir.outputs.map(v).join(', ')}]`}, name="rnn_studio")


def load_tfjs_weights(model, folder):
    """Copies the TF.js weights (model.json + weights.bin in \`folder\`) into the model. Keras uses the same layout and
    order: per layer [kernel, recurrent_kernel, bias] or [embeddings], a Bidirectional's forward weights then its
    backward ones, exactly as the manifest lists them under "<layer>/...". Fails when a layer's weights are missing
    or when a weight in the file belongs to no layer (set_weights checks the shapes)."""
    weights = read_tfjs_weights(folder)
    used = set()
    for layer in model.layers:
        own = [name for name in weights if name.split("/")[0] == layer.name]
        if len(own) != len(layer.weights):
            raise ValueError("layer %r has %d weights but %s holds %d for it: %s" % (layer.name, len(layer.weights), folder, len(own), own))
        if own:
            layer.set_weights(${usesTwoBiasLstm(ir) ? 'summed_biases([weights[name] for name in own], layer.weights)' : '[weights[name] for name in own]'})
        used.update(own)
    unused = [name for name in weights if name not in used]
    if unused:
        raise ValueError("weights in %s that belong to no layer of the model: %s" % (folder, unused))
`;
}

export const KERAS_PREDICT_PY = predictPy(
  'from model import build_model, load_tfjs_weights',
  `    model = build_model()
    load_tfjs_weights(model, args.weights)
    # model.predict returns numpy on every backend (a tensor that requires grad or lives on a GPU would not convert).
    print(tensor_json(model.predict(read_input(args, HERE), verbose=0)))`,
);

/** Each loss as the Keras class that computes it (the same formula, clipping 1e-7 and mean as the app). */
const KERAS_LOSS_CLASS: Record<LossKind, string> = {
  ce: 'SparseCategoricalCrossentropy(from_logits=False)',
  bce: 'BinaryCrossentropy(from_logits=False)',
  mse: 'MeanSquaredError()',
};

/** The app's training loss for a one-output model (`outputLosses`), as a Keras loss: the same formula, clipping (1e-7) and mean. */
const KERAS_LOSS: Record<LossKind, string> = {
  ce: `# The model ends in a softmax and y holds class ids: sparse categorical cross-entropy.
    loss = keras.losses.${KERAS_LOSS_CLASS.ce}`,
  bce: `# The model ends in a sigmoid: binary cross-entropy on targets shaped like the output.
    loss = keras.losses.${KERAS_LOSS_CLASS.bce}
    if y.ndim < len(model.outputs[0].shape):
        y = y[..., None]`,
  mse: `# Mean squared error on targets shaped like the output.
    loss = keras.losses.${KERAS_LOSS_CLASS.mse}
    if y.ndim < len(model.outputs[0].shape):
        y = y[..., None]`,
};

/**
 * train.py for Keras: compiles with the graph's optimizer, learning rate, loss and gradient clipping (global norm,
 * as the app clips), then fits on the exported data (`rnn-studio export --data N`) starting from the exported weights.
 */
export function emitKerasTrain(ir: ModelIR, t: TrainingSettings | undefined): string {
  const opt = t?.optimizer ?? 'adam';
  // Porting note: the app's optimizers are tfjs's (epsilon 1e-7, RMSprop decay 0.9), written out here.
  const optimizer =
    opt === 'adam' ? 'keras.optimizers.Adam(learning_rate=args.lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, global_clipnorm=args.clip_norm)'
    : opt === 'rmsprop' ? 'keras.optimizers.RMSprop(learning_rate=args.lr, rho=0.9, momentum=0.0, epsilon=1e-7, global_clipnorm=args.clip_norm)'
    : 'keras.optimizers.SGD(learning_rate=args.lr, global_clipnorm=args.clip_norm)';
  const outs = outputLosses(ir);
  // Several outputs: Keras sums each output's loss times its loss weight (compile(loss={...}, loss_weights={...})).
  const lossLines = outs.length === 1 ? `    ${KERAS_LOSS[outs[0].kind]}
    model.compile(optimizer=${optimizer}, loss=loss)` : `    ys = y  # one target per output, in order
    y = {}
${outs.map((o, i) => `    # ${o.name}: ${LOSS_NAMES[o.kind]}, loss weight ${o.weight}
    y[${pyStr(o.name)}] = ys[${i}]${o.kind === 'ce' ? '' : `[..., None] if ys[${i}].ndim < len(model.outputs[${i}].shape) else ys[${i}]`}`).join('\n')}
    model.compile(
        optimizer=${optimizer},
        loss={${outs.map((o) => `${pyStr(o.name)}: keras.losses.${KERAS_LOSS_CLASS[o.kind]}`).join(', ')}},
        loss_weights={${outs.map((o) => `${pyStr(o.name)}: ${pyValue(o.weight)}`).join(', ')}},
    )`;
  return `"""Trains the exported model in Keras: python3 train.py --epochs 1

--x / --y (default: train_x.json / train_y.json here, written by "rnn-studio export --data N") hold the inputs and
targets as {"dtype", "shape", "data"} (the predict contract); y holds class ids for a softmax model. Training starts
from the exported weights (--fresh for new ones) with the graph's optimizer, learning rate, loss and clipping, and
saves the model as a .keras file.
"""
import argparse
import os

import keras

from model import build_model, load_tfjs_weights
from tensor_json import read_tensor

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--x", default=os.path.join(HERE, "train_x.json"))
    ap.add_argument("--y", default=os.path.join(HERE, "train_y.json"))
    ap.add_argument("--epochs", type=int, default=${t?.epochs ?? 1})
    ap.add_argument("--batch-size", type=int, default=${t?.batchSize ?? 32})
    ap.add_argument("--lr", type=float, default=${t?.learningRate ?? 0.001})
    ap.add_argument("--clip-norm", type=float, default=${pyValue(t?.clipNorm ?? null)}, help="clip the gradients' global norm (none: no clipping)")
    ap.add_argument("--seed", type=int, default=${t?.seed ?? ir.seed})
    ap.add_argument("--fresh", action="store_true", help="start from fresh initial weights instead of the exported ones")
    ap.add_argument("--out", default="trained.keras")
    args = ap.parse_args()

    keras.utils.set_random_seed(args.seed)
    x, y = read_tensor(args.x), read_tensor(args.y)
    model = build_model()
    if not args.fresh:
        load_tfjs_weights(model, HERE)
${lossLines}
    model.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, shuffle=True)
    model.save(args.out)
    print("saved " + args.out)


if __name__ == "__main__":
    main()
`;
}
