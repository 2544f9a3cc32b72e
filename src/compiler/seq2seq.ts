/**
 * An encoder–decoder read from its wiring (docs/seq2seq.md): which Input is the encoder's and which the decoder's,
 * and how the graph runs step by step at inference. Pure; shared by the fit check, the runtime's inference and the
 * exported decode.py.
 */
import { isAttentionKind } from '../graph/types.ts';
import { isRecurrentKind } from '../layers/index.ts';
import type { IRLayer, ModelIR } from './compile.ts';

export type Seq2seqRoles = { ok: true; encoder: string; decoder: string } | { ok: false; message: string; fix: string };

/**
 * Which Input is the encoder's and which the decoder's, read from the wiring: the decoder is the recurrent layer that
 * starts from initial states; the Input upstream of those states is the encoder's, the Input upstream of its own
 * sequence input is the decoder's. Each must be exactly one Input, and not the same one.
 */
export function seq2seqRoles(ir: ModelIR): Seq2seqRoles {
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const memo = new Map<string, Set<string>>();
  // The Inputs a layer's output depends on, through sequence inputs and states alike.
  const inputsOf = (id: string): Set<string> => {
    let s = memo.get(id);
    if (s) return s;
    const l = byId.get(id)!;
    s = new Set(l.kind === 'Input' ? [id] : [...l.inputs, ...(l.states ?? []).map((st) => st.from)].flatMap((u) => [...inputsOf(u)]));
    memo.set(id, s);
    return s;
  };
  // Recurrent layers only: an attention layer's value port also reads the encoder, but starts nothing.
  const decoders = ir.layers.filter((l) => l.states?.length && isRecurrentKind(l.kind));
  if (!decoders.length)
    return { ok: false, message: 'No layer starts from initial states, so nothing tells the encoder from the decoder.',
      fix: "Turn on Return state in the encoder's recurrent layer and connect its h (and c) to the decoder's Initial state inputs." };
  const enc = new Set(decoders.flatMap((l) => l.states!.flatMap((st) => [...inputsOf(st.from)])));
  const dec = new Set(decoders.flatMap((l) => l.inputs.flatMap((u) => [...inputsOf(u)])));
  const onlyEnc = [...enc].filter((i) => !dec.has(i));
  const onlyDec = [...dec].filter((i) => !enc.has(i));
  const names = (ids: string[]) => ids.map((i) => `"${byId.get(i)!.name}"`).join(' and ') || 'none';
  if (onlyEnc.length !== 1 || onlyDec.length !== 1)
    return { ok: false, message: `The encoder's and the decoder's Input are ambiguous: the initial states come from ${names([...enc])}, the decoder's sequence from ${names([...dec])}.`,
      fix: 'Feed the encoder from one Input whose final states start the decoder, and the decoder from the other Input.' };
  return { ok: true, encoder: onlyEnc[0], decoder: onlyDec[0] };
}

/** How an encoder–decoder runs step by step (`decoderWalk`). */
export interface DecoderWalk {
  encoder: string;
  decoder: string;
  /** The decoder's layers, downstream of the decoder Input through sequence inputs, in topological order. */
  path: IRLayer[];
  /** The recurrent layers of `path`, in order: each carries its states from step to step. */
  recurrent: IRLayer[];
  /** Where each initial state of `recurrent` comes from (a layer's output port), in order: the encoder's outputs. */
  stateSources: { layer: IRLayer; port: string }[];
}

/**
 * The step-by-step inference of a training graph (docs/seq2seq.md), shared by the runtime and the exported decode.py:
 * the encoder runs once up to the states that start the decoder; the decoder's own layers then run one token at a
 * time. Refused in one line when a decoder layer reads anything outside the decoder, reads the future (a wrapper),
 * goes backwards, or is an attention that is causal or attends over the decoder's own outputs.
 */
export function decoderWalk(ir: ModelIR): { ok: true; walk: DecoderWalk } | { ok: false; message: string } {
  const roles = seq2seqRoles(ir);
  if (!roles.ok) return roles;
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const onPath = new Set([roles.decoder]);
  const path = ir.layers.filter((l) => l.inputs.some((u) => onPath.has(u)) && onPath.add(l.id));
  for (const l of path) {
    const outside = l.inputs.find((u) => !onPath.has(u));
    if (outside) return { ok: false, message: `Step-by-step decoding reads only the decoder's own layers; "${l.name}" also reads "${byId.get(outside)!.name}".` };
    if (l.kind === 'Bidirectional') return { ok: false, message: `The decoder's "${l.name}" is a Bidirectional, which cannot run one step at a time (it reads the future).` };
    if (isRecurrentKind(l.kind) && l.params.goBackwards) return { ok: false, message: `The decoder's "${l.name}" goes backwards, which cannot run one step at a time.` };
    // A causal mask lets query step i see value steps up to i; a one-step query is always step 0, so it would see
    // only the first value step at every step, unlike training.
    // Its value (or key) made by the decoder itself is a sequence that, one step at a time, holds only the current step.
    const own = isAttentionKind(l.kind) && l.states?.find((st) => onPath.has(st.from));
    if (own) return { ok: false, message: `The decoder's "${l.name}" attends over "${byId.get(own.from)!.name}", a decoder layer, which one step at a time holds only the current step; attend over the encoder's outputs.` };
    if (isAttentionKind(l.kind) && l.params.causal) return { ok: false, message: `The decoder's "${l.name}" is causal, which a one-step query cannot be (each step would see only the first encoder step); turn Causal off.` };
  }
  const recurrent = path.filter((l) => isRecurrentKind(l.kind));
  const stateSources = recurrent.flatMap((l) => (l.states ?? []).map((s) => ({ layer: byId.get(s.from)!, port: s.fromPort })));
  return { ok: true, walk: { encoder: roles.encoder, decoder: roles.decoder, path, recurrent, stateSources } };
}
