/** Removing unsupported layers from a Keras model's layer list (src/codegen/keras-drop.ts): bridging and cutting. */
import { describe, expect, it } from 'vitest';
import { dropLayers, type FileLayer } from '../../src/codegen/keras-drop.ts';

const L = (name: string, className: string, ...from: (string | [string, number])[]): FileLayer => ({
  name, className, inbound: from.map((f) => (typeof f === 'string' ? { name: f, tensor: 0, state: false } : { name: f[0], tensor: f[1], state: false })),
});
const isMerge = (c: string) => c === 'Concatenate' || c === 'Add';
const wiring = (ls: FileLayer[]) => Object.fromEntries(ls.map((l) => [l.name, l.inbound.map((i) => i.name)]));

describe('dropLayers', () => {
  it('bridges a layer with one input: its input feeds its consumers', () => {
    const r = dropLayers([L('in', 'InputLayer'), L('conv', 'Conv1D', 'in'), L('lam', 'Lambda', 'conv'), L('lstm', 'LSTM', 'lam'), L('out', 'Dense', 'lstm')], new Set(['lam']), isMerge);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(wiring(r.layers)).toEqual({ in: [], conv: ['in'], lstm: ['conv'], out: ['lstm'] });
    expect(r.removed).toEqual(['Removed lam (Lambda): conv now feeds lstm.']);
  });

  it('bridges the last layer: its input becomes the output', () => {
    const r = dropLayers([L('in', 'InputLayer'), L('lstm', 'LSTM', 'in'), L('act', 'MyActivation', 'lstm')], new Set(['act']), isMerge);
    expect(r.ok && wiring(r.layers)).toEqual({ in: [], lstm: ['in'] });
  });

  it('cuts a branch that has two inputs: its consumer loses it, a merge left with one input goes, the branch back to the fork goes', () => {
    const layers = [
      L('text', 'InputLayer'), L('image', 'InputLayer'), L('side', 'InputLayer'),
      L('lstm', 'LSTM', 'text'),
      L('pre', 'Dense', 'image'),
      L('mix', 'MyMix', 'pre', 'side'),
      L('flat', 'Flatten', 'mix'),
      L('cat', 'Concatenate', 'lstm', 'flat'),
      L('out', 'Dense', 'cat'),
    ];
    const r = dropLayers(layers, new Set(['mix']), isMerge);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(wiring(r.layers)).toEqual({ text: [], lstm: ['text'], out: ['lstm'] });
    expect([...r.removed].sort()).toEqual([
      'Removed cat (Concatenate), left with one input: lstm now feeds out.',
      'Removed flat (Flatten): its input mix was removed.',
      'Removed image (InputLayer): it fed only removed layers.',
      'Removed mix (MyMix).',
      'Removed pre (Dense): it fed only removed layers.',
      'Removed side (InputLayer): it fed only removed layers.',
    ]);
    // The input list was not changed.
    expect(layers.find((l) => l.name === 'cat')!.inbound.map((i) => i.name)).toEqual(['lstm', 'flat']);
  });

  it('does not bridge a layer whose consumer takes its state output; cutting the only path leaves nothing', () => {
    const r = dropLayers([L('in', 'InputLayer'), L('enc', 'MyRNN', 'in'), L('dec', 'LSTM', 'in', ['enc', 1]), L('out', 'Dense', 'dec')], new Set(['enc']), isMerge);
    expect(r).toEqual({ ok: false, error: 'nothing of the model is left without enc' });
  });
});
