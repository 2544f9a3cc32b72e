/**
 * Functional Keras models with several outputs (`output_layers` lists more than one) open as graphs with several
 * outputs, with Keras's parameter total, and each output's loss weight from how the file was compiled: Keras 3's
 * `compile_config.loss_weights` (a list in output_layers order, or a dict by name), Keras 2's `training_config`; 1 when
 * the file has none.
 */
import { describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile, outputLosses } from '../../src/compiler/index.ts';
import { kerasTwoHeads } from '../fixtures/keras-two-heads.ts';

/** Keras's counts: LSTM(8) on 3 features 4·(8·(3 + 8) + 8) = 384; Dense(8 → 1) 9; Dense(8 → 4) 36. */
const KERAS_TOTAL = 384 + 9 + 36;

const open = (m: unknown) => {
  const r = importModelJson(m);
  if (!r.ok) throw new Error(r.error);
  const c = compile(r.model.doc);
  if (!c.ir) throw new Error(JSON.stringify(c.diagnostics));
  return { ir: c.ir, warnings: r.model.warnings };
};
const weights = (m: unknown) => outputLosses(open(m).ir).map((o) => [o.name, o.kind, o.weight]);

describe('importing a Keras model with two outputs', () => {
  it.each(['keras2', 'keras3'] as const)('%s: both heads are outputs, with Keras\'s parameter total, each weighing 1 without a training config', (form) => {
    const { ir } = open(kerasTwoHeads(form));
    expect(ir.outputs).toHaveLength(2);
    expect(ir.totalParams).toBe(KERAS_TOTAL);
    expect(weights(kerasTwoHeads(form))).toEqual([['value', 'mse', 1], ['policy', 'ce', 1]]);
  });

  it("Keras 3's compile_config: loss_weights as a list in output order, or as a dict by output name", () => {
    expect(weights(kerasTwoHeads('keras3', { compile_config: { loss: ['mse', 'sparse_categorical_crossentropy'], loss_weights: [0.25, 2] } }))).toEqual([['value', 'mse', 0.25], ['policy', 'ce', 2]]);
    expect(weights(kerasTwoHeads('keras3', { compile_config: { loss_weights: { policy: 0.5, value: 3 } } }))).toEqual([['value', 'mse', 3], ['policy', 'ce', 0.5]]);
  });

  it("Keras 2's training_config (an .h5's attribute, a TF.js model.json's topology) gives the weights too", () => {
    expect(weights(kerasTwoHeads('keras2', { training_config: { loss: { value: 'mse', policy: 'sparse_categorical_crossentropy' }, loss_weights: { value: 0.1, policy: 1 } } })))
      .toEqual([['value', 'mse', 0.1], ['policy', 'ce', 1]]);
    const tfjs = { modelTopology: { ...kerasTwoHeads('keras2'), training_config: { loss_weights: [0.7, 1.5] } } };
    expect(weights(tfjs)).toEqual([['value', 'mse', 0.7], ['policy', 'ce', 1.5]]);
  });

  it('a loss weight naming no output, or not a number, is refused in one line', () => {
    const bad = importModelJson(kerasTwoHeads('keras3', { compile_config: { loss_weights: { critic: 1 } } }));
    expect(bad).toEqual({ ok: false, error: 'The file\'s loss_weights name "critic", which is not an output of the model.' });
    const nan = importModelJson(kerasTwoHeads('keras3', { compile_config: { loss_weights: ['high', 1] } }));
    expect(nan).toEqual({ ok: false, error: 'The loss weight of output value is "high", not a number.' });
  });
});
