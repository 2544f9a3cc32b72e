/**
 * Probes of an encoder–decoder (the encoder's final h and c start the decoder): the walk reproduces the tfjs model,
 * each layer reads its own number of steps, and ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ of both layers, L the padded cross-entropy of
 * training on a teacher-forcing batch (addition as text, two examples shortened by padding), equal float64 PyTorch autograd (tests/runtime/probes_seq2seq_ref.py). The
 * encoder's output reaches the loss only through the decoder's initial states, so its gradient is that path. With
 * attention (Keras Attention and AdditiveAttention) the encoder's outputs also reach it through the context, and the
 * recorded attention weights equal the reference's within 1e-5. Connectivity (P6) of an encoder–decoder is decoder
 * step × source step, and equals the reference's autograd too.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { checkFit, collate, TASKS, type PairDataset } from '../../src/datasets/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { connectivity, probeModel, probeTargets, walk } from '../../src/runtime/probes/index.ts';
import { graphDetails } from '../../src/runtime/probes/details.ts';
import { dropModels, probeGraph } from '../../src/runtime/probes/race.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { batchTensors } from '../../src/runtime/train.ts';
import { FIXTURE_DIR } from '../fixtures/graphs.ts';
import { seq2seqDoc, withAttention, type AttentionKind } from '../fixtures/seq2seq.ts';

const PYTHON = '/usr/bin/python3';
const B = 5, H = 3;

beforeAll(async () => {
  expect(await initTfNode('cpu')).toBe('cpu');
});

/** The encoder–decoder, or with the decoder's outputs attending over the encoder's. */
const encoderDecoder = (ds: PairDataset, attention?: AttentionKind) => {
  const doc = seq2seqDoc({ source: ds.sourceVocab.length, target: ds.targetVocab.length, embed: 2, units: H, task: 'addition-text', seqLen: 2 });
  return attention ? withAttention(doc, attention) : doc;
};

it.each([undefined, 'Attention', 'AdditiveAttention'] as const)('probes an encoder–decoder (attention: %s) on a padded addition batch as PyTorch autograd does (float64)', async (attention) => {
  // Addition as text: sources ("53+7") and targets ("60") of varying length, so both sides are padded.
  const ds = TASKS['addition-text'].make({ seed: 4, seqLen: 2 }) as PairDataset;
  const doc = encoderDecoder(ds, attention);
  const { ir } = compile(doc);
  const fit = checkFit(ir!, ds.info);
  expect(fit.ok).toBe(true);
  const model = buildModel(ir!);
  model.setWeights(model.getWeights().map((w, i) => tf.tidy(() => tf.randomNormal(w.shape, 0, 0.6, 'float32', 11 + i))));
  const b = collate(ds, Array.from({ length: B }, (_, i) => ds.trainSize + i));
  const Ts = b.xShape[1], Td = b.yShape[1];
  expect(Ts).not.toBe(Td);
  // Addition pads with spaces, as Keras's addition_rnn; shorten two examples with PAD = 0 so both masks are exercised.
  for (const e of [1, 3]) {
    (b.x as Int32Array).fill(0, e * Ts + Ts - e, (e + 1) * Ts);
    b.decoderIn!.fill(0, e * Td + Td - 2, (e + 1) * Td);
    (b.y as Int32Array).fill(0, e * Td + Td - 2, (e + 1) * Td);
  }
  const { x, y: [y] } = batchTensors(b, fit);
  const src = x[ir!.inputs.indexOf('src')], decIn = x[ir!.inputs.indexOf('tgt')];

  // The walk with our cells, the states carried into the decoder, is the tfjs model itself.
  const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(walk(model, ir!, probeTargets(model, ir!), x).output, model.predict(x) as tf.Tensor))).dataSync()[0]);
  expect(gap).toBeLessThan(1e-5);

  const before = tf.memory().numTensors;
  const p = await probeModel(model, ir!, x, [y], { skipPad: true });
  expect(tf.memory().numTensors).toBe(before);
  expect(p.directions.map((d) => [d.id, d.steps])).toEqual([['enc', Ts], ['dec', Td]]);

  const w = (name: string) => model.getLayer(name).getWeights().map((t) => t.arraySync());
  const layer = (id: string) => ir!.layers.find((l) => l.id === id)!.name;
  const [K, R, bias] = w(layer('enc'));
  const [Kd, Rd, bd] = w(layer('dec'));
  const [W, bo] = w(layer('out'));
  const input = {
    source: await src.array(), decoderIn: await decIn.array(), target: await y.array(),
    sourceEmbedding: w(layer('srcEmb'))[0], targetEmbedding: w(layer('tgtEmb'))[0],
    encoder: { K, R, b: bias }, decoder: { K: Kd, R: Rd, b: bd }, W, bias: bo,
    ...(attention ? { attention: { kind: attention, scale: attention === 'AdditiveAttention' ? w(layer('att'))[0] : null } } : {}),
  };
  const ref = JSON.parse(execFileSync(PYTHON, [join(FIXTURE_DIR, '..', 'runtime', 'probes_seq2seq_ref.py')], { input: JSON.stringify(input), encoding: 'utf8' }));
  expect(p.loss).toBeCloseTo(ref.loss, 5);
  const rows = (a: Float32Array, T: number) => Array.from({ length: T }, (_, s) => Array.from(a.subarray(s * B, (s + 1) * B)));
  for (const [k, name] of [[0, 'encoder'], [1, 'decoder']] as const) {
    const d = p.directions[k];
    for (const [got, want] of [[rows(d.dh, d.steps), ref[name].dh], [rows(d.dc!, d.steps), ref[name].dc]] as [number[][], number[][]][]) {
      const scale = Math.max(...want.flat());
      got.flat().forEach((v, i) => expect(Math.abs(v - want.flat()[i])).toBeLessThan(1e-5 * Math.max(1, scale)));
    }
  }
  // The attention weights of the probe batch, [B, Td, Ts], equal the reference's.
  if (attention) {
    const a = p.attention![0];
    expect(a.shape).toEqual([Td, Ts]);
    const want = (ref.scores as number[][][]).flat(2);
    expect(a.scores.length).toBe(want.length);
    a.scores.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
  } else expect(p.attention).toBeUndefined();
  // Connectivity of example 0: decoder step × source step, ‖∂logit_j/∂x_t‖ by one backward pass per chunk of rows.
  const one = x.map((v) => tf.slice(v, 0, 1));
  const conn = await connectivity(model, ir!, one);
  tf.dispose(one);
  expect([conn.rows.length, conn.seqLen]).toEqual([Td, Ts]);
  const wantConn = (ref.connectivity as number[][]).flat();
  conn.matrix.forEach((v, i) => expect(Math.abs(v - wantConn[i])).toBeLessThan(1e-5 * Math.max(1, ...wantConn)));
  // The encoder's last real step feeds the decoder directly: a gradient that is not zero for every example.
  expect(Math.min(...rows(p.directions[0].dh, Ts).at(-1)!)).toBeGreaterThan(1e-4);
  tf.dispose([...x, y]);
  model.dispose();
});

it('the Inside tab\'s probe and details of an encoder–decoder with attention: weights, output labels, connectivity decoder × source', async () => {
  const ds = TASKS['addition-text'].make({ seed: 4, seqLen: 2 }) as PairDataset;
  const doc = { ...encoderDecoder(ds, 'Attention'), training: { task: 'addition-text', seqLen: 2, seed: 4 } };
  const { probe } = await probeGraph(doc, { probeBatch: 4 });
  const Ts = probe.labels[0].length, Td = probe.outputLabels![0].length;
  expect(probe.attention![0].shape).toEqual([Td, Ts]);
  expect(probe.directions.map((d) => [d.id, d.steps, d.input === probe.labelsInput])).toEqual([['enc', Ts, true], ['dec', Td, false]]);
  // Each row of weights sums to 1.
  const w = probe.attention![0].scores;
  for (let r = 0; r < 4 * Td; r++) expect(w.subarray(r * Ts, (r + 1) * Ts).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
  const d = await graphDetails(doc, { probeBatch: 4 }, 1);
  expect([d.connectivity.rows.length, d.connectivity.seqLen]).toEqual([Td, Ts]);
  expect(d.attribution.map((a) => [a.name, a.share.length])).toEqual([[probe.directions[0].name, Ts]]);
  dropModels();
});
