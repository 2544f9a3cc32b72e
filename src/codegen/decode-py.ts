/**
 * `decode.py` of a pair-task model's Keras and PyTorch exports: the app's inference (src/runtime/seq2seq.ts) in
 * Python. The walk is the app's (`decoderWalk`): the encoder runs once on the source up to what the decoder reads of
 * it (the states that start its recurrent layers; the value, key and value mask its attention layers attend over);
 * then the decoder's own layers run one token at a time from the start token, each recurrent layer advanced by one
 * step of its trained cell from the states carried over, each attention layer applied to the step's query and the
 * encoder's memory, until the end token or the length cap. A one-Input model (addition_rnn) predicts every output
 * step at once; its steps hand them out in order. The search (greedy, beam of width k) is src/datasets/decode.ts
 * line for line, so the tokens are the app's. Each target gives `load`, `encode` and `step`; the rest of the file
 * is shared. vocab.json (`PairVocab`) holds the vocabularies, how a typed word is read, the specials and the cap.
 */
import { decoderWalk, statesMasked, type DecoderWalk, type IRLayer, type ModelIR } from '../compiler/index.ts';
import { isAttentionKind } from '../graph/types.ts';
import { isRecurrentKind, LAYERS, portsOf, stateNames } from '../layers/index.ts';
import { identifiers, portKey, portVars, pyStr } from './escape.ts';
import { maskFlow } from './masks.ts';
import { torchCode } from './pytorch.ts';

const ind = (lines: string[]) => lines.map((s) => `    ${s}`).join('\n');

/**
 * How an export's decode.py decodes, or null (then the export writes none): an encoder–decoder step by step along the
 * app's walk (`decoderWalk`), or a one-Input model that outputs the whole target at once (Keras's addition_rnn: a
 * softmax per output step), read one step at a time as the app's `alignedInference` does.
 */
export type Decoding = { kind: 'steps'; walk: DecoderWalk } | { kind: 'aligned' };

export function decodable(ir: ModelIR): Decoding | null {
  if (ir.inputs.length === 1) return ir.layers.find((l) => l.id === ir.outputs[0])!.outputShape.dims.length === 2 ? { kind: 'aligned' } : null;
  const w = ir.inputs.length === 2 ? decoderWalk(ir) : null;
  return w?.ok ? { kind: 'steps', walk: w.walk } : null;
}

/** Per decoder recurrent layer, the Python expressions of its initial states: the encoder's, or zeros. */
function initialStates(w: DecoderWalk, source: (s: { layer: IRLayer; port: string }) => string, zeros: (units: number) => string): string {
  let k = 0;
  const per = w.recurrent.map((l) => `[${(l.states?.length ? l.states.map(() => source(w.stateSources[k++])) : stateNames(l.kind).map(() => zeros(l.params.units as number))).join(', ')}]`);
  return `[${per.join(', ')}]`;
}

/** The decoder's attention layers, each with whether its value is padding-masked (its memory then ends with the mask). */
function attentionOf(ir: ModelIR, w: DecoderWalk) {
  return w.path.filter((l) => isAttentionKind(l.kind)).map((l) => ({ layer: l, masked: statesMasked(ir, l)[0] }));
}

const ENCODE_DOC = '"""The decoder\'s start: its initial states per recurrent layer (what the encoder gives it, or zeros), and per attention layer what it attends over (the encoder\'s value, key, value mask)."""';
const STEP_DOC = '"""One decoder step: the previous token in; log p over the target vocabulary and the next state out."""';
const ALIGNED_ENCODE_DOC = '"""The model reads the source once and gives log p of every output step; the steps hand them out in order, then only the end token."""';
const ALIGNED_STEP_DOC = '"""The next output step\'s log p, whatever the previous token (the model predicted all of them at once)."""';

/** PyTorch: the Model of model.py; the encoder's lines are model.py's forward lines of the layers the decoder reads. */
export function emitTorchDecode(ir: ModelIR): string | null {
  const d = decodable(ir);
  if (!d) return null;
  const ids = identifiers(ir);
  const v = (id: string) => ids.get(id)!;
  const common = { imports: 'import torch\n\nfrom model import Model\nfrom tfjs_weights import read_tfjs_weights', decorator: '@torch.no_grad()\n' };
  const load = ['model = Model()', 'model.load_tfjs(read_tfjs_weights(folder))', 'model.eval()'];
  if (d.kind === 'aligned')
    return decodePy({
      kind: 'aligned',
      ...common,
      load: [...load, 'return model'],
      encode: [ALIGNED_ENCODE_DOC, `p = model(torch.tensor([source], dtype=torch.long))[0]`, 'return aligned_rows(torch.log(p.clamp(1e-30, 1)).numpy(), vocab)'],
      step: [ALIGNED_STEP_DOC, 'return state[0], state[1:] or state'],
    });
  const w = d.walk;
  const masks = maskFlow(ir, ids);
  const attention = attentionOf(ir, w);
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const needed = new Set<string>();
  const need = (id: string): void => {
    if (needed.has(id)) return;
    needed.add(id);
    byId.get(id)!.inputs.forEach(need);
  };
  [...w.stateSources.map((s) => s.layer.id), ...attention.flatMap((a) => a.layer.states!.map((s) => s.from))].forEach(need);
  const encoderLines = ir.layers.filter((l) => needed.has(l.id) && l.kind !== 'Input').flatMap((l) => {
    const fwd = torchCode(l, ids, { self: `model.${v(l.id)}`, mask: masks.input.get(l.id), ownMask: masks.own.get(l.id) }).forward;
    return masks.merged.has(l.id) ? [...fwd.slice(0, -1), masks.merged.get(l.id)!, ...fwd.slice(-1)] : fwd;
  });
  // Per attention layer: [value, (key,) (value mask)], as the app's encoder pass returns them.
  const memory = attention.map((a) => `[${[...portVars(a.layer, ids).states, ...(a.masked ? [masks.ports.get(a.layer.id)![0]!] : [])].join(', ')}]`);
  const stepLines = w.path.flatMap((l) => {
    const self = `model.${v(l.id)}`;
    const a = attention.findIndex((x) => x.layer === l);
    if (a >= 0) {
      // The trained attention on the step's query (no query mask, as in the app's step) and the encoder's memory.
      const mem = l.states!.map((_, k) => `memory[${a}][${k}]`);
      return torchCode(l, ids, { self, ownMask: '_', states: mem, stateMasks: [attention[a].masked ? `memory[${a}][${mem.length}]` : null] }).forward;
    }
    if (!isRecurrentKind(l.kind)) return torchCode(l, ids, { self, ownMask: '_' }).forward;
    const r = w.recurrent.indexOf(l);
    const n = stateNames(l.kind).length;
    // One step: the input as a sequence of one, the states carried over; return_state (set in load) gives the new ones.
    return torchCode(l, ids, {
      self, x: [`${portVars(l, ids).inputs[0]}.reshape(1, 1, -1)`],
      states: Array.from({ length: n }, (_, k) => `rnn[${r}][${k}]`), stateOuts: Array.from({ length: n }, (_, k) => `new_rnn[${r}][${k}]`),
    }).forward;
  });
  return decodePy({
    kind: 'steps',
    ...common,
    load: [
      ...load,
      '# A step reads the final states of each decoder recurrent layer too (the training model needs only its outputs).',
      ...w.recurrent.map((l) => `model.${v(l.id)}.return_state = True`),
      'return model',
    ],
    encode: [
      ENCODE_DOC,
      `${v(w.encoder)} = torch.tensor([source], dtype=torch.long)`,
      ...encoderLines,
      `return ${initialStates(w, (s) => v(portKey(s.layer.id, s.port)), (u) => `torch.zeros(1, ${u})`)}, [${memory.join(', ')}]`,
    ],
    step: [
      STEP_DOC,
      'rnn, memory = state',
      `new_rnn = [${w.recurrent.map((l) => `[None] * ${stateNames(l.kind).length}`).join(', ')}]`,
      `${v(w.decoder)} = torch.tensor([[token]], dtype=torch.long)`,
      ...stepLines,
      `p = ${v(ir.outputs[0])}.reshape(-1)`,
      'return torch.log(p.clamp(1e-30, 1)).numpy(), (new_rnn, memory)',
    ],
  });
}

/** Keras: build_model() of model.py; the encoder is a sub-model of it, each decoder step the trained layers and cells. */
export function emitKerasDecode(ir: ModelIR): string | null {
  const d = decodable(ir);
  if (!d) return null;
  const ids = identifiers(ir);
  const v = (id: string) => ids.get(id)!;
  const common = { imports: 'import keras\n\nfrom model import build_model, load_tfjs_weights', decorator: '' };
  const load = ['model = build_model()', 'load_tfjs_weights(model, folder)'];
  const sourceArray = 'np.asarray([source], dtype="int32")';
  if (d.kind === 'aligned')
    return decodePy({
      kind: 'aligned',
      ...common,
      load: [...load, 'return model'],
      encode: [ALIGNED_ENCODE_DOC, `p = np.asarray(model.predict(${sourceArray}, verbose=0), dtype="float32")[0]`, 'return aligned_rows(np.log(np.clip(p, 1e-30, 1)), vocab)'],
      step: [ALIGNED_STEP_DOC, 'return state[0], state[1:] or state'],
    });
  const w = d.walk;
  const attention = attentionOf(ir, w);
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const layer = (l: IRLayer) => `model.get_layer(${pyStr(l.name)})`;
  const output = (s: { layer: IRLayer; port: string }) => {
    const outs = portsOf(LAYERS[s.layer.kind], s.layer.params).outputs;
    return `${layer(s.layer)}.output${outs.length > 1 ? `[${outs.indexOf(s.port)}]` : ''}`;
  };
  const memorySources = attention.flatMap((a) => a.layer.states!.map((s) => ({ layer: byId.get(s.from)!, port: s.fromPort })));
  const encoderOutputs = [...w.stateSources, ...memorySources];
  let k = w.stateSources.length;
  // Per attention layer: [value, (key,) (value mask)]. Keras masks the value from the Embedding(mask_zero=True) it
  // comes from, which reads the source: the mask is the source's non-zero ids.
  const memory = attention.map((a) => `[${[...a.layer.states!.map(() => `outputs[${k++}]`), ...(a.masked ? [`${sourceArray} != 0`] : [])].join(', ')}]`);
  const stepLines = w.path.flatMap((l) => {
    const ins = portVars(l, ids).inputs;
    const a = attention.findIndex((x) => x.layer === l);
    if (a >= 0) {
      // The trained attention on the step's query (no query mask, as in the app's step) and the encoder's memory.
      const n = l.states!.length;
      const mask = attention[a].masked ? `, mask=[None, memory[${a}][${n}]]` : '';
      return [`${v(l.id)} = ${layer(l)}([${[ins[0], ...l.states!.map((_, j) => `memory[${a}][${j}]`)].join(', ')}]${mask}, training=False)`];
    }
    if (!isRecurrentKind(l.kind)) return [`${v(l.id)} = ${layer(l)}(${ins.length === 1 ? ins[0] : `[${ins.join(', ')}]`}, training=False)`];
    const r = w.recurrent.indexOf(l);
    // One call of the trained cell, as the app's step: (x_t, [h, (c)]) → (h_t, [h_t, (c_t)]); a sequence of one out
    // when the layer returns sequences.
    return [
      `${v(l.id)}, new_rnn[${r}] = ${layer(l)}.cell(np.reshape(np.asarray(${ins[0]}), (1, -1)), rnn[${r}], training=False)`,
      ...(l.params.returnSequences ? [`${v(l.id)} = np.reshape(np.asarray(${v(l.id)}), (1, 1, -1))`] : []),
    ];
  });
  return decodePy({
    kind: 'steps',
    ...common,
    load: [
      ...load,
      '# The encoder: the trained model from its source Input to what the decoder reads of it.',
      `encoder = keras.Model(model.inputs[${ir.inputs.indexOf(w.encoder)}], [${encoderOutputs.map(output).join(', ')}])`,
      'return model, encoder',
    ],
    encode: [
      ENCODE_DOC,
      'model, encoder = loaded',
      ...(encoderOutputs.length
        ? [`outputs = encoder.predict(${sourceArray}, verbose=0)`, `outputs = outputs if isinstance(outputs, list) else [outputs]`]
        : []),
      `return ${initialStates(w, (s) => `outputs[${w.stateSources.indexOf(s)}]`, (u) => `np.zeros((1, ${u}), dtype="float32")`)}, [${memory.join(', ')}]`,
    ],
    step: [
      STEP_DOC,
      'model = loaded[0]',
      'rnn, memory = state',
      `new_rnn = [None] * ${w.recurrent.length}`,
      `${v(w.decoder)} = np.asarray([[token]], dtype="int32")`,
      ...stepLines,
      `p = np.asarray(${v(ir.outputs[0])}, dtype="float32").reshape(-1)`,
      'return np.log(np.clip(p, 1e-30, 1)), ([[np.asarray(s) for s in states] for states in new_rnn], memory)',
    ],
    loadedName: 'loaded',
  });
}

/** The first lines of decode.py's docstring after the usage line: how the model decodes. */
const ABOUT = {
  steps: `The encoder reads the word once; the decoder then runs one step at a time from the start token, fed its own
prediction, until the end token or the length cap (greedy, or beam search of width K).`,
  aligned: `The model reads the word once and predicts every output step at once; the search (greedy: the most likely token
at each step; or beam search of width K) reads them one step at a time, then the end token.`,
};

/** The aligned form's rows: log p of each output step, then one where only the end token is possible. */
const ALIGNED_ROWS_PY = `def aligned_rows(log_p, vocab):
    end_only = np.full(log_p.shape[-1], -np.inf, dtype="float32")
    end_only[vocab["end"]] = 0
    return list(log_p) + [end_only]


`;

function decodePy(o: { kind: Decoding['kind']; imports: string; load: string[]; encode: string[]; step: string[]; decorator: string; loadedName?: string }): string {
  const m = o.loadedName ?? 'model';
  return `"""Decodes words with the exported ${o.kind === 'steps' ? 'encoder–decoder' : 'model'}, as the app's "try it" does, token for token:

    python3 decode.py WORD [WORD ...] [--beam K] [--json]      (or one word per line on stdin)

${ABOUT[o.kind]} vocab.json holds both
vocabularies, how a word is read (case, padding, order), the special tokens and the cap.
"""
import argparse
import json
import os
import re
import sys

import numpy as np
${o.imports}

HERE = os.path.dirname(os.path.abspath(__file__))


def load(folder):
${ind(o.load)}


${o.kind === 'aligned' ? ALIGNED_ROWS_PY : ''}${o.decorator}def encode(${m}, source, vocab):
${ind(o.encode)}


${o.decorator}def step(${m}, state, token):
${ind(o.step)}


${DECODE_SEARCH_PY}`;
}

/** The target-independent part: reading a word, greedy and beam search (src/datasets/decode.ts), the command line. */
const DECODE_SEARCH_PY = `def source_ids(text, vocab):
    """The ids of a typed word, read as the app reads it: whitespace removed, then upper-cased, padded with spaces
    and reversed as vocab.json says; symbols outside the vocabulary are the unknown id."""
    source = vocab["source"]
    text = re.sub(r"\\s+", "", text)
    if source["upper"]:
        text = text.upper()
    symbols = list(text.ljust(source["padTo"] or 0, " "))
    if source["reverse"]:
        symbols.reverse()
    index = {w: i for i, w in enumerate(source["words"])}
    return [index.get(s, vocab["unknown"]) for s in symbols]


def greedy(loaded, state, vocab):
    """The most likely token at every step (the first one on ties), fed back, until the end token or the cap."""
    tokens, prev = [], vocab["start"]
    while len(tokens) < vocab["maxLen"]:
        log_probs, state = step(loaded, state, prev)
        prev = int(np.argmax(log_probs))
        tokens.append(prev)
        if prev == vocab["end"]:
            break
    return tokens


def beam_search(loaded, state, vocab, width, length_penalty=1.0):
    """Keeps the best \`width\` partial hypotheses by summed log p. Each step expands every live one by every token and
    keeps the best 2 * width candidates (ties: earlier beam, lower token); an end token among the best \`width\`
    finishes a hypothesis, the best \`width\` others stay live. Stops when \`width\` finished or at the cap; the
    winner has the best sum / length ** length_penalty (the end token counted), finished ones first."""
    live = [([], 0.0, state)]
    finished = []
    for _ in range(vocab["maxLen"]):
        if not live or len(finished) >= width:
            break
        candidates = []
        for parent, (tokens, log_prob, st) in enumerate(live):
            log_probs, new_state = step(loaded, st, tokens[-1] if tokens else vocab["start"])
            candidates += [(parent, v, log_prob + float(log_probs[v]), new_state) for v in range(len(log_probs))]
        candidates.sort(key=lambda c: -c[2])  # stable: equal sums keep beam order, then token order
        nxt = []
        for rank, (parent, v, log_prob, new_state) in enumerate(candidates[:2 * width]):
            tokens = live[parent][0] + [v]
            if v == vocab["end"]:
                if rank < width and len(finished) < width:
                    finished.append((tokens, log_prob / max(1, len(tokens)) ** length_penalty))
            elif len(nxt) < width:
                nxt.append((tokens, log_prob, new_state))
        live = nxt
    cut = [(t, lp / max(1, len(t)) ** length_penalty) for t, lp, _ in live[:width - len(finished)]] if len(finished) < width else []
    return (sorted(finished, key=lambda h: -h[1]) + sorted(cut, key=lambda h: -h[1]))[0][0]


def decode(loaded, word, vocab, beam=1):
    """The target ids of one word, without the end token."""
    source = source_ids(word, vocab)
    if not source:
        raise ValueError("an empty word")
    state = encode(loaded, source, vocab)
    tokens = greedy(loaded, state, vocab) if beam == 1 else beam_search(loaded, state, vocab, beam)
    return tokens[:-1] if tokens and tokens[-1] == vocab["end"] else tokens


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("words", nargs="*", help="the words to decode (default: one per line on stdin)")
    ap.add_argument("--beam", type=int, default=1, help="beam width (1: greedy)")
    ap.add_argument("--weights", default=HERE, help="folder with model.json + weights.bin (default: this folder)")
    ap.add_argument("--json", action="store_true", help='print {"source", "tokens", "output"} per word')
    args = ap.parse_args()
    if args.beam < 1:
        ap.error("--beam must be at least 1")
    with open(os.path.join(HERE, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    words = args.words or [line for line in sys.stdin.read().splitlines() if line.strip()]
    target = vocab["target"]
    loaded = load(args.weights)
    for word in words:
        try:
            tokens = decode(loaded, word, vocab, args.beam)
        except ValueError as e:
            sys.exit("decode.py: %r: %s" % (word, e))
        output = target["joiner"].join(target["words"][t] for t in tokens if t >= target["specials"])
        print(json.dumps({"source": word, "tokens": tokens, "output": output}) if args.json else output, flush=True)


if __name__ == "__main__":
    main()
`;
