/**
 * IR → a PyTorch `nn.Module` (batch first) that computes, number for number, what the TF.js model computes, plus
 * the code that loads TF.js weights into it. Recurrent layers use nn.RNN / nn.LSTM / nn.GRU (reset-after) where they
 * are exact and the LoopRNN of `rnn_layers.py` where they are not (reset-before GRU, hard-sigmoid gates, other
 * activations).
 */
import type { IRLayer, ModelIR } from '../compiler/index.ts';
import { assertNever, type Params } from '../graph/types.ts';
import type { InnerLayer } from '../layers/index.ts';
import { commentText, identifiers, pyStr, pyValue } from './escape.ts';
import { maskFlow } from './masks.ts';

const lastDim = (l: IRLayer) => l.inputShapes[0].dims[l.inputShapes[0].dims.length - 1] as number;
const py = pyValue;

/** True when nn.RNN / nn.LSTM / nn.GRU compute exactly this cell. */
function nativeExact(kind: string, p: Params): boolean {
  if (kind === 'SimpleRNN') return p.activation === 'tanh' || p.activation === 'relu';
  // nn.GRU is the reset-after form only (keras-files.md §5).
  return (kind === 'LSTM' || !!p.resetAfter) && p.activation === 'tanh' && p.recurrentActivation === 'sigmoid';
}

const NATIVE: Record<string, string> = { SimpleRNN: 'RNN', LSTM: 'LSTM', GRU: 'GRU' };

function cellModule(kind: string, p: Params, inputSize: number): string {
  const H = p.units as number;
  if (nativeExact(kind, p)) {
    const nonlinearity = kind === 'SimpleRNN' ? `, nonlinearity=${pyStr(p.activation as string)}` : '';
    return `nn.${NATIVE[kind]}(${inputSize}, ${H}${nonlinearity}, bias=${py(p.useBias as boolean)}, batch_first=True)`;
  }
  const gates = 'recurrentActivation' in p ? `, recurrent_activation=${pyStr(p.recurrentActivation as string)}` : '';
  const resetAfter = p.resetAfter ? ', reset_after=True' : '';
  return `LoopRNN(${pyStr(kind)}, ${inputSize}, ${H}, bias=${py(p.useBias as boolean)}, activation=${pyStr(p.activation as string)}${gates}${resetAfter})`;
}

function recurrentModule(kind: string, p: Params, inputSize: number, goBackwards: boolean): string {
  return `Recurrent(${cellModule(kind, p, inputSize)}, return_sequences=${py(p.returnSequences as boolean)}, go_backwards=${py(goBackwards)})`;
}

/** Comments that say where the PyTorch module differs from a plain nn.* port, and what training-time parts are missing. */
function recurrentNotes(kind: string, p: Params): string[] {
  const notes: string[] = [];
  if (kind === 'GRU' && !p.resetAfter)
    notes.push('GRU with the reset gate applied before the recurrent matmul (TF.js, Keras reset_after=False): nn.GRU only has the reset-after form, so LoopRNN computes it exactly.');
  else if (!nativeExact(kind, p))
    notes.push(`nn.${NATIVE[kind]} cannot use activation=${p.activation}${'recurrentActivation' in p ? `, recurrent_activation=${p.recurrentActivation}` : ''}; LoopRNN computes it exactly.`);
  if ((p.dropout as number) > 0 || (p.recurrentDropout as number) > 0)
    notes.push(`Porting note: dropout=${p.dropout}, recurrent_dropout=${p.recurrentDropout} act only during training in TF.js (one mask per sequence) and are not reproduced here; inference is exact.`);
  return notes;
}

const DENSE_ACT: Record<string, (x: string) => string> = {
  linear: (x) => x,
  softmax: (x) => `torch.softmax(${x}, dim=-1)`,
  relu: (x) => `torch.relu(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
};

/** `model.py`: class Model(nn.Module) with forward, load_tfjs and init_weights. */
export function emitPytorchModel(ir: ModelIR, title: string): string {
  const ids = identifiers(ir);
  const v = (id: string) => ids.get(id)!;
  const masks = maskFlow(ir, ids);
  const init: string[] = [];
  const fwd: string[] = [];
  const load: string[] = [];
  const reinit: string[] = [];
  const w = (name: string) => `weights[${pyStr(name)}]`;
  const note = (lines: string[], text: string) => lines.push(`# ${commentText(text)}`);

  for (const l of ir.layers) {
    const me = `self.${v(l.id)}`;
    const x = l.inputs.map(v);
    const p = l.params;
    const mask = masks.input.get(l.id);
    const maskArg = mask ? `, ${mask}` : '';
    switch (l.kind) {
      case 'Input':
        break;
      case 'Embedding':
        init.push(`${me} = nn.Embedding(${p.inputDim}, ${p.outputDim}${p.maskZero ? ', padding_idx=0' : ''})`);
        if (p.maskZero) fwd.push(`${masks.own.get(l.id)} = ${x[0]} != 0  # mask_zero: id 0 is padding`);
        fwd.push(`${v(l.id)} = ${me}(${x[0]})`);
        load.push(`load_param(${me}.weight, ${w(`${l.name}/embeddings`)})`);
        reinit.push(`nn.init.uniform_(${me}.weight, -0.05, 0.05)`);
        break;
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU':
        for (const n of recurrentNotes(l.kind, p)) note(init, n);
        init.push(`${me} = ${recurrentModule(l.kind, p, lastDim(l), p.goBackwards as boolean)}`);
        fwd.push(`${v(l.id)} = ${me}(${x[0]}${maskArg})`);
        load.push(`load_recurrent(${me}.rnn, weights, ${pyStr(l.name)})`);
        reinit.push(reinitRecurrent(`${me}.rnn`, p));
        break;
      case 'Bidirectional': {
        const inner = l.inner as InnerLayer;
        const q = inner.params;
        for (const n of recurrentNotes(inner.kind, q)) note(init, n);
        init.push(
          `${me} = Bidirectional(`,
          `    ${recurrentModule(inner.kind, q, lastDim(l), q.goBackwards as boolean)},`,
          `    ${recurrentModule(inner.kind, q, lastDim(l), !q.goBackwards)},`,
          `    merge_mode=${pyStr(p.mergeMode as string)},`,
          `)`,
        );
        fwd.push(`${v(l.id)} = ${me}(${x[0]}${maskArg})`);
        load.push(
          `load_recurrent(${me}.forward_layer.rnn, weights, ${pyStr(`${l.name}/forward_${inner.name}`)})`,
          `load_recurrent(${me}.backward_layer.rnn, weights, ${pyStr(`${l.name}/backward_${inner.name}`)})`,
        );
        reinit.push(reinitRecurrent(`${me}.forward_layer.rnn`, q), reinitRecurrent(`${me}.backward_layer.rnn`, q));
        break;
      }
      case 'Dense':
        init.push(`${me} = nn.Linear(${lastDim(l)}, ${p.units}, bias=${py(p.useBias as boolean)})`);
        fwd.push(`${v(l.id)} = ${DENSE_ACT[p.activation as string](`${me}(${x[0]})`)}`);
        load.push(`load_param(${me}.weight, ${w(`${l.name}/kernel`)}, transpose=True)`);
        if (p.useBias) load.push(`load_param(${me}.bias, ${w(`${l.name}/bias`)})`);
        reinit.push(`init_kernel(${me}.weight, ${pyStr(p.kernelInitializer as string)})`);
        if (p.useBias) reinit.push(`nn.init.zeros_(${me}.bias)`);
        break;
      case 'Dropout':
        init.push(`${me} = nn.Dropout(${p.rate})`);
        fwd.push(`${v(l.id)} = ${me}(${x[0]})`);
        break;
      case 'Concatenate':
        fwd.push(`${v(l.id)} = torch.cat([${x.join(', ')}], dim=-1)`);
        break;
      case 'Add':
        fwd.push(`${v(l.id)} = ${x.join(' + ')}`);
        break;
      case 'GlobalAveragePooling1D':
        fwd.push(`${v(l.id)} = ${x[0]}.mean(dim=1)`);
        break;
      case 'GlobalMaxPooling1D':
        fwd.push(`${v(l.id)} = ${x[0]}.amax(dim=1)`);
        break;
      default:
        assertNever(l.kind);
    }
    if (masks.merged.has(l.id)) fwd.splice(fwd.length - 1, 0, masks.merged.get(l.id)!);
  }
  const args = ir.inputs.map(v).join(', ');
  const ind = (lines: string[], n: number) => lines.map((s) => (s === '' ? '' : ' '.repeat(n) + s)).join('\n');
  return `# ${commentText(title)}
# Generated by RNN Studio: a batch-first PyTorch port of the TF.js model, exact at inference (see rnn_layers.py).
import torch
from torch import nn

from rnn_layers import Bidirectional, LoopRNN, Recurrent, init_kernel, init_recurrent, load_param, load_recurrent


class Model(nn.Module):
    def __init__(self):
        super().__init__()
${ind(init.length ? init : ['pass'], 8)}

    def forward(self, ${args}):
${ind([...fwd, `return ${v(ir.outputs[0])}`], 8)}

    @torch.no_grad()
    def load_tfjs(self, weights):
        """Copies TF.js weights ({name: numpy array}, see tfjs_weights.py) into this module."""
${ind(load.length ? load : ['pass'], 8)}

    @torch.no_grad()
    def init_weights(self):
        """Fresh initial weights drawn from the same distributions TF.js uses (not the same numbers)."""
${ind(reinit.length ? reinit : ['pass'], 8)}
`;
}

function reinitRecurrent(rnn: string, p: Params): string {
  return `init_recurrent(${rnn}, ${pyStr(p.kernelInitializer as string)}, ${pyStr(p.recurrentInitializer as string)}, unit_forget_bias=${py(Boolean(p.unitForgetBias))})`;
}
