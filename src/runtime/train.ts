/**
 * The training engine: a hand-written loop (tfjs 4.22 has no clipnorm; shared/reference/rnn-math.md §11) shared by
 * the Web Worker and the CLI.
 *
 * One step:  L = loss(model(x), y);  g = ∂L/∂θ (tf.variableGrads);  n = ‖g‖₂ = sqrt(Σ_v Σ g_v²) (pre-clip, logged);
 *            if n or L is NaN/Inf → restore the weights before the last update (the last ones with a finite loss),
 *            stop and say what to change;  else if clip > 0 and n > clip: g ← g · clip/n;  θ ← optimizer(θ, g).
 * Seeds: one run seed → the dataset, the weight initialisers (compiler-derived per layer) and each epoch's
 * shuffle, so the same seed gives the same losses. Control (pause/resume/stop) acts at batch boundaries.
 */
import * as tf from '@tensorflow/tfjs';
import { SimdAdam, SimdMomentum, SimdRMSProp } from './simd/optimizers.ts';
import type { ModelIR } from '../compiler/index.ts';
import { alignedTargets, collate, deriveSeed, permutation, Rng, type Batch, type Dataset, type FitResult, type LossKind, type PairDataset } from '../datasets/index.ts';
import { buildInference, decodeScore } from './seq2seq.ts';

export type OptimizerName = 'adam' | 'rmsprop' | 'sgd';

export interface TrainSettings {
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  /** Passes over the training set; ignored when `steps` is set. */
  epochs: number;
  /** Exact number of optimizer steps (the synthetic tasks' "virtual" training sets are huge). */
  steps?: number;
  /** Global-norm clipping threshold; 0 = off. */
  clipNorm: number;
  seed: number;
  /** Validate every this many steps (default: once per epoch, at most every 100 steps). */
  evalEvery?: number;
  /** Validate on at most this many samples (default: all). */
  maxValSamples?: number;
}

export interface StepEvent {
  type: 'step';
  step: number;
  totalSteps: number;
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** Last-batch values (not running averages). */
  loss: number;
  metric: number;
  /** ‖g‖₂ before clipping. */
  gradNorm: number;
  /** A model with several outputs: each output's own (unweighted) loss, in `fit.outputs` order; `loss` is Σ weight · these. */
  losses?: number[];
  clipped: boolean;
  msPerStep: number;
}

export interface Evaluation {
  loss: number;
  metric: number;
  /** A model with several outputs: each output's own (unweighted) validation loss, in `fit.outputs` order. */
  losses?: number[];
  /**
   * `confusion[true][predicted]` counts, for final-step classification: C rows, and C columns plus one for
   * "another output" when the head has more units than the task has classes.
   */
  confusion?: number[][];
  /**
   * Pair tasks: the validation samples decoded greedily, step by step from START (src/runtime/seq2seq.ts), scored
   * against their references: token error rate (PER) and sequence error rate (WER; 1 − WER is sequence accuracy).
   */
  decoded?: { per: number; wer: number; samples: number };
}

export type TrainEvent =
  | StepEvent
  | ({ type: 'eval'; step: number; epoch: number } & Evaluation)
  | { type: 'paused' | 'resumed'; step: number };

export interface RunResult {
  status: 'done' | 'stopped' | 'nan';
  steps: number;
  /** Set when the run stopped on NaN/Inf: what happened and what to change. */
  message?: string;
  final: Evaluation;
  /** Fraction of steps whose gradient was rescaled. */
  clippedFraction: number;
  wallMs: number;
}

export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  switch (name) {
    // tfjs-core's optimizers, updating each variable with one wasm SIMD kernel where those run (src/runtime/simd).
    case 'adam':
      return new SimdAdam(lr, 0.9, 0.999, 1e-7);
    case 'rmsprop':
      // As in the uRNN paper's runs: decay 0.9, no momentum.
      return new SimdRMSProp(lr, 0.9, 0, 1e-7);
    case 'sgd':
      return new SimdMomentum(lr, 0.9);
  }
}

const EPS = 1e-7;

/**
 * The mean loss of prediction `p` against targets `y`, for the loss `outputLosses(ir)` chose for that output
 * (src/compiler/loss.ts); training, validation and every probe compute it here (`totalLoss` sums the outputs').
 *  mse: mean (p − y)²;  ce: −mean log p[label] over samples (and steps), p clipped to [ε, 1];
 *  bce: −mean [y log p + (1−y) log(1−p)], p clipped to [ε, 1−ε];  ε = 1e−7 as in Keras.
 * `y` may carry a trailing axis of 1 or lack one ([B] or [B, 1] for a [B, 1] output); for 'ce' it holds class ids,
 * or one-hot rows / probabilities of `p`'s shape.
 * `skipPad` (pair tasks, 'ce' over ids): target positions with y = 0 (padding) are left out, and the mean is over
 * the others: −Σ_{y≠0} log p[y] / #{y ≠ 0} (TF.js's `fit` ignores output masks, so the mask is applied here).
 */
export function meanLoss(kind: LossKind, p: tf.Tensor, y: tf.Tensor, { skipPad = false } = {}): tf.Scalar {
  return tf.tidy(() => {
    if (kind === 'mse') return tf.mean(tf.square(tf.sub(p, tf.reshape(tf.cast(y, 'float32'), p.shape))));
    if (kind === 'bce') {
      const q = tf.clipByValue(p, EPS, 1 - EPS);
      const t = tf.reshape(tf.cast(y, 'float32'), p.shape);
      return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q))))));
    }
    const C = p.shape[p.rank - 1]!;
    const sameShape = y.rank === p.rank && y.shape.every((d, i) => d === p.shape[i]);
    const yOne = sameShape ? tf.cast(y, 'float32') : tf.oneHot(tf.reshape(tf.cast(y, 'int32'), p.shape.slice(0, -1)), C);
    const nll = tf.neg(tf.sum(tf.mul(yOne, tf.log(tf.clipByValue(p, EPS, 1))), -1));
    if (!skipPad) return tf.mean(nll);
    const real = padMask(p, y);
    return tf.div(tf.sum(tf.mul(nll, real)), tf.maximum(tf.sum(real), 1));
  }) as tf.Scalar;
}

/** 1 where the target id is not padding (y ≠ 0), else 0, in `p`'s shape without its class axis. */
const padMask = (p: tf.Tensor, y: tf.Tensor) => tf.cast(tf.notEqual(tf.reshape(tf.cast(y, 'int32'), p.shape.slice(0, -1)), 0), 'float32');

/**
 * The training loss of outputs `p` against targets `y` (one each, in `ir.outputs` order): a lone output's `meanLoss`
 * (its loss weight changes nothing, as in every export), or with several L = Σ_i w_i · L_i as Keras's
 * `compile(loss_weights=…)` sums them; and each output's own L_i. Training, validation and every probe compute it here.
 */
export function totalLoss(outs: readonly { loss: LossKind; weight: number }[], p: tf.Tensor[], y: tf.Tensor[], { skipPad = false } = {}): { loss: tf.Scalar; losses: tf.Scalar[] } {
  const losses = outs.map((o, i) => meanLoss(o.loss, p[i], y[i], { skipPad }));
  const loss = losses.length === 1 ? losses[0] : tf.tidy(() => tf.addN(losses.map((l, i) => tf.mul(l, outs[i].weight))) as tf.Scalar);
  return { loss, losses };
}

/**
 * `meanLoss`, and the metric: MSE, or accuracy (argmax = label; p > 0.5 for one sigmoid unit); for a pair task
 * (`fit.feeds`) the loss skips the padding and the accuracy is over the target tokens that are not padding.
 * A model with several outputs (`fit.outputs`): each output's loss against its own target (`losses`), the total
 * L = Σ_i w_i · L_i as Keras's `compile(loss_weights=…)` sums them, and the metric of the task's first target.
 */
export function lossAndMetric(fit: Pick<FitResult, 'loss' | 'feeds' | 'outputs'>, p: tf.Tensor[], y: tf.Tensor[]): { loss: tf.Scalar; metric: tf.Scalar; losses: tf.Scalar[] } {
  const skipPad = fit.feeds !== undefined;
  const outs = fit.outputs ?? [{ loss: fit.loss, weight: 1, head: 0 }];
  const { loss, losses } = totalLoss(outs, p, y, { skipPad });
  const first = outs.findIndex((o) => o.head === 0);
  const [kind, pm, ym] = [outs[first].loss, p[first], y[first]];
  if (kind === 'mse') return { loss, metric: losses[first], losses };
  const metric = tf.tidy(() => {
    if (kind === 'bce') return tf.mean(tf.cast(tf.equal(tf.greater(tf.reshape(pm, [-1]), 0.5), tf.cast(tf.reshape(ym, [-1]), 'bool')), 'float32'));
    const hit = tf.cast(tf.equal(tf.argMax(pm, -1), tf.reshape(tf.cast(ym, 'int32'), pm.shape.slice(0, -1))), 'float32');
    if (!skipPad) return tf.mean(hit);
    const real = padMask(pm, ym);
    return tf.div(tf.sum(tf.mul(hit, real)), tf.maximum(tf.sum(real), 1));
  }) as tf.Scalar;
  return { loss, metric, losses };
}

/** The model's outputs as a list (one tensor for a one-output model). */
export const asList = (t: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(t) ? t : [t]);

/** ‖g‖₂ over all gradients together: sqrt(Σ_v Σ_i g_{v,i}²) (one scalar tensor). */
export const globalNorm = (grads: tf.NamedTensorMap): tf.Scalar =>
  tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);

/** g ← g · factor for every gradient (clipping uses factor = clip/‖g‖ when ‖g‖ > clip, which rescales the norm to clip). */
export const scaleGrads = (grads: tf.NamedTensorMap, factor: number): tf.NamedTensorMap =>
  tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, factor)])));

/**
 * A batch as the model's input tensors and the targets, one per output. A pair task's batch feeds each of the model's
 * Inputs what `fit.feeds` names for it: the source ids or the decoder input of teacher forcing (a one-Input model that
 * outputs the whole target at once, `fit.aligned`, gets the source and the target without END); a task with several
 * targets gives each output the target `fit.outputs` names for it.
 */
export function batchTensors(b: Batch, fit: Pick<FitResult, 'feeds' | 'outputs' | 'aligned'>): { x: tf.Tensor[]; y: tf.Tensor[] } {
  if (fit.aligned) return { x: [tf.tensor(b.x, b.xShape, 'int32')], y: [tf.tensor(alignedTargets(b.y as Int32Array, b.yShape, fit.aligned), [b.yShape[0], fit.aligned], 'int32')] };
  const x = fit.feeds
    ? fit.feeds.map((f) => (f === 'x' ? tf.tensor(b.x, b.xShape, 'int32') : tf.tensor(b.decoderIn!, b.yShape, 'int32')))
    : [tf.tensor(b.x, b.xShape, b.xDtype)];
  const targets = fit.outputs ? fit.outputs.map((o) => b.heads![o.head]) : [b];
  return { x, y: targets.map((t) => tf.tensor(t.y, t.yShape, t.y instanceof Int32Array ? 'int32' : 'float32')) };
}

/** Pair tasks decode at most this many validation samples per validation (greedy, as one batch: `decodeScore`). */
const DECODE_SAMPLES = 200;

function decodedScore(model: tf.LayersModel, ir: ModelIR, ds: PairDataset, n: number): Evaluation['decoded'] {
  const r = decodeScore(buildInference(model, ir), ds, Array.from({ length: n }, (_, k) => ds.trainSize + k));
  return { per: r.per, wer: r.wer, samples: r.words };
}

/**
 * Validation over `ds`'s validation split, in batches, with a confusion matrix for final-step classes, and for a pair
 * task (given the model's `ir`) the decoded error rates.
 */
export async function evaluate(model: tf.LayersModel, ds: Dataset, fit: FitResult, opts: { batchSize?: number; maxSamples?: number; ir?: ModelIR } = {}): Promise<Evaluation> {
  const { ir } = opts;
  const n = Math.min(ds.valSize, opts.maxSamples ?? Infinity);
  const B = opts.batchSize ?? 100;
  const classes = ds.info.output.kind === 'classes' && !ds.info.output.perStep ? ds.info.output.classes : 0;
  // A softmax wider than the classes (the fit check allows it) can put its argmax on an output that is no class:
  // those predictions are counted in one extra last column, so every row still sums to its class's samples.
  // With several outputs, the matrix is that of the output trained on the task's first target (`batch.y`).
  const head = fit.outputs ? fit.outputs.findIndex((o) => o.head === 0) : 0;
  const units = model.outputs[head].shape[model.outputs[head].shape.length - 1] ?? classes;
  const columns = classes + (units > classes ? 1 : 0);
  const confusion = classes ? Array.from({ length: classes }, () => new Array<number>(columns).fill(0)) : undefined;
  let lossSum = 0;
  const lossSums = (fit.outputs ?? []).map(() => 0);
  let metricSum = 0;
  let weight = 0;
  for (let s = 0; s < n; s += B) {
    const idx = Array.from({ length: Math.min(B, n - s) }, (_, k) => ds.trainSize + s + k);
    const batch = collate(ds, idx);
    const [l, m, pred, each] = tf.tidy(() => {
      const { x, y } = batchTensors(batch, fit);
      const p = asList(model.predict(x) as tf.Tensor | tf.Tensor[]);
      const r = lossAndMetric(fit, p, y);
      const predicted = confusion ? (fit.loss === 'bce' ? tf.cast(tf.greater(tf.reshape(p[head], [-1]), 0.5), 'int32') : tf.argMax(p[head], -1)) : tf.zeros([0]);
      return [r.loss, r.metric, predicted, tf.stack(r.losses)];
    });
    const [lv, mv, pv, ev] = await Promise.all([l.data(), m.data(), pred.data(), each.data()]);
    tf.dispose([l, m, pred, each]);
    lossSum += lv[0] * idx.length;
    lossSums.forEach((_, i) => (lossSums[i] += ev[i] * idx.length));
    metricSum += mv[0] * idx.length;
    weight += idx.length;
    if (confusion) for (let k = 0; k < idx.length; k++) confusion[batch.y[k]][Math.min(pv[k], classes)]++;
  }
  const decoded = fit.feeds && ir ? decodedScore(model, ir, ds as PairDataset, Math.min(n, DECODE_SAMPLES)) : undefined;
  return {
    loss: lossSum / weight, metric: metricSum / weight, ...(fit.outputs ? { losses: lossSums.map((v) => v / weight) } : {}),
    ...(confusion ? { confusion } : {}), ...(decoded ? { decoded } : {}),
  };
}

const nextTick = () => new Promise<void>((r) => setTimeout(r, 0));

/** One training run. Create, `run()`, then `dispose()` (which also disposes the optimizer: platform.md trap 2). */
export class Trainer {
  readonly optimizer: tf.Optimizer;
  private state: 'running' | 'paused' | 'stopping' = 'running';
  private wake?: () => void;
  private step = 0;
  /** The step count when Stop was pressed: the run may finish the batch in flight, never start another. */
  private stopRequestedAt: number | null = null;

  constructor(
    readonly model: tf.LayersModel,
    readonly ds: Dataset,
    readonly fit: FitResult,
    readonly settings: TrainSettings,
    /** The model's IR: with it, validation of a pair task also decodes (`Evaluation.decoded`). */
    readonly ir?: ModelIR,
  ) {
    this.optimizer = makeOptimizer(settings.optimizer, settings.learningRate);
  }

  pause() {
    if (this.state === 'running') this.state = 'paused';
  }
  resume() {
    if (this.state === 'paused') this.state = 'running';
    this.wake?.();
  }
  stop() {
    this.stopRequestedAt ??= this.step;
    this.state = 'stopping';
    this.wake?.();
  }
  get isPaused() {
    return this.state === 'paused';
  }

  /**
   * @param afterStep awaited before the first step (0) and after every optimizer step, between steps: the probe
   *   recorder's hook (src/runtime/probes/record.ts), so recording needs no second loop.
   */
  async run(onEvent: (e: TrainEvent) => void = () => {}, afterStep?: (step: number) => Promise<unknown>): Promise<RunResult> {
    const s = this.settings;
    const B = Math.min(s.batchSize, this.ds.trainSize);
    const batchesPerEpoch = Math.floor(this.ds.trainSize / B);
    const totalSteps = s.steps ?? s.epochs * batchesPerEpoch;
    const evalEvery = s.evalEvery ?? Math.min(batchesPerEpoch, 100);
    const vars = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const started = performance.now();
    let clipped = 0;
    let order: Int32Array = new Int32Array(0);
    let prev: tf.Tensor[] = [];
    let message: string | undefined;
    let status: RunResult['status'] = 'done';
    let last: { step: number; e: Evaluation } | undefined;

    const validate = async (epoch: number) => {
      const e = await evaluate(this.model, this.ds, this.fit, { batchSize: Math.max(B, 100), maxSamples: s.maxValSamples, ir: this.ir });
      last = { step: this.step, e };
      onEvent({ type: 'eval', step: this.step, epoch, ...e });
      return e;
    };

    try {
      await afterStep?.(this.step);
      while (this.step < totalSteps) {
        if (this.state === 'paused') {
          onEvent({ type: 'paused', step: this.step });
          await new Promise<void>((r) => (this.wake = r));
          this.wake = undefined;
          if ((this.state as string) === 'running') onEvent({ type: 'resumed', step: this.step });
        }
        if ((this.state as string) === 'stopping') {
          status = 'stopped';
          break;
        }
        const epoch = Math.floor(this.step / batchesPerEpoch);
        const batch = this.step % batchesPerEpoch;
        if (batch === 0 || order.length === 0) order = permutation(this.ds.trainSize, new Rng(deriveSeed(s.seed, `shuffle:${epoch}`)));
        const t0 = performance.now();
        const data = collate(this.ds, order.subarray(batch * B, batch * B + B));
        const { x, y } = batchTensors(data, this.fit);
        let metricT: tf.Scalar | undefined;
        let eachT: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const r = lossAndMetric(this.fit, asList(this.model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[]), y);
          metricT = tf.keep(r.metric === r.loss ? r.loss.clone() : r.metric);
          eachT = tf.keep(tf.stack(r.losses));
          return r.loss;
        }, vars);
        const normT = globalNorm(grads);
        const [lossV, normV, metricV, eachV] = await Promise.all([value.data(), normT.data(), metricT!.data(), eachT!.data()]);
        const loss = lossV[0];
        const norm = normV[0];
        tf.dispose([...x, ...y, normT, value, metricT!, eachT!]);
        if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
          tf.dispose(Object.values(grads));
          // θ at this step gave a non-finite loss: go back to θ before the last update, whose loss was finite.
          if (prev.length) vars.forEach((v, i) => v.assign(prev[i]));
          status = 'nan';
          message =
            `Training stopped at step ${this.step + 1}: the ${Number.isFinite(loss) ? 'gradient norm' : 'loss'} became ${Number.isNaN(Number.isFinite(loss) ? norm : loss) ? 'NaN' : 'infinite'}. ` +
            `${prev.length ? `The weights from step ${this.step} (the last finite loss) were restored.` : 'No update had been made yet.'} ` +
            `Try a lower learning rate (e.g. ${+(s.learningRate / 10).toPrecision(2)})${s.clipNorm > 0 ? ` or a smaller clip norm than ${s.clipNorm}` : ' or turn on gradient clipping (clip norm 1)'}` +
            `${this.ds.info.id === 'csv' ? ', and check the CSV for huge or missing values' : ''}.`;
          break;
        }
        const isClipped = s.clipNorm > 0 && norm > s.clipNorm;
        if (isClipped) clipped++;
        const scaled = isClipped ? scaleGrads(grads, s.clipNorm / norm) : grads;
        // Tensors share storage with the variables until the update reassigns them, so this snapshot is a ref, not a copy.
        tf.dispose(prev);
        prev = vars.map((v) => tf.clone(v));
        this.optimizer.applyGradients(scaled as tf.NamedTensorMap);
        if (scaled !== grads) tf.dispose(Object.values(scaled));
        tf.dispose(Object.values(grads));
        this.step++;
        onEvent({
          type: 'step', step: this.step, totalSteps, epoch, batch: batch + 1, batchesPerEpoch,
          loss, metric: metricV[0], gradNorm: norm, clipped: isClipped, msPerStep: performance.now() - t0, ...(this.fit.outputs ? { losses: Array.from(eachV) } : {}),
        });
        await afterStep?.(this.step);
        if (this.step % evalEvery === 0 || this.step === totalSteps) await validate(Math.floor((this.step - 1) / batchesPerEpoch));
        await nextTick();
      }
      const final = last?.step === this.step ? last.e : await validate(Math.floor(Math.max(0, this.step - 1) / batchesPerEpoch));
      if (status === 'stopped') message = `Stopped after step ${this.step} (Stop was pressed during step ${this.stopRequestedAt! + 1}).`;
      return { status, steps: this.step, message, final, clippedFraction: this.step ? clipped / this.step : 0, wallMs: performance.now() - started };
    } finally {
      tf.dispose(prev);
    }
  }

  dispose() {
    this.optimizer.dispose();
  }
}
