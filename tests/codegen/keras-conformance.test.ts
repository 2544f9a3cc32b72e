/**
 * The Keras export read against Keras's own source. `keras-signatures.json` holds the signatures of every
 * constructor, function and method the export calls, extracted by `scripts/keras-signatures.py` from the source of
 * Keras 3.15.1 and tf.keras 2.15.0 (file, tag and commit per entry). `keras_conformance.py` parses each exported
 * Python file and checks every Keras call in it against both versions: the public name exists, the positional
 * arguments fit and every keyword is accepted (a recurrent layer's `initial_state` included). A Keras call missing
 * from the table fails too.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFiles } from '../../src/codegen/export.ts';
import { TASKS, type PairDataset } from '../../src/datasets/index.ts';
import type { PairVocab } from '../../src/datasets/pairs.ts';
import { LAYER_KINDS, type GraphDoc } from '../../src/graph/index.ts';
import { LAYERS } from '../../src/layers/index.ts';
import { HARNESS } from '../fixtures/graphs.ts';
import { dotScaledTimeDistributed } from '../fixtures/seq2seq.ts';
import { COVERAGE, irOf, PRESETS, presetDoc, PYTHON, scratchDir } from '../export/helpers.ts';

const HERE = new URL('.', import.meta.url).pathname;
const TABLE = join(HERE, 'keras-signatures.json');

function conformance(files: string[]): { checked: string[][]; errors: string[]; byFile: Record<string, string[][]> } {
  return JSON.parse(execFileSync(PYTHON, [join(HERE, 'keras_conformance.py'), TABLE, ...files], { encoding: 'utf8' }));
}

function writeExport(name: string, doc: GraphDoc, pairs?: PairVocab): string[] {
  const dir = scratchDir(`keras-conformance-${name}`);
  const files = exportFiles(irOf(doc), 'keras', { title: name, training: doc.training, trained: false, pairs });
  return Object.entries(files).filter(([f]) => f.endsWith('.py')).map(([f, text]) => {
    writeFileSync(join(dir, f), text);
    return join(dir, f);
  });
}

// Every kind's harness graph too, so a new kind's Keras export is checked against both versions' source.
const CASES: [string, GraphDoc][] = [...PRESETS.map((p): [string, GraphDoc] => [p, presetDoc(p)]), ...Object.entries(COVERAGE), ...LAYER_KINDS.map((k): [string, GraphDoc] => [`harness-${k}`, HARNESS[k]()])];

describe('the signature table', () => {
  const table = JSON.parse(readFileSync(TABLE, 'utf8'));
  it('records the repository, tag and commit of both versions, and the file of every entry', () => {
    expect(table.keras3).toMatchObject({ repo: 'keras-team/keras', tag: 'v3.15.1' });
    expect(table.tfkeras).toMatchObject({ repo: 'keras-team/tf-keras', tag: 'v2.15.0' });
    for (const v of [table.keras3, table.tfkeras]) {
      expect(v.commit).toMatch(/^[0-9a-f]{40}$/);
      for (const e of Object.values(v.entries) as { file: string }[]) expect(e.file).toMatch(/\.py$/);
    }
  });
});

describe.each(CASES)('Keras export conforms to Keras 3.15 and tf.keras 2.15: %s', (name, doc) => {
  it('every Keras call and argument exists in both versions', () => {
    const r = conformance(writeExport(name, doc));
    expect(r.errors).toEqual([]);
    const apis = new Set(r.checked.map((c) => c[0]));
    // The check saw the calls that matter: the input, the model, the weight loader, predict and train.
    for (const api of ['keras.Input', 'keras.Model', 'Layer.set_weights', 'Model.predict', 'Model.compile', 'Model.fit', 'Model.save']) expect(apis, api).toContain(api);
    const kinds = new Set(irOf(doc).layers.flatMap((l) => [l.kind, l.inner?.kind]).filter((k) => k && k !== 'Input'));
    for (const k of kinds) expect(apis, k).toContain(`keras.layers.${k}`);
    // An encoder–decoder's decoder is applied with its initial states, checked against the recurrent layers' call.
    const seeded = irOf(doc).layers.filter((l) => l.states && LAYERS[l.kind].recurrent).length;
    expect(r.checked.filter((c) => c[0] === 'RNN.__call__' && c.includes('initial_state')).length).toBe(seeded);
  });
});

describe('decode.py conforms to Keras 3.15 and tf.keras 2.15', () => {
  const pairs = (TASKS['addition-text'].make({ seed: 1, seqLen: 3 }) as PairDataset).pairVocab;
  /** decode.py checked with model.py beside it, so a layer taken by name (`model.get_layer("attention")`) is known. */
  const check = (name: string, doc: GraphDoc) => {
    const paths = writeExport(`decode-${name}`, doc, pairs);
    const decode = paths.filter((p) => p.endsWith('decode.py'));
    expect(decode).toHaveLength(1);
    const r = conformance([decode[0], ...paths.filter((p) => p.endsWith('model.py'))]);
    expect(r.errors).toEqual([]);
    return r.byFile[decode[0]];
  };

  it.each([['seq2seq-addition', presetDoc('seq2seq-addition')], ['seq2seq-gru', seq2seqGru()]] as [string, GraphDoc][])('%s: the encoder sub-model, its predict, get_layer and every cell call', (name, doc) => {
    const checked = check(name, doc);
    for (const api of ['keras.Model', 'Model.get_layer', 'Model.predict']) expect(checked.map((c) => c[0]), api).toContain(api);
    // One cell call per decoder recurrent layer, checked against each kind's cell: LSTMCell, GRUCell, SimpleRNNCell.
    for (const cell of ['LSTMCell.call', 'GRUCell.call', 'SimpleRNNCell.call']) expect(checked.filter((c) => c[0] === cell)).toEqual([[cell, 'training']]);
  });

  it.each([['g2p-attention', presetDoc('g2p-attention')], ['reversal-dot-td', dotScaledTimeDistributed(presetDoc('reversal-attention'))]] as [string, GraphDoc][])(
    '%s: the attention layer applied to the step\'s query and the encoder\'s value with the value mask, as Attention.call takes it',
    (name, doc) => {
      const checked = check(name, doc);
      // The step's attention call: the inputs, [query_mask, value_mask], training.
      expect(checked.filter((c) => c[0] === 'Attention.__call__')).toEqual([['Attention.__call__', 'mask', 'training']]);
      expect(checked.filter((c) => c[0] === 'LSTMCell.call')).toEqual([['LSTMCell.call', 'training']]);
      for (const api of ['keras.Model', 'Model.get_layer', 'Model.predict']) expect(checked.map((c) => c[0]), api).toContain(api);
    },
  );

  it('addition-rnn (one Input): the model\'s own predict, no encoder sub-model and no cell call', () => {
    const apis = check('addition-rnn', presetDoc('addition-rnn')).map((c) => c[0]);
    expect(apis).toContain('Model.predict');
    for (const api of ['keras.Model', 'Model.get_layer', 'LSTMCell.call']) expect(apis).not.toContain(api);
  });
});

/** The addition preset with GRUs: one state per layer, so decode.py's encoder has one output. */
function seq2seqGru(): GraphDoc {
  const doc = presetDoc('seq2seq-addition');
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.data.kind === 'LSTM' ? { ...n, data: { ...n.data, kind: 'GRU' } } : n)),
    edges: doc.edges.filter((e) => e.sourceHandle !== 'c'),
  };
}

describe('the checker can fail', () => {
  it('names a keyword a Keras version does not accept, a class it does not export and an unknown call', () => {
    const dir = scratchDir('keras-conformance-negative');
    const path = join(dir, 'bad.py');
    writeFileSync(path, [
      'import keras',
      'from keras import layers',
      'a = layers.GRU(units=3, reset_afterr=False)',
      'b = layers.GlobalMaxPooling1D(keepdims=False)',
      'c = keras.layers.Frobnicate()',
      'd = keras.activations.relu(1.0, negative_slope=0.1)',
      'e = layers.LSTM(units=3)(a, initial_states=[a])',
      'f = model.get_layer("lstm").cell(a, [a], trainin=False)',
      'g = layers.Attention(use_scale=True, name="att")',
      'h = model.get_layer("att")([a, a], masks=[None, a])',
    ].join('\n'));
    const errors = conformance([path]).errors.join('\n');
    expect(errors).toMatch(/keras.layers.GRU has no argument 'reset_afterr' in keras-team\/keras v3.15.1/);
    expect(errors).toMatch(/keras.layers.GRU has no argument 'reset_afterr' in keras-team\/tf-keras v2.15.0/);
    // keepdims exists on Keras 3's GlobalMaxPooling1D (via its base) and on tf.keras's base class through **kwargs.
    expect(errors).not.toMatch(/GlobalMaxPooling1D/);
    expect(errors).toMatch(/keras.layers.Frobnicate is not in the signature table/);
    // negative_slope is Keras 3's name; tf.keras 2.15 calls it alpha.
    expect(errors).toMatch(/keras.activations.relu has no argument 'negative_slope' in keras-team\/tf-keras v2.15.0/);
    expect(errors).not.toMatch(/negative_slope' in keras-team\/keras /);
    expect(errors).toMatch(/RNN.__call__ has no argument 'initial_states' in keras-team\/keras v3.15.1/);
    expect(errors).toMatch(/RNN.__call__ has no argument 'initial_states' in keras-team\/tf-keras v2.15.0/);
    expect(errors).toMatch(/LSTMCell.call has no argument 'trainin' in keras-team\/keras v3.15.1/);
    expect(errors).toMatch(/SimpleRNNCell.call has no argument 'trainin' in keras-team\/tf-keras v2.15.0/);
    // A layer taken by the name it was built with is checked as that layer's call.
    expect(errors).toMatch(/Attention.__call__ has no argument 'masks' in keras-team\/keras v3.15.1/);
  });
});
