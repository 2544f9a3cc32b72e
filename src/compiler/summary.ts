/** The model summary in Keras's layout. */
import type { ModelIR } from './compile.ts';
import { outputShapeOf } from './compile.ts';
import { LAYERS } from '../layers/index.ts';
import { LOSS_NAMES, outputLosses, type LossKind } from './loss.ts';

export interface SummaryRow {
  name: string;
  kind: string;
  outputShape: (number | null)[];
  params: number;
}
export interface Summary {
  layers: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  /** A model with several outputs: each output's loss and its weight in the total (absent for one output). */
  outputs?: { name: string; loss: LossKind; weight: number }[];
}

export function summarize(ir: ModelIR): Summary {
  return {
    layers: ir.layers.map((l) => ({ name: l.name, kind: l.kind, outputShape: outputShapeOf(l), params: l.paramCount })),
    totalParams: ir.totalParams,
    trainableParams: ir.totalParams - ir.layers.reduce((n, l) => n + (LAYERS[l.kind].nonTrainable?.(l.inputShapes, l.params) ?? 0), 0),
    ...(ir.outputs.length > 1 ? { outputs: outputLosses(ir).map((o) => ({ name: o.name, loss: o.kind, weight: o.weight })) } : {}),
  };
}

const py = (s: (number | null)[]) => `(${s.map((d) => (d === null ? 'None' : d)).join(', ')}${s.length === 1 ? ',' : ''})`;
const n = (x: number) => x.toLocaleString('en-US');

/** Text table as `model.summary()` prints it. */
export function formatSummary(s: Summary, title = 'rnn_studio'): string {
  const w = [34, 26, 12];
  const line = (c: string) => c.repeat(w[0] + w[1] + w[2]);
  const row = (a: string, b: string, c: string) => ` ${a.padEnd(w[0] - 1)}${b.padEnd(w[1])}${c}`;
  const out = [`Model: "${title}"`, line('_'), row('Layer (type)', 'Output Shape', 'Param #'), line('=')];
  s.layers.forEach((l, i) => {
    const type = l.kind === 'Input' ? 'InputLayer' : l.kind;
    out.push(row(`${l.name} (${type})`, l.kind === 'Input' ? `[${py(l.outputShape)}]` : py(l.outputShape), n(l.params)));
    out.push(i === s.layers.length - 1 ? line('=') : '');
  });
  out.push(`Total params: ${n(s.totalParams)}`, `Trainable params: ${n(s.trainableParams)}`, `Non-trainable params: ${n(s.totalParams - s.trainableParams)}`, line('_'));
  if (s.outputs) out.push(`Outputs (total loss = Σ weight · loss):`, ...s.outputs.map((o) => ` ${o.name}: ${LOSS_NAMES[o.loss]}, loss weight ${o.weight}`));
  return out.join('\n');
}
