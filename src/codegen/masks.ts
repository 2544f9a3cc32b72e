/**
 * Where padding masks flow in a model, for targets that pass masks by hand (PyTorch). TF.js and Keras carry
 * them implicitly; each kind's registry entry says whether it creates one (`Embedding(maskZero)`), passes on the AND
 * of its inputs' masks (recurrent layers only with returnSequences, Dense, Dropout, merges) or drops it
 * (rnn-math.md §7).
 */
import type { ModelIR } from '../compiler/index.ts';
import { assertNever } from '../graph/types.ts';
import { LAYERS } from '../layers/index.ts';

export interface MaskFlow {
  /** Variable name of the mask an Embedding with maskZero creates, by layer id. */
  own: Map<string, string>;
  /** The mask expression arriving at a layer's (first) input, by layer id, when there is one. */
  input: Map<string, string>;
  /** The statement a merge needs to combine two or more masks, by layer id. */
  merged: Map<string, string>;
  /** The masks arriving at a layer's other input ports (an attention layer's value and key), in port order. */
  ports: Map<string, (string | null)[]>;
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
  const flow: MaskFlow = { own: new Map(), input: new Map(), merged: new Map(), ports: new Map() };
  for (const l of ir.layers) {
    // A recurrent layer's final states (h, c ports) carry no mask.
    const ins = l.inputs.map((id, i) => ((l.inputPorts?.[i] ?? 'output') === 'output' ? out.get(id) ?? null : null));
    if (ins[0]) flow.input.set(l.id, ins[0]);
    if (l.states) flow.ports.set(l.id, l.states.map((s) => (s.fromPort === 'output' ? out.get(s.from) ?? null : null)));
    const rule = LAYERS[l.kind].mask(l.params, l.inner);
    switch (rule) {
      case 'creates': {
        const m = fresh(`mask_${ids.get(l.id)}`);
        flow.own.set(l.id, m);
        out.set(l.id, m);
        break;
      }
      case 'passes': {
        const present = [...new Set(ins.filter((m): m is string => m !== null))];
        if (present.length <= 1) out.set(l.id, present[0] ?? null);
        else {
          const m = fresh(`mask_${ids.get(l.id)}`);
          flow.merged.set(l.id, `${m} = ${present.join(' & ')}`);
          out.set(l.id, m);
        }
        break;
      }
      case 'drops':
        out.set(l.id, null);
        break;
      default:
        assertNever(rule);
    }
  }
  return flow;
}
