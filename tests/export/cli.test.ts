/** The export/import/predict commands' user errors: one line on stderr, the right exit code, never a stack trace. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, COVERAGE, ROOT, scratchDir, writeGraph } from './helpers.ts';

const preset = join(ROOT, 'presets', 'lesson-gru.json');
let dir: string;
beforeAll(async () => {
  await initTfNode('cpu');
  dir = scratchDir('cli');
});

const kerasGru = (resetAfter: boolean) => JSON.stringify({
  class_name: 'Sequential', keras_version: '2.12.0', backend: 'tensorflow',
  config: { name: 'seq', layers: [
    { class_name: 'GRU', config: { name: 'my_gru', units: 4, batch_input_shape: [null, 5, 3], dtype: 'float32', activation: 'tanh', recurrent_activation: 'sigmoid', reset_after: resetAfter } },
    { class_name: 'Dense', config: { name: 'head', units: 1, activation: 'linear' } },
  ] },
});

describe('export / import / predict on the command line', () => {
  it('refuses a missing or unknown --format, and a missing --out', async () => {
    for (const args of [['export', preset, '--out', dir], ['export', preset, '--format', 'onnx', '--out', dir], ['export', preset, '--format', 'keras']]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^rnn-studio export: (--format must be one of pytorch, keras, tfjs|Missing --out)/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('predict explains a bad input file and a shape the model cannot take', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ dtype: 'int32', shape: [2, 3], data: [1, 2, 3] }));
    let r = await cli(['predict', preset, '--input', join(dir, 'bad.json')]);
    expect([r.code, r.err.trim()]).toEqual([2, `rnn-studio predict: ${join(dir, 'bad.json')}: "data" has 3 numbers but shape [2,3] needs 6.`]);
    writeFileSync(join(dir, 'feat.json'), JSON.stringify({ dtype: 'float32', shape: [1, 2, 2], data: [1, 2, 3, 4] }));
    r = await cli(['predict', preset, '--input', join(dir, 'feat.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/The input has shape \[1,2,2\] but the model expects \[any,any\]/);
  });

  it('predict on a model with two Inputs takes a list of tensors, one per Input, and says so', async () => {
    const graph = writeGraph(COVERAGE['seq2seq-lstm-masked'], join(dir, 'seq2seq.json'));
    const ids = (n: number) => ({ dtype: 'int32', shape: [2, n], data: Array.from({ length: 2 * n }, (_, i) => 1 + (i % 9)) });
    writeFileSync(join(dir, 'one.json'), JSON.stringify(ids(4)));
    let r = await cli(['predict', graph, '--input', join(dir, 'one.json')]);
    expect([r.code, r.err.trim()]).toEqual([1, 'rnn-studio predict: This model has 2 inputs and was given 1 (give a JSON list of tensors, one per Input in order).']);
    writeFileSync(join(dir, 'bad-list.json'), JSON.stringify([ids(4), { ...ids(3), dtype: 'int64' }]));
    r = await cli(['predict', graph, '--input', join(dir, 'bad-list.json')]);
    expect([r.code, r.err.trim()]).toEqual([2, `rnn-studio predict: ${join(dir, 'bad-list.json')}: input 2 of 2: "dtype" must be "int32" or "float32" (got "int64").`]);
    writeFileSync(join(dir, 'two.json'), JSON.stringify([ids(4), ids(3)]));
    r = await cli(['predict', graph, '--input', join(dir, 'two.json'), '--json']);
    expect(r.code, r.err).toBe(0);
    // The decoder's 3 steps, 7 classes each: the Dense softmax over the decoder's outputs.
    expect(JSON.parse(r.out).shape).toEqual([2, 3, 7]);
  });

  it('import reads a Keras GRU with reset_after=True (Keras param count) and the reset-before one', async () => {
    writeFileSync(join(dir, 'gru-after.json'), kerasGru(true));
    const after = await cli(['import', join(dir, 'gru-after.json'), '--out', join(dir, 'g.json')]);
    expect(after.code, after.err).toBe(0);
    // GRU(4) on 3 features, reset-after: 3·(4·(3+4)+2·4) = 108; Dense 4→1: 5
    expect(after.out).toMatch(/3 layers, 113 params \(no weights in the file\)/);
    writeFileSync(join(dir, 'gru-before.json'), kerasGru(false));
    const ok = await cli(['import', join(dir, 'gru-before.json'), '--out', join(dir, 'g.json')]);
    expect(ok.code, ok.err).toBe(0);
    // GRU(4) on 3 features: 3·(4·(3+4)+4) = 96; Dense 4→1: 5
    expect(ok.out).toMatch(/3 layers, 101 params \(no weights in the file\)/);
    const check = await cli(['check', join(dir, 'gru-before.json')]);
    expect([check.code, check.out.trim()]).toEqual([0, `${join(dir, 'gru-before.json')}: OK (3 layers)`]);
  });
});
