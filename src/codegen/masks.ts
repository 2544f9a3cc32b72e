/**
 * Where padding masks flow in a model, for targets that pass masks by hand (PyTorch). TF.js and Keras carry
 * them implicitly: `Embedding(maskZero)` makes one, recurrent layers pass it on only with returnSequences, Dense
 * and Dropout pass it through, merges AND their inputs' masks (rnn-math.md §7).
 */
import type { ModelIR } from '../compiler/index.ts';

export interface MaskFlow {
  /** Variable name of the mask an Embedding with maskZero creates, by layer id. */
  own: Map<string, string>;
  /** The mask expression arriving at a layer's (first) input, by layer id, when there is one. */
  input: Map<string, string>;
  /** The statement a merge needs to combine two or more masks, by layer id. */
  merged: Map<string, string>;
}

export function maskFlow(ir: ModelIR, ids: Map<string, string>): MaskFlow {
  const taken = new Set([...ids.values()].map((s) => s.toLowerCase()));
  const fresh = (base: string) => {
    let n = base;
    while (taken.has(n.toLowerCase())) n += '_';
    taken.add(n.toLowerCase());
    return n;
  };
  const out = new Map<string, string | null>();
  const flow: MaskFlow = { own: new Map(), input: new Map(), merged: new Map() };
  for (const l of ir.layers) {
    const ins = l.inputs.map((id) => out.get(id) ?? null);
    if (ins[0]) flow.input.set(l.id, ins[0]);
    const p = l.inner?.params ?? l.params;
    switch (l.kind) {
      case 'Embedding': {
        const m = l.params.maskZero ? fresh(`mask_${ids.get(l.id)}`) : null;
        if (m) flow.own.set(l.id, m);
        out.set(l.id, m);
        break;
      }
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU':
      case 'Bidirectional':
        out.set(l.id, p.returnSequences ? ins[0] : null);
        break;
      case 'Dense':
      case 'Dropout':
        out.set(l.id, ins[0]);
        break;
      case 'Concatenate':
      case 'Add': {
        const present = [...new Set(ins.filter((m): m is string => m !== null))];
        if (present.length <= 1) out.set(l.id, present[0] ?? null);
        else {
          const m = fresh(`mask_${ids.get(l.id)}`);
          flow.merged.set(l.id, `${m} = ${present.join(' & ')}`);
          out.set(l.id, m);
        }
        break;
      }
      default:
        out.set(l.id, null);
    }
  }
  return flow;
}
