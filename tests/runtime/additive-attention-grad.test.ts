/**
 * AdditiveAttention's scores are one custom-gradient op (src/codegen/tfjs-attention.ts: tanh as 2σ(2x) − 1, the
 * gradients written out). Its output and the gradients of L = Σ out · R with respect to query, value and scale
 * equal PyTorch float64 autograd of Keras's formula S = Σ_d scale_d · tanh(q_i + v_j)_d, W = softmax(S), out = W·V.
 */
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { runtimeTf } from '../../src/runtime/gru-layer.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { PYTHON } from '../export/helpers.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

const TORCH = `
import json, sys, torch
a = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in json.load(sys.stdin).items()}
q, v, scale, r = a["q"], a["v"], a["scale"], a["r"]
out = torch.softmax((scale * torch.tanh(q[:, :, None, :] + v[:, None, :, :])).sum(-1), -1) @ v
(out * r).sum().backward()
print(json.dumps({"out": out.tolist(), "q": q.grad.tolist(), "v": v.grad.tolist(), "scale": scale.grad.tolist()}))
`;

it('AdditiveAttention (useScale): output and ∂L/∂query, ∂L/∂value, ∂L/∂scale equal PyTorch float64 autograd within 1e-5', () => {
  const factories = runtimeTf.layers as unknown as Record<'additiveAttention', (args: object) => tf.layers.Layer>;
  const layer = factories.additiveAttention({ useScale: true, seed: 3 });
  const q = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
  const v = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 2);
  const r = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 4);
  layer.apply([q, v]);
  const scale = layer.trainableWeights[0].read() as tf.Variable;
  const out = () => (layer.apply([q, v]) as tf.Tensor[])[0];
  const loss = (qq: tf.Tensor, vv: tf.Tensor) => tf.sum(tf.mul((layer.apply([qq, vv]) as tf.Tensor[])[0], r)) as tf.Scalar;
  const [dq, dv] = tf.grads((qq: tf.Tensor, vv: tf.Tensor) => loss(qq, vv))([q, v]);
  const dScale = tf.variableGrads(() => loss(q, v), [scale]).grads[scale.name];
  const input = JSON.stringify({ q: q.arraySync(), v: v.arraySync(), scale: scale.arraySync(), r: r.arraySync() });
  const want = JSON.parse(execFileSync(PYTHON, ['-c', TORCH], { input, encoding: 'utf8' })) as Record<string, number[]>;
  const got: Record<string, tf.Tensor> = { out: out(), q: dq, v: dv, scale: dScale };
  for (const [k, t] of Object.entries(got)) {
    const w = want[k].flat(3) as number[];
    const g = Array.from(t.dataSync());
    expect(g.length, k).toBe(w.length);
    expect(Math.max(...g.map((x, i) => Math.abs(x - w[i]))), k).toBeLessThan(1e-5);
    // Not vacuous: every gradient has entries well away from zero.
    expect(Math.max(...w.map(Math.abs)), k).toBeGreaterThan(1e-2);
  }
});
