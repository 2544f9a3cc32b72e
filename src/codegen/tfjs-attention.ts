/**
 * Keras's `Attention` (Luong, dot), `AdditiveAttention` (Bahdanau) and `Subtract` as TF.js layer classes, as JavaScript text: ONE
 * source for the app's runtime (evaluated with its own `tf`, src/runtime/gru-layer.ts) and for the TF.js export
 * (written out as `attention_layer.mjs`). TF.js 4.22 has none of them (seq2seq-attention.md §1.4).
 *
 * Porting note: TF.js's `fit`/`predict` executor hands a multi-input layer only its first input's mask
 * (tfjs-layers engine/executor.ts, `kwargs['mask'] = inputMasks[0]`). So the value's padding mask reaches the
 * attention layer as a tensor: `AttentionMask` is applied to a masked value alone (its one input, so it receives
 * that input's mask) and returns it as 0/1 floats [B, Tv]; the attention layer takes it as its last input.
 *
 * The text is the body of `function (tf)`; it returns `tf` with `layers.attention`, `layers.additiveAttention`,
 * `layers.attentionMask` and `layers.subtract` added. It is a constant written here, never assembled from user input.
 */
export const ATTENTION_LAYER_BODY = `// Keras 3 attention.py: S = Q·Kᵀ (× scale), or S[i,j] = Σ_d w_d·tanh(q_i + k_j)_d (AdditiveAttention);
// masked positions S − 1e9; W = softmax(S) (dropout on W in training); out = W·V, rows of a padded query step 0.
class Attention extends tf.layers.Layer {
  constructor(args) {
    super(args);
    this.useScale = args.useScale === true;
    this.scoreMode = args.scoreMode ?? 'dot';
    if (this.scoreMode !== 'dot') throw new Error('Attention: only scoreMode "dot" is supported');
    this.dropout = args.dropout ?? 0;
    this.causal = args.causal === true;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  build(inputShape) {
    if (this.useScale) this.scale = this.addWeight('scale', [], 'float32', tf.initializers.ones());
    this.built = true;
  }

  // S = Q·Kᵀ, times the scalar scale.
  scores(q, k) {
    const s = tf.matMul(q, k, false, true);
    return this.scale ? tf.mul(s, this.scale.read()) : s;
  }

  // inputs: [query, value, (key), (valueMask [B, Tv])]; kwargs.mask: the query's mask (or every input's, as a list).
  call(inputs, kwargs) {
    return tf.tidy(() => {
      const [q, v] = inputs;
      const k = inputs[2]?.rank === 3 ? inputs[2] : v;
      const vMask = inputs[inputs.length - 1].rank === 2 ? inputs[inputs.length - 1] : null;
      const masks = kwargs.mask;
      const qMask = Array.isArray(masks) ? masks[0] : masks;
      let s = this.scores(q, k);
      const [Tq, Tv] = s.shape.slice(-2);
      // keep[b, i, j]: value step j is real (and j <= i with the causal mask).
      let keep = vMask ? tf.expandDims(vMask, 1) : null;
      if (this.causal) {
        const causal = tf.expandDims(tf.linalg.bandPart(tf.ones([Tq, Tv]), -1, 0), 0);
        keep = keep ? tf.mul(keep, causal) : causal;
      }
      if (keep) s = tf.where(tf.cast(keep, 'bool'), s, tf.sub(s, 1e9));
      let w = tf.softmax(s, -1);
      if (kwargs.training === true && this.dropout > 0) w = tf.dropout(w, this.dropout, null, this.seed);
      let out = tf.matMul(w, v);
      if (qMask) out = tf.where(tf.expandDims(tf.cast(qMask, 'bool'), -1), out, tf.zerosLike(out));
      return [out, w];
    });
  }

  computeOutputShape(shapes) {
    const [q, v] = shapes;
    return [[q[0], q[1], v[2]], [q[0], q[1], v[1]]];
  }

  // The output carries the query's mask, as Keras's compute_mask.
  computeMask(inputs, mask) {
    const qMask = Array.isArray(mask) ? mask[0] : mask;
    return [qMask ?? null, null];
  }

  getConfig() {
    return { ...super.getConfig(), useScale: this.useScale, scoreMode: this.scoreMode, dropout: this.dropout, causal: this.causal, seed: this.seed };
  }
}
Attention.className = 'Attention';
tf.serialization.registerClass(Attention);

class AdditiveAttention extends Attention {
  constructor(args) {
    super({ ...args, scoreMode: 'dot' });
    delete this.scoreMode;
  }

  // Keras 3 takes the scale's size from the query's last axis.
  build(inputShape) {
    const dim = inputShape[0][inputShape[0].length - 1];
    if (this.useScale) this.scale = this.addWeight('scale', [dim], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.built = true;
  }

  // S[b, i, j] = Σ_d scale_d · tanh(q[b, i, d] + k[b, j, d]), one op with its gradient written out. With
  // tanh(x) = 2σ(2x) − 1 and s = σ(2(q_i + k_j)): S = 2·s·scale − Σ scale, a matMul over d, and 1 − tanh² = 4s(1 − s).
  // (TF.js's wasm Tanh is scalar code, about 5× slower than its Sigmoid on this [B, Tq, Tv, d] tensor.)
  scores(q, k) {
    const d = q.shape[2];
    const f = tf.customGrad((q, k, w, save) => {
      const s = tf.sigmoid(tf.add(tf.expandDims(tf.mul(q, 2), 2), tf.expandDims(tf.mul(k, 2), 1)));
      save([s, w]);
      const sw = tf.reshape(tf.matMul(tf.reshape(s, [-1, d]), tf.reshape(w, [d, 1])), s.shape.slice(0, 3));
      const gradFunc = (dS, [s, w]) => {
        const g = tf.mul(tf.mul(tf.expandDims(tf.mul(dS, 4), -1), w), tf.mul(s, tf.sub(1, s)));
        const dw = tf.sub(tf.mul(tf.reshape(tf.matMul(tf.reshape(dS, [1, -1]), tf.reshape(s, [-1, d])), [d]), 2), tf.sum(dS));
        return [tf.sum(g, 2), tf.sum(g, 1), dw];
      };
      return { value: tf.sub(tf.mul(sw, 2), tf.sum(w)), gradFunc };
    });
    return f(q, k, this.scale ? this.scale.read() : tf.ones([d]));
  }

  getConfig() {
    const { scoreMode, ...config } = super.getConfig();
    return config;
  }
}
AdditiveAttention.className = 'AdditiveAttention';
tf.serialization.registerClass(AdditiveAttention);

// The padding mask of its one input as 0/1 floats [B, T]. Used only on an input that carries a mask: the executor
// leaves the last mask it handed out in the kwargs it shares, so an unmasked input would see another layer's mask.
class AttentionMask extends tf.layers.Layer {
  constructor(args) {
    super(args);
    this.supportsMasking = true;
  }

  call(inputs, kwargs) {
    return tf.tidy(() => {
      const mask = Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask;
      return tf.cast(mask, 'float32');
    });
  }

  computeOutputShape(shape) {
    return shape.slice(0, 2);
  }

  computeMask() {
    return null;
  }
}
AttentionMask.className = 'AttentionMask';
tf.serialization.registerClass(AttentionMask);

// Keras's Subtract: inputs[0] − inputs[1] (merging.py); TF.js 4.22 has Add, Multiply, Average, Maximum but no Subtract.
class Subtract extends tf.layers.Layer {
  call(inputs) {
    return tf.tidy(() => tf.sub(inputs[0], inputs[1]));
  }

  computeOutputShape(shapes) {
    return shapes[0];
  }
}
Subtract.className = 'Subtract';
tf.serialization.registerClass(Subtract);

// Keras 3's hard_sigmoid, clip(x/6 + 0.5, 0, 1) (keras/src/activations/activations.py); TF.js's hardSigmoid is
// Keras 2's clip(0.2x + 0.5, 0, 1). Registered, a recurrent layer takes it by name: recurrentActivation 'hardSigmoidKeras3'.
class HardSigmoidKeras3 extends tf.serialization.Serializable {
  apply(x) {
    return tf.tidy(() => tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1));
  }

  getConfig() {
    return {};
  }
}
HardSigmoidKeras3.className = 'hardSigmoidKeras3';
tf.serialization.registerClass(HardSigmoidKeras3);

return {
  ...tf,
  layers: {
    ...tf.layers,
    attention: (args) => new Attention(args),
    subtract: (args) => new Subtract(args),
    additiveAttention: (args) => new AdditiveAttention(args),
    attentionMask: (args) => new AttentionMask(args),
  },
};`;

/** `attention_layer.mjs` of a TF.js export. */
export const ATTENTION_LAYER_MJS = `// Keras's Attention, AdditiveAttention and Subtract layers for TF.js (stock TF.js 4.22 has none of them). model.mjs calls
// withAttention(tf) before building; loading a model.json through tf.loadLayersModel also works once it has run (it
// registers the classes).

/**
 * @param {typeof import('@tensorflow/tfjs')} tf
 * @returns {typeof import('@tensorflow/tfjs')} tf with layers.attention, layers.additiveAttention, layers.attentionMask and layers.subtract
 */
export function withAttention(tf) {
  ${ATTENTION_LAYER_BODY.replace(/\n/g, '\n  ')}
}
`;
