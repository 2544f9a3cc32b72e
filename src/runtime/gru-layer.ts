/**
 * RNN Studio's GRU layer class: stock tfjs-layers' GRU for `resetAfter: false`, and the reset-after form that stock
 * TF.js 4.22 refuses (its GRUCell throws on `resetAfter: true`; rnn-math.md §2, platform.md trap 3) for `true`:
 *   [z, r] = σ(x·K_zr + bᵢ_zr + h·R_zr + bᵣ_zr),   h̃ = φ(x·K_h + bᵢ_h + r ⊙ (h·R_h + bᵣ_h)),   h′ = z⊙h + (1−z)⊙h̃
 * with Keras's weights: kernel [D, 3H], recurrent_kernel [H, 3H], bias [2, 3H] (row 0 input, row 1 recurrent).
 *
 * The class is registered with `tf.serialization` under Keras's class name "GRU", replacing the stock entry, so a
 * model.json with `class_name: "GRU"` and `reset_after: true` loads with `tf.loadLayersModel`, and the stock
 * Bidirectional wrapper (which re-creates its backward layer from the class name) gets a reset-after copy.
 * Training runs the fused op (src/runtime/fused/gru-reset-after.ts); `call` below is the per-step stock-ops form
 * (the `stock` engine and any call the fused path does not cover).
 */
import * as tf from '@tensorflow/tfjs';

type Args = Record<string, unknown> & { units: number; resetAfter?: boolean };
type Initializer = Parameters<tf.layers.Layer['addWeight']>[3];
type Kwargs = Record<string, unknown>;
interface Weight { read(): tf.Tensor }
interface CellInternals {
  units: number;
  dropout: number;
  recurrentDropout: number;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  recurrentActivation: { apply(x: tf.Tensor): tf.Tensor };
  kernel: Weight;
  recurrentKernel: Weight;
  bias: Weight | null;
  kernelInitializer: Initializer;
  recurrentInitializer: Initializer;
  biasInitializer: Initializer;
  dropoutMask: tf.Tensor[] | null;
  recurrentDropoutMask: tf.Tensor[] | null;
  built: boolean;
  addWeight(name: string, shape: number[], dtype: null, init: Initializer, reg?: unknown, trainable?: boolean): Weight;
}

// tfjs-layers does not export its GRU and GRUCell classes by name; their factories make instances of them.
const StockGRU = tf.layers.gru({ units: 1 }).constructor as new (args: Args) => tf.layers.Layer;
const StockGRUCell = tf.layers.gruCell({ units: 1 }).constructor as new (args: Args) => tf.layers.Layer;

/** tfjs `generateDropoutMask` for `count: 3` (only the first mask is used), identity outside training. */
function dropoutMasks(like: tf.Tensor, rate: number, training: boolean): tf.Tensor[] | null {
  if (!(rate > 0 && rate < 1) || !training) return null;
  return [0, 1, 2].map(() => tf.dropout(tf.onesLike(like), rate));
}

/** The reset-after GRU cell (Keras `GRUCell(reset_after=True)`). */
class ResetAfterGRUCell extends StockGRUCell {
  readonly resetAfter = true;

  constructor(args: Args) {
    super({ ...args, resetAfter: false }); // the stock constructor refuses true; everything else it reads is shared
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const c = this as unknown as CellInternals;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const D = shape[shape.length - 1]!;
    const H = c.units;
    c.kernel = c.addWeight('kernel', [D, 3 * H], null, c.kernelInitializer, undefined, true);
    c.recurrentKernel = c.addWeight('recurrent_kernel', [H, 3 * H], null, c.recurrentInitializer, undefined, true);
    c.bias = c.useBias ? c.addWeight('bias', [2, 3 * H], null, c.biasInitializer, undefined, true) : null;
    c.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const c = this as unknown as CellInternals;
      const [xIn, hIn] = inputs as tf.Tensor[];
      const training = kwargs.training === true;
      c.dropoutMask ??= dropoutMasks(xIn, c.dropout, training);
      c.recurrentDropoutMask ??= dropoutMasks(hIn, c.recurrentDropout, training);
      const x = c.dropoutMask ? tf.mul(xIn, c.dropoutMask[0]) : xIn;
      const h = c.recurrentDropoutMask ? tf.mul(hIn, c.recurrentDropoutMask[0]) : hIn;
      const [bIn, bRec] = c.bias ? tf.unstack(c.bias.read()) : [null, null];
      let xp = tf.matMul(x, c.kernel.read());
      let rec = tf.matMul(h, c.recurrentKernel.read());
      if (bIn && bRec) {
        xp = tf.add(xp, bIn);
        rec = tf.add(rec, bRec);
      }
      const [xz, xr, xh] = tf.split(xp, 3, -1);
      const [rz, rr, rh] = tf.split(rec, 3, -1);
      const z = c.recurrentActivation.apply(tf.add(xz, rz));
      const r = c.recurrentActivation.apply(tf.add(xr, rr));
      const hh = c.activation.apply(tf.add(xh, tf.mul(r, rh)));
      const out = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
      return [out, out];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: true };
  }
}

/** GRU in either form; `resetAfter` (default false, as TF.js) picks the cell. */
export class GRU extends StockGRU {
  static className = 'GRU';

  constructor(args: Args) {
    super({ ...args, resetAfter: false });
    if (args.resetAfter) (this as unknown as { cell: tf.layers.Layer }).cell = new ResetAfterGRUCell(args);
  }

  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config);
  }
}
tf.serialization.registerClass(GRU);

/** Does this tfjs layer compute the reset-after GRU? */
export const isResetAfterGru = (layer: object): boolean => (layer as { cell?: { resetAfter?: boolean } }).cell?.resetAfter === true;

/** `tf` for the registry's builders: `tf.layers.gru` makes the class above, so `resetAfter: true` builds. */
export const runtimeTf: typeof tf = { ...tf, layers: { ...tf.layers, gru: (args: Args) => new GRU(args) } as typeof tf.layers };
