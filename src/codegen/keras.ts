/**
 * IR → Keras (functional API; runs on Keras 3 and on tf.keras 2.x). The layers are the registry's tfjs builders,
 * recorded and rendered with Keras names (`tf.layers.lstm({unitForgetBias})` → `layers.LSTM(unit_forget_bias=…)`),
 * so every argument whose default differs between frameworks is written out; what Keras defaults differently on
 * top of that (GRU reset_after, hard sigmoid) is handled here. Weights load 1:1: Keras and TF.js share the layout.
 */
import type { ModelIR } from '../compiler/index.ts';
import { LAYERS } from '../layers/index.ts';
import { commentText, identifiers, pyStr, pyValue } from './escape.ts';
import { predictPy } from './python-support.ts';
import { Applied, Call, record, Var } from './tfjs-recorder.ts';

/** tfjs factory → Keras class (layers and initializers). */
const KERAS_CLASS: Record<string, string> = {
  embedding: 'Embedding', simpleRNN: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU', bidirectional: 'Bidirectional', dense: 'Dense',
  dropout: 'Dropout', concatenate: 'Concatenate', add: 'Add', globalAveragePooling1d: 'GlobalAveragePooling1D', globalMaxPooling1d: 'GlobalMaxPooling1D',
  glorotUniform: 'GlorotUniform', glorotNormal: 'GlorotNormal', heUniform: 'HeUniform', heNormal: 'HeNormal', orthogonal: 'Orthogonal',
  identity: 'Identity', zeros: 'Zeros', randomUniform: 'RandomUniform',
};

/** Keras arguments whose Keras default differs from what TF.js computes and that TF.js has no argument for. */
const KERAS_EXTRA: Record<string, Record<string, boolean>> = {
  // TF.js only has the GRU with the reset gate before the recurrent matmul; Keras defaults to reset_after=True.
  gru: { reset_after: false },
};

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** TF.js's hard sigmoid is clip(0.2x + 0.5); Keras 3's "hard_sigmoid" is clip(x/6 + 0.5), so it is a function here. */
const activation = (a: string) => (a === 'hardSigmoid' ? 'tfjs_hard_sigmoid' : pyStr(a));

function kerasClass(fn: string): string {
  const c = KERAS_CLASS[fn];
  if (!c) throw new Error(`no Keras equivalent for tf.*.${fn}`);
  return c;
}

/** Python for a recorded value, keyword arguments one per line for layers. */
function py(v: unknown, indent = '', key = ''): string {
  if (v instanceof Var) return v.name;
  if (v instanceof Applied) return `${py(v.layer, indent)}(${Array.isArray(v.inputs) ? `[${v.inputs.map((i) => py(i)).join(', ')}]` : py(v.inputs)})`;
  if (v instanceof Call) {
    const args = { ...(v.args[0] as Record<string, unknown> | undefined), ...KERAS_EXTRA[v.fn] };
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

const usesHardSigmoid = (ir: ModelIR) => ir.layers.some((l) => [l.params, l.inner?.params].some((p) => p?.recurrentActivation === 'hardSigmoid'));

/** `model.py` for Keras: build_model() and load_tfjs_weights(model, folder). */
export function emitKeras(ir: ModelIR, title: string): string {
  const ids = identifiers(ir);
  const v = (id: string) => ids.get(id)!;
  const body: string[] = [];
  for (const l of ir.layers) {
    if (l.kind === 'Bidirectional' && l.inputShapes[0].masked && l.inner?.params.returnSequences)
      body.push(
        '# Porting note: with a padding mask, Keras zero-fills the padded steps of a Bidirectional sequence output;',
        '# TF.js carries the last state there. Outputs at real (unpadded) steps are identical.',
      );
    const built = record((tf, ctx) => LAYERS[l.kind].tfjs(tf, l.params, ctx), { name: l.name, seed: l.seed, inner: l.inner }, l.inputs.map(v));
    body.push(`${v(l.id)} = ${py(built)}`);
  }
  const ind = (s: string[]) => s.join('\n').replace(/^(?=.)/gm, '    ');
  const hardDef = usesHardSigmoid(ir)
    ? `

@keras.saving.register_keras_serializable(package="rnn_studio")
def tfjs_hard_sigmoid(x):
    """TF.js / Keras 2 hard sigmoid, clip(0.2 x + 0.5, 0, 1). Keras 3's "hard_sigmoid" is clip(x / 6 + 0.5, 0, 1),
    a different function, so the exact one is written out (relu capped at 1 is the clip on both Keras versions).
    Registered, because a Bidirectional layer re-creates its layers from their config, and Keras looks an
    unregistered function up only in its own packages."""
    return keras.activations.relu(0.2 * x + 0.5, max_value=1.0)
`
    : '';
  const inputs = ir.inputs.map(v);
  return `# ${commentText(title)}
# Generated by RNN Studio: the TF.js model in Keras (functional API; Keras 3 with any backend, or tf.keras 2.15).
# Defaults that differ between TF.js, Keras and PyTorch (recurrent_activation, unit_forget_bias, reset_after,
# initializers) are explicit.
import keras
from keras import layers

from tfjs_weights import read_tfjs_weights
${hardDef}

def build_model():
${ind(body)}
    return keras.Model(inputs=${inputs.length === 1 ? inputs[0] : `[${inputs.join(', ')}]`}, outputs=${v(ir.outputs[0])}, name="rnn_studio")


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
            layer.set_weights([weights[name] for name in own])
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
    print(tensor_json(model.predict(read_tensor(args.input), verbose=0)))`,
);
