/**
 * An LSTM with initial states (Keras `initial_state`) and `returnState` on the wasm SIMD kernels, against independent
 * references: PyTorch's LSTM cell in float64 autograd (tests/runtime/lstm_states_ref.py; output, final h and c,
 * ∂L/∂x, ∂L/∂h0, ∂L/∂c0 and every weight gradient within 1e-5, with goBackwards and masks), and central finite
 * differences of the kernels' own forward pass for ∂L/∂h0 and ∂L/∂c0.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fuseLayer } from '../../src/runtime/fused/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { PYTHON } from '../export/helpers.ts';
import { B, D, H, initialStates, lossWeights, makeLayer, MASK_ROWS, maxDiff, run, T, type Case } from './recurrent-equality.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

const flat = (a: unknown): number[] => [a].flat(Infinity as 1) as number[];

/** A built LSTM on the SIMD engine (checked), its input, mask and initial states [h0, c0]. */
function setup(c: Case) {
  const layer = makeLayer('LSTM', { ...c, returnState: true });
  const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 11) as tf.Tensor3D;
  tf.dispose(layer.apply(x) as tf.Tensor[]);
  expect(fuseLayer(layer, 'simd')).toBe(1);
  return { layer, x, mask: c.masked ? tf.tensor2d(MASK_ROWS) : null, states: initialStates('LSTM', c, B, H) };
}

describe('LSTM with initial states on the SIMD kernels equals PyTorch autograd in float64', () => {
  it.each([
    ['last output', {}],
    ['goBackwards + returnSequences', { goBackwards: true, returnSequences: true }],
    ['masked (right, left padding) + goBackwards', { masked: true, goBackwards: true }],
    ['masked + returnSequences', { masked: true, returnSequences: true }],
  ] as [string, Case][])('%s', (_, c) => {
    const { layer, x, mask, states } = setup(c);
    const dispatch = vi.spyOn(tf.engine(), 'runKernel');
    const got = run(layer, x, mask, false, states);
    expect(dispatch.mock.calls.map(([name]) => name)).toEqual(expect.arrayContaining(['RnnSimdForward', 'RnnSimdBackward']));
    dispatch.mockRestore();
    const [K, R, b] = layer.getWeights().map((w) => w.arraySync());
    const outShapes = [c.returnSequences ? [B, T, H] : [B, H], [B, H], [B, H]];
    const W = outShapes.map((s, k) => tf.tidy(() => lossWeights(s, k).arraySync()));
    const input = JSON.stringify({
      x: x.arraySync(), h0: states[0].arraySync(), c0: states[1].arraySync(), mask: c.masked ? MASK_ROWS : null,
      K, R, b, goBackwards: !!c.goBackwards, returnSequences: !!c.returnSequences, W,
    });
    const ref = JSON.parse(execFileSync(PYTHON, [new URL('./lstm_states_ref.py', import.meta.url).pathname], { input, encoding: 'utf8' }));
    expect(maxDiff(got.y, ref.y), 'output, h_T, c_T').toBeLessThan(1e-5);
    expect(maxDiff(got.dx, ref.dx), '∂L/∂x').toBeLessThan(1e-5);
    for (const [i, name] of [[0, 'dh0'], [1, 'dc0']] as const) {
      expect(Math.max(...flat(ref[name]).map(Math.abs)), `${name} is not vacuous`).toBeGreaterThan(1e-3);
      expect(maxDiff(got.ds[i], ref[name]), name).toBeLessThan(1e-5);
    }
    (ref.grads as unknown[]).forEach((g, i) => expect(maxDiff(got.dw[i], g), got.names[i]).toBeLessThan(1e-5));
    if (c.masked && c.returnSequences && !c.goBackwards) {
      // Row 0 ends with two padded steps (MASK_ROWS): its final state is its output at its last real step, 3, as in Keras.
      const [out, hT] = got.y as [number[][][], number[][]];
      expect(maxDiff(hT[0], out[0][3])).toBe(0);
    }
    tf.dispose([x, ...states, ...(mask ? [mask] : [])]);
  });
});

describe('∂L/∂h0 and ∂L/∂c0 of the SIMD kernels', () => {
  it('match central finite differences of their own forward pass (masked, goBackwards, returnState)', () => {
    const c: Case = { masked: true, goBackwards: true, returnSequences: true };
    const { layer, x, mask, states } = setup(c);
    const g = run(layer, x, mask, false, states);
    const loss = (s: tf.Tensor[]) => tf.tidy(() => {
      const ys = layer.apply(x, { mask, initialState: s }) as tf.Tensor[];
      return tf.addN(ys.map((y, k) => tf.sum(tf.mul(y, lossWeights(y.shape, k))))).dataSync()[0];
    });
    const eps = 1e-2;
    let checked = 0;
    states.forEach((s, si) => {
      const values = s.dataSync().slice();
      for (let k = 0; k < values.length; k += 2) {
        const at = (delta: number) => {
          const v = values.slice();
          v[k] += delta;
          const moved = states.map((o, oi) => (oi === si ? tf.tensor(v, s.shape) : o));
          const l = loss(moved);
          tf.dispose(moved[si]);
          return l;
        };
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(fd - flat(g.ds[si])[k]), `state ${si}[${k}]`).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
        checked++;
      }
    });
    expect(checked).toBe(2 * Math.ceil((B * H) / 2));
    tf.dispose([x, ...states, mask!]);
  });
});
