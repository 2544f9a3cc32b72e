/**
 * The two-bias LSTM layer class for TF.js (Keras CuDNNLSTM, PyTorch nn.LSTM: an input bias b_x and a recurrent bias
 * b_h), as JavaScript text: ONE source for the app's runtime (evaluated with its own `tf`, src/runtime/gru-layer.ts)
 * and for the TF.js export (written out as `lstm_layer.mjs`). Stock TF.js 4.22's LSTM has one bias.
 *
 * The text is the body of `function (tf)`; it returns `tf` whose `layers.lstm` builds the class. It is a constant
 * written here, never assembled from user input.
 */
export const LSTM_LAYER_BODY = `// tfjs-layers does not export its LSTM and LSTMCell classes by name; their factories make instances of them.
const StockLSTM = tf.layers.lstm({ units: 1 }).constructor;
const StockLSTMCell = tf.layers.lstmCell({ units: 1 }).constructor;

// Keras CuDNNLSTM: kernel [D, 4H], recurrent_kernel [H, 4H], bias [2, 4H] (row 0 the input bias b_x, row 1 the
// recurrent bias b_h; Keras's flat [8H] in the same order), gate blocks i, f, c, o.
// z = x·K + b_x + h·R + b_h;  c′ = σ(z_f) ⊙ c + σ(z_i) ⊙ φ(z_c);  h′ = σ(z_o) ⊙ φ(c′).
// unitForgetBias puts its ones in b_h's forget block, as CuDNNLSTM does (bias[5H:6H]).
class TwoBiasLSTMCell extends StockLSTMCell {
  constructor(args) {
    super(args);
    this.twoBiases = true;
  }

  build(inputShape) {
    const shape = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
    const D = shape[shape.length - 1];
    const H = this.units;
    this.kernel = this.addWeight('kernel', [D, 4 * H], null, this.kernelInitializer, undefined, true);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [H, 4 * H], null, this.recurrentInitializer, undefined, true);
    const init = this.biasInitializer;
    const forgetOnes = this.unitForgetBias;
    const biasInit = { apply: (s, dtype) => tf.tidy(() => forgetOnes ? tf.add(init.apply(s, dtype), tf.pad(tf.ones([1, H]), [[1, 0], [H, 2 * H]])) : init.apply(s, dtype)) };
    this.bias = this.useBias ? this.addWeight('bias', [2, 4 * H], null, biasInit, undefined, true) : null;
    this.built = true;
  }

  // The stock cell's step (tfjs-layers recurrent.js LSTMCell.call: dropout masks drawn once, 4 of them, the first
  // used) with b = b_x + b_h: autodiff gives each row the bias gradient.
  call(inputs, kwargs) {
    return tf.tidy(() => {
      const [xIn, hIn, cIn] = inputs;
      const training = kwargs.training === true;
      const masks = (like, rate) => rate > 0 && rate < 1 && training ? [0, 1, 2, 3].map(() => tf.dropout(tf.onesLike(like), rate)) : null;
      this.dropoutMask = this.dropoutMask ?? masks(xIn, this.dropout);
      this.recurrentDropoutMask = this.recurrentDropoutMask ?? masks(hIn, this.recurrentDropout);
      const x = this.dropoutMask ? tf.mul(xIn, this.dropoutMask[0]) : xIn;
      const h = this.recurrentDropoutMask ? tf.mul(hIn, this.recurrentDropoutMask[0]) : hIn;
      let z = tf.add(tf.matMul(x, this.kernel.read()), tf.matMul(h, this.recurrentKernel.read()));
      if (this.bias) z = tf.add(z, tf.sum(this.bias.read(), 0));
      const [zi, zf, zc, zo] = tf.split(z, 4, -1);
      const c = tf.add(tf.mul(this.recurrentActivation.apply(zf), cIn), tf.mul(this.recurrentActivation.apply(zi), this.activation.apply(zc)));
      const out = tf.mul(this.recurrentActivation.apply(zo), this.activation.apply(c));
      return [out, out, c];
    });
  }
}

// LSTM with one bias (stock) or, with twoBiases, two. Registered under Keras's class name "LSTM" (replacing the stock
// entry), so model.json files with two_biases load, and Bidirectional's backward copy, re-created from the class name
// and config, has two biases too.
class LSTM extends StockLSTM {
  constructor(args) {
    super(args);
    if (args.twoBiases) this.cell = new TwoBiasLSTMCell(args);
  }

  static fromConfig(cls, config) {
    return new cls(config);
  }

  getConfig() {
    return { ...super.getConfig(), ...(this.cell.twoBiases ? { twoBiases: true } : {}) };
  }
}
LSTM.className = 'LSTM';
tf.serialization.registerClass(LSTM);

return { ...tf, layers: { ...tf.layers, lstm: (args) => new LSTM(args) } };`;

/** `lstm_layer.mjs` of a TF.js export. */
export const LSTM_LAYER_MJS = `// The LSTM layer class of RNN Studio: stock TF.js's LSTM, plus the two-bias form (Keras CuDNNLSTM, PyTorch nn.LSTM's
// bias_ih and bias_hh) that stock TF.js 4.22 does not have. model.mjs calls withLstm(tf) before building; loading a
// model.json with a two-bias LSTM through tf.loadLayersModel also works once withLstm(tf) has run (it registers the class).

/**
 * @param {typeof import('@tensorflow/tfjs')} tf
 * @returns {typeof import('@tensorflow/tfjs')} tf with layers.lstm building this LSTM
 */
export function withLstm(tf) {
  ${LSTM_LAYER_BODY.replace(/\n/g, '\n  ')}
}
`;
