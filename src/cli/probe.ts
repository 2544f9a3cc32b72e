/**
 * `rnn-studio probe`: per recurrent layer and direction, the per-timestep gradient norms ‖∂L/∂h_t‖, the gate means
 * per timestep and the retention curve, on a seeded batch of a task's validation data or on explicit tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { compile, LOSS_NAMES, type OutputLoss } from '../compiler/index.ts';
import type { GraphDoc } from '../graph/index.ts';
import { modelWithWeights } from '../runtime/model-io.ts';
import { checkInputsJson } from '../runtime/predict.ts';
import { attributeTime, connectivity, extrapolateTask, fitDecay, probeBlocker, probeSummary, probeTensors, type Extrapolation, type ProbeSummary } from '../runtime/probes/index.ts';
import { initTfNode } from '../runtime/setup-node.ts';
import { checkFit, collate, TASKS } from '../datasets/index.ts';
import { CliError, print, printJson, readGraphOrModel, readText, readWeightsDir, MODEL_FILE_OPTIONS, modelFileFlags } from './io.ts';
import type { Command } from './command.ts';

/** A tensor file: one tensor, or a list of them (one per model input, or one target per model output, in order). */
function readTensors(path: string): tf.Tensor[] {
  let v: unknown;
  try {
    v = JSON.parse(readText(path, 'tensor file'));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${path}: not valid JSON.`);
  }
  const ts = checkInputsJson(v);
  if (typeof ts === 'string') throw new CliError(`${path}: ${ts}.`);
  return ts.map((t) => tf.tensor(t.data, t.shape, t.dtype));
}

/** What --connectivity, --attribution and --extrapolate add to the JSON. */
interface Extras {
  outputs?: { name: string; example: number; rows: number[]; predicted: number[]; connectivity: number[][] }[];
  layers: (ProbeSummary['layers'][number] & { attribution?: { share: number[]; blocks: Record<string, number[]> } })[];
  /** null: the data has no example longer than the probed length. */
  extrapolation?: Extrapolation | null;
}

/** Mean over the batch of per-example rows [B, T]. */
function batchMean(v: Float32Array, B: number): number[] {
  const T = v.length / B;
  return Array.from({ length: T }, (_, t) => {
    let s = 0;
    for (let b = 0; b < B; b++) s += v[b * T + t];
    return s / B;
  });
}

const fmt = (v: number | null) => (v === null ? '—' : v.toExponential(2));

/** A readable table: a few steps of each curve, the fitted decay and the ratio g_1/g_T. */
function printHuman(s: ProbeSummary & Extras, losses: OutputLoss[], loss: number) {
  const T = s.seqLen;
  const steps = [...new Set([1, 2, 5, 10, 25, 50, 100, 200, 500, T].filter((t) => t <= T))];
  const what = losses.length === 1 ? LOSS_NAMES[losses[0].kind] : losses.map((o) => `${o.weight} · ${LOSS_NAMES[o.kind]} of ${o.name}`).join(' + ');
  print(`T = ${T}, loss (${what}, as in training) = ${loss.toPrecision(4)}; t counts the steps in the order each direction reads`);
  for (const l of s.layers) {
    const g = l.gradNorm;
    const fit = fitDecay(g);
    const first = g.find((v) => v !== null) ?? null;
    const last = [...g].reverse().find((v) => v !== null) ?? null;
    print(`\n${l.name} (${l.kind}, ${l.direction})`);
    print(`  ‖∂L/∂h_t‖ median: ${steps.map((t) => `t=${t} ${fmt(g[t - 1])}`).join('  ')}`);
    print(`  ratio ‖∂L/∂h_1‖/‖∂L/∂h_T‖ = ${first !== null && last ? fmt(first / last) : '—'}` +
      (fit ? `; fitted change per step back ×${fit.perStep.toFixed(4)} (e-folding ${Number.isFinite(fit.eFold) ? fit.eFold.toFixed(1) + ' steps' : '∞'})` : ''));
    print(`  retention ${l.kind === 'LSTM' ? 'Π f' : l.kind === 'GRU' ? 'Π z' : '‖∂h_T/∂h_t‖_F/√H'}: ${steps.map((t) => `t=${t} ${fmt(l.retention[t - 1])}`).join('  ')}`);
    for (const [gate, v] of Object.entries(l.gateMeans))
      print(`  mean ${gate.padEnd(6)} ${steps.map((t) => `t=${t} ${v[t - 1] === null ? '—' : v[t - 1]!.toFixed(3)}`).join('  ')}`);
    const a = (l as Extras['layers'][number]).attribution;
    if (a) print(`  share of ∂L/∂W_rec: ${steps.map((t) => `t=${t} ${(100 * a.share[t - 1]).toFixed(1)}%`).join('  ')}`);
  }
  for (const o of s.outputs ?? []) {
    print(`\nconnectivity of ${o.name}, example ${o.example} (‖∂logit/∂x_t‖; where each output step's largest entry sits):`);
    o.rows.forEach((r, i) => {
      const row = o.connectivity[i];
      const top = row.indexOf(Math.max(...row));
      if (o.rows.length <= 12 || i % Math.ceil(o.rows.length / 12) === 0 || i === o.rows.length - 1)
        print(`  output t=${r + 1}: class ${o.predicted[i]}, peak at input t=${top + 1} (${fmt(row[top])}), input t=1: ${fmt(row[0])}`);
    });
  }
  const x = s.extrapolation;
  if (x === null) print(`\nbeyond the training length: this data has no example longer than the ${T} steps probed.`);
  if (x) {
    print(`\nbeyond the training length (${x.trainedLength} → ${x.length} steps, ${+x.factor.toFixed(2)}×):`);
    const at = [...new Set([1, x.trainedLength, 2 * x.trainedLength, x.length].filter((t) => t <= x.length))];
    for (const l of x.layers) {
      print(`  ${l.name} (${l.kind}, ${l.direction}) ‖h_t‖: ${at.map((t) => `t=${t} ${l.hNorm[t - 1].toFixed(3)}`).join('  ')}` +
        `; saturated |h|>0.95: ${at.map((t) => `t=${t} ${(100 * l.saturated[t - 1]).toFixed(1)}%`).join('  ')}`);
      if (l.cNorm) print(`    ‖c_t‖: ${at.map((t) => `t=${t} ${l.cNorm![t - 1].toFixed(3)}`).join('  ')}`);
    }
  }
}

export const probe: Command = {
  usage: 'probe <graph.json|model.json|model.keras|model.h5> [--weights DIR] [--task NAME] [--seq-len T] [--seed S] [--batch B] [--input x.json --target y.json] [--backend wasm|cpu]\n' +
    '              [--connectivity [--example N]] [--attribution] [--extrapolate K] [--json]\n' +
    '                                   per recurrent layer/direction: ‖∂L/∂h_t‖ per step, gate means, retention;\n' +
    '                                   --connectivity: ‖∂logit/∂x_t‖ of example N per output step; --attribution: each\n' +
    '                                   step\'s share of ∂L/∂W_rec; --extrapolate K: ‖h_t‖, ‖c_t‖, saturation at K·T',
  options: {
    ...MODEL_FILE_OPTIONS,
    weights: { type: 'string' },
    task: { type: 'string' },
    'seq-len': { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    input: { type: 'string' },
    target: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
    connectivity: { type: 'boolean' },
    example: { type: 'string' },
    attribution: { type: 'boolean' },
    extrapolate: { type: 'string' },
  },
  run: async ({ positionals, values }) => {
    const loaded = await readGraphOrModel(positionals[0], modelFileFlags(values));
    const doc: GraphDoc = loaded.doc;
    const num = (name: string, dflt: number) => {
      const raw = values[name];
      if (raw === undefined) return dflt;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a whole number ≥ 0 (got "${raw}").`);
      return n;
    };
    const seed = num('seed', doc.training?.seed ?? 42);
    if (values.seed !== undefined) doc.training = { ...doc.training, seed };
    const r = compile(doc);
    if (!r.ok) throw new CliError(`${positionals[0]} has ${r.diagnostics.length} problem(s); run \`rnn-studio check\` to see them.`, 1);
    const ir = r.ir!;
    const blocker = probeBlocker(ir);
    if (blocker) throw new CliError(blocker, 1);
    if ((values.input === undefined) !== (values.target === undefined)) throw new CliError('--input and --target go together.');
    const backend = (values.backend as string | undefined) ?? 'wasm';
    if (backend !== 'wasm' && backend !== 'cpu') throw new CliError(`--backend must be wasm or cpu (got "${backend}").`);
    await initTfNode(backend);

    let inputs: tf.Tensor[], targets: tf.Tensor[];
    let skipPad = false;
    let longer: ((model: tf.LayersModel) => Promise<Extrapolation | null>) | null = null;
    const K = num('extrapolate', 0);
    if (values.extrapolate !== undefined && K < 1) throw new CliError('--extrapolate must be a whole number ≥ 1.');
    if (K && values.input !== undefined) throw new CliError('--extrapolate makes its own longer data: give --task (not --input).');
    if (values.input !== undefined) {
      inputs = readTensors(values.input as string);
      targets = readTensors(values.target as string);
      if (targets.length !== ir.outputs.length) {
        tf.dispose([...inputs, ...targets]);
        throw new CliError(`${values.target as string} holds ${targets.length} target(s); the model has ${ir.outputs.length} output(s): give a list with one target per output, in output order.`);
      }
    } else {
      const taskId = (values.task as string | undefined) ?? doc.training?.task;
      if (!taskId) throw new CliError('No data: give --task NAME (or a graph whose training.task is set), or --input and --target.');
      const task = TASKS[taskId];
      if (!task) throw new CliError(`Unknown task "${taskId}"; known: ${Object.keys(TASKS).join(', ')}.`);
      await task.load?.();
      const seqLen = num('seq-len', doc.training?.seqLen ?? task.seqLen?.default ?? 0) || undefined;
      const ds = task.make({ seed, seqLen });
      const B = num('batch', 32);
      // The probe batch: the first B validation sequences, fixed by the seed (reference/panels.md, shared conventions).
      const batch = collate(ds, Array.from({ length: B }, (_, i) => ds.trainSize + i));
      if (K) longer = (model) => extrapolateTask(model, ir, task, { seed, setting: seqLen ?? batch.xShape[1], trainedLength: batch.xShape[1], asked: K, examples: B });
      // A pair task feeds an encoder–decoder its source and its decoder input, and skips padded targets in the loss.
      ({ inputs, targets, skipPad } = probeTensors(batch, checkFit(ir, ds.info)));
    }
    const weights = values.weights !== undefined ? readWeightsDir(values.weights as string) : loaded.weights;
    let model: tf.LayersModel;
    try {
      model = modelWithWeights(ir, weights);
    } catch (e) {
      tf.dispose([...inputs, ...targets]);
      throw new CliError(`${(values.weights as string | undefined) ?? positionals[0]}: ${(e as Error).message}`, 1);
    }
    try {
      const { summary, result } = await probeSummary(model, ir, inputs, targets, { skipPad }).catch((e: Error) => {
        throw new CliError(`The data does not fit this model: ${e.message}`, 1);
      });
      const example = num('example', 0);
      if (example >= inputs[0].shape[0]!) throw new CliError(`--example ${example} is outside the batch of ${inputs[0].shape[0]}.`);
      const out: ProbeSummary & Extras = { ...summary };
      if (values.connectivity) {
        const one = inputs.map((x) => tf.slice(x, example, 1));
        try {
          // One matrix per output: each head has its own logits.
          out.outputs = [];
          for (const [k, id] of ir.outputs.entries()) {
            const c = await connectivity(model, ir, one, undefined, k);
            const T = c.seqLen;
            out.outputs.push({ name: ir.layers.find((l) => l.id === id)!.name, example, rows: c.rows, predicted: c.predicted,
              connectivity: c.rows.map((_, r) => Array.from(c.matrix.subarray(r * T, (r + 1) * T))) });
          }
        } finally {
          tf.dispose(one);
        }
      }
      if (values.attribution) {
        const att = await attributeTime(model, ir, inputs, targets, { skipPad });
        const B = inputs[0].shape[0]!;
        out.layers = out.layers.map((l, k) => ({ ...l, attribution: {
          share: batchMean(att[k].share, B), blocks: Object.fromEntries(Object.entries(att[k].blocks).map(([n, v]) => [n, batchMean(v, B)])) } }));
      }
      if (longer) out.extrapolation = await longer(model);
      if (values.json) printJson(out);
      else printHuman(out, result.losses, result.loss);
      return 0;
    } finally {
      tf.dispose([...inputs, ...targets]);
      model.dispose();
    }
  },
};
