/**
 * The reset-after GRU layer class for TF.js, as JavaScript text: ONE source for the app's runtime (which evaluates it
 * with its own `tf`, src/runtime/gru-layer.ts) and for the TF.js export (written out as `gru_layer.mjs`, which the
 * exported `model.mjs` imports). Stock TF.js 4.22 cannot build this GRU: its GRUCell throws on `resetAfter: true`
 * (rnn-math.md §2), so the exported loader registers this class.
 *
 * The text is the body of `function (tf)`; it returns `{ GRU, tf }` where `tf.layers.gru` builds the class. It is a
 * constant written here, never assembled from user input.
 */
export const GRU_LAYER_BODY = `// tfjs-layers does not export its GRU and GRUCell classes by name; their factories make instances of them.
const StockGRU = tf.layers.gru({ units: 1 }).constructor;
const StockGRUCell = tf.layers.gruCell({ units: 1 }).constructor;

// tfjs generateDropoutMask with count 3 (only the first mask is used); no mask outside training.
const dropoutMasks = (like, rate, training) =>
  rate > 0 && rate < 1 && training ? [0, 1, 2].map(() => tf.dropout(tf.onesLike(like), rate)) : null;

// Keras GRUCell(reset_after=True): kernel [D, 3H], recurrent_kernel [H, 3H], bias [2, 3H] (row 0 input, row 1
// recurrent), gate blocks z, r, h.  [z, r] = σ(x·K_zr + bᵢ_zr + h·R_zr + bᵣ_zr),
// h̃ = φ(x·K_h + bᵢ_h + r ⊙ (h·R_h + bᵣ_h)),  h′ = z ⊙ h + (1 − z) ⊙ h̃.
class ResetAfterGRUCell extends StockGRUCell {
  constructor(args) {
    super({ ...args, resetAfter: false }); // the stock constructor refuses true; everything else it reads is shared
    this.resetAfter = true;
  }

  build(inputShape) {
    const shape = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
    const D = shape[shape.length - 1];
    const H = this.units;
    this.kernel = this.addWeight('kernel', [D, 3 * H], null, this.kernelInitializer, undefined, true);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [H, 3 * H], null, this.recurrentInitializer, undefined, true);
    this.bias = this.useBias ? this.addWeight('bias', [2, 3 * H], null, this.biasInitializer, undefined, true) : null;
    this.built = true;
  }

  call(inputs, kwargs) {
    return tf.tidy(() => {
      const [xIn, hIn] = inputs;
      const training = kwargs.training === true;
      this.dropoutMask = this.dropoutMask ?? dropoutMasks(xIn, this.dropout, training);
      this.recurrentDropoutMask = this.recurrentDropoutMask ?? dropoutMasks(hIn, this.recurrentDropout, training);
      const x = this.dropoutMask ? tf.mul(xIn, this.dropoutMask[0]) : xIn;
      const h = this.recurrentDropoutMask ? tf.mul(hIn, this.recurrentDropoutMask[0]) : hIn;
      let xp = tf.matMul(x, this.kernel.read());
      let rho = tf.matMul(h, this.recurrentKernel.read());
      if (this.bias) {
        const [bIn, bRec] = tf.unstack(this.bias.read());
        xp = tf.add(xp, bIn);
        rho = tf.add(rho, bRec);
      }
      const [xz, xr, xh] = tf.split(xp, 3, -1);
      const [rz, rr, rh] = tf.split(rho, 3, -1);
      const z = this.recurrentActivation.apply(tf.add(xz, rz));
      const r = this.recurrentActivation.apply(tf.add(xr, rr));
      const hh = this.activation.apply(tf.add(xh, tf.mul(r, rh)));
      const out = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
      return [out, out];
    });
  }

  getConfig() {
    return { ...super.getConfig(), resetAfter: true };
  }
}

// GRU in either form: resetAfter (default false, as TF.js) picks the cell. Registered under Keras's class name "GRU"
// (replacing the stock entry), so model.json files with reset_after true load, and Bidirectional's backward copy,
// re-created from the class name, is a reset-after GRU too.
class GRU extends StockGRU {
  constructor(args) {
    super({ ...args, resetAfter: false });
    if (args.resetAfter) this.cell = new ResetAfterGRUCell(args);
  }

  static fromConfig(cls, config) {
    return new cls(config);
  }
}
GRU.className = 'GRU';
tf.serialization.registerClass(GRU);

return { GRU, tf: { ...tf, layers: { ...tf.layers, gru: (args) => new GRU(args) } } };`;

/** `gru_layer.mjs` of a TF.js export. */
export const GRU_LAYER_MJS = `// The GRU layer class of RNN Studio: stock TF.js's GRU, plus the reset-after form (Keras reset_after=True, PyTorch
// nn.GRU) that stock TF.js 4.22 cannot build. model.mjs calls withGru(tf) before building; loading a model.json with
// a reset-after GRU through tf.loadLayersModel also works once withGru(tf) has run (it registers the class).

/**
 * @param {typeof import('@tensorflow/tfjs')} tf
 * @returns {{ GRU: Function, tf: typeof import('@tensorflow/tfjs') }} tf with layers.gru building this GRU
 */
export function withGru(tf) {
  ${GRU_LAYER_BODY.replace(/\n/g, '\n  ')}
}
`;
