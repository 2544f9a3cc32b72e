/**
 * The G2P-attention bench row times the same model in TF.js and in PyTorch: our model (bench/models.ts, built as the
 * bench builds it) and `G2PAttention` of bench/pytorch_step.py given our weights compute the same loss on the same
 * batch (float64 in PyTorch), so the row compares one function, not two.
 */
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { benchModel, modelBatch } from '../../bench/node-step.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { PYTHON } from '../export/helpers.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

// Keras LSTM weights [kernel D×4H, recurrent H×4H, bias 4H] (gates i, f, c, o) are PyTorch's transposed (i, f, g, o), one bias.
const TORCH = `
import importlib.util, json, sys, torch
spec = importlib.util.spec_from_file_location("pytorch_step", "bench/pytorch_step.py")
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
a = json.load(sys.stdin)
w = {k: torch.tensor(v, dtype=torch.float64) for k, v in a["w"].items()}
model = m.G2PAttention().double()
def lstm(mod, prefix, suffix=""):
    getattr(mod, "weight_ih_l0" + suffix).copy_(w[prefix + "/kernel"].T)
    getattr(mod, "weight_hh_l0" + suffix).copy_(w[prefix + "/recurrent_kernel"].T)
    getattr(mod, "bias_ih_l0" + suffix).copy_(w[prefix + "/bias"])
    getattr(mod, "bias_hh_l0" + suffix).zero_()
with torch.no_grad():
    model.src_emb.weight.copy_(w["embedding/embeddings"]); model.tgt_emb.weight.copy_(w["embedding_1/embeddings"])
    lstm(model.bi, "bidirectional/forward_lstm"); lstm(model.bi, "bidirectional/backward_lstm", "_reverse")
    lstm(model.enc, "lstm_1"); lstm(model.dec, "lstm_2")
    model.scale.copy_(w["additive_attention/scale"])
    model.out.weight.copy_(w["dense/kernel"].T); model.out.bias.copy_(w["dense/bias"])
    logits = model(torch.tensor(a["src"]), torch.tensor(a["tgt"]))
    print(json.dumps(torch.nn.functional.cross_entropy(logits, torch.tensor(a["y"]).reshape(-1)).item()))
`;

it('G2P-attention: our bench model and bench/pytorch_step.py\'s G2PAttention with the same weights give the same loss', async () => {
  const model = benchModel('G2P-attention', 16, 'simd');
  const { x, y } = modelBatch(model);
  expect(x.map((t) => t.shape)).toEqual([[32, 16], [32, 12]]);
  const ours = model.evaluate(x, y) as tf.Scalar;
  const w = Object.fromEntries(model.weights.map((v) => [v.originalName, v.read().arraySync()]));
  const input = JSON.stringify({ w, src: x[0].arraySync(), tgt: x[1].arraySync(), y: (y.arraySync() as number[][][]).map((r) => r.map((c) => c[0])) });
  const want = JSON.parse(execFileSync(PYTHON, ['-c', TORCH], { input, encoding: 'utf8', maxBuffer: 1 << 26 })) as number;
  // ln 72 ≈ 4.28 at initialisation: the comparison is of a loss away from zero.
  expect(want).toBeGreaterThan(1);
  expect(Math.abs(ours.dataSync()[0] - want)).toBeLessThan(1e-5);
});
