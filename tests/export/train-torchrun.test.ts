/**
 * The PyTorch export's train.py runs unchanged on one process and under torchrun with two processes, with the
 * command written in its docstring and README
 * (DistributedDataParallel, gloo on CPU) on the graph's own task (`export --data`), and one DDP step equals one
 * single-process step on the same batch (DDP averages the two half-batch gradients = the full-batch mean gradient).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, fastInit, presetDoc, PYTHON, scratchDir, writeGraph, writeRandomWeights } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

/** A TCP port nobody listens on, for torchrun's rendezvous (a fixed one would clash with parallel runs). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

it('train.py: one step alone and under torchrun --nproc_per_node=2 give the same weights', async () => {
  const dir = scratchDir('torchrun');
  const doc = fastInit(presetDoc('lesson-lstm'));
  const graph = writeGraph(doc, join(dir, 'graph.json'));
  await writeRandomWeights(doc, join(dir, 'weights'), 7);
  const out = join(dir, 'pytorch');
  const r = await cli(['export', graph, '--format', 'pytorch', '--weights', join(dir, 'weights'), '--data', '8', '--out', out]);
  expect(r.code, r.err).toBe(0);
  const x = JSON.parse(readFileSync(join(out, 'train_x.json'), 'utf8'));
  expect([x.dtype, x.shape[0]]).toEqual(['int32', 8]);
  expect(JSON.parse(readFileSync(join(out, 'train_y.json'), 'utf8')).shape).toEqual([8]);
  const args = ['--steps', '1', '--batch-size', '4'];
  const single = execFileSync(PYTHON, [join(out, 'train.py'), ...args, '--out', join(dir, 'single.pt')], { encoding: 'utf8' });
  expect(single).toMatch(/epoch 1 step 1 loss \d+\.\d+/);
  // The distributed command exactly as train.py's docstring (and the export README) writes it, run in the export
  // folder; only the rendezvous port comes from the environment (PET_MASTER_PORT), so parallel runs do not clash.
  // Debian's torch 1.13 on Python 3.11 cannot parse torchrun's default "--redirects 0", hence the flags it shows.
  const written = readFileSync(join(out, 'train.py'), 'utf8').match(/^ +(torchrun .*train\.py.*)$/m)![1];
  expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain(written.replace(/--nproc_per_node=2/, '--nproc_per_node=N').replace(/ train\.py.*/, ' train.py'));
  const [cmd, ...cmdArgs] = written.split(/ +/);
  const ddp = execFileSync(cmd, [...cmdArgs, ...args, '--out', join(dir, 'ddp.pt')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: out, env: { ...process.env, PET_MASTER_ADDR: '127.0.0.1', PET_MASTER_PORT: String(await freePort()) } });
  expect(ddp).toMatch(/saved .*ddp\.pt/);
  const diff = execFileSync(PYTHON, ['-c', `import torch, sys
a = torch.load(sys.argv[1]); b = torch.load(sys.argv[2])
assert a.keys() == b.keys()
print(max((a[k] - b[k]).abs().max().item() for k in a))`, join(dir, 'single.pt'), join(dir, 'ddp.pt')], { encoding: 'utf8' });
  expect(Number(diff)).toBeLessThan(1e-5);
  // …and the step moved the weights (the comparison is not between two untouched copies).
  const moved = execFileSync(PYTHON, ['-c', `import sys, torch
sys.path.insert(0, sys.argv[2])
from model import Model
from tfjs_weights import read_tfjs_weights
m = Model(); m.load_tfjs(read_tfjs_weights(sys.argv[3])); a = torch.load(sys.argv[1])
print(max((a[k] - v).abs().max().item() for k, v in m.state_dict().items()))`, join(dir, 'single.pt'), out, out], { encoding: 'utf8' });
  expect(Number(moved)).toBeGreaterThan(1e-4);
}, 120_000);
