/** The scripts around a PyTorch export's model.py: predict.py (the shared contract) and train.py (DDP-ready). */
import { outputLosses, type LossKind, type ModelIR } from '../compiler/index.ts';
import type { TrainingSettings } from '../graph/types.ts';
import { pyValue } from './escape.ts';
import { predictPy } from './python-support.ts';

export const TORCH_PREDICT_PY = predictPy(
  'import torch\n\nfrom model import Model\nfrom tfjs_weights import read_tfjs_weights',
  `    x = read_input(args, HERE)
    # token ids become int64 for nn.Embedding; a model with several Inputs takes them in order
    xs = [torch.from_numpy(a) for a in (x if isinstance(x, list) else [x])]
    xs = [a if a.is_floating_point() else a.long() for a in xs]
    model = Model()
    model.load_tfjs(read_tfjs_weights(args.weights))
    model.eval()
    with torch.no_grad():
        y = model(*xs)
    print(tensor_json([t.numpy() for t in y] if isinstance(y, tuple) else y.numpy()))`,
);

/** The app's loss for one output (`outputLosses`, src/compiler/loss.ts), in PyTorch: the same formula, clipping and mean. */
const TORCH_LOSS: Record<LossKind, { code: string; target: 'long' | 'float' }> = {
  ce: { code: '# The model ends in a softmax, so the loss is the negative log of the true class\'s probability (p clipped at 1e-7, as in the app).\n    return nn.functional.nll_loss(torch.log(y.clamp_min(1e-7)).reshape(-1, y.shape[-1]), target.reshape(-1))', target: 'long' },
  bce: { code: '# The model ends in a sigmoid: binary cross-entropy, p clipped to [1e-7, 1 - 1e-7] as in the app.\n    return nn.functional.binary_cross_entropy(y.clamp(1e-7, 1 - 1e-7), target.reshape(y.shape))', target: 'float' },
  mse: { code: 'return nn.functional.mse_loss(y, target.reshape(y.shape))', target: 'float' },
};

/**
 * The model's loss function and how its targets are read. With several outputs, y and target are lists (one per
 * output, in order) and the loss is Σ weight · loss of each output, as the app trains it (Keras's loss_weights).
 */
function lossFor(ir: ModelIR): { code: string; target: string; pick: string } {
  const outs = outputLosses(ir);
  if (outs.length === 1) {
    const l = TORCH_LOSS[outs[0].kind];
    return { code: `def loss_fn(y, target):\n    ${l.code}`, target: `    target = torch.from_numpy(read_tensor(args.y)).${l.target}()`, pick: 'target[batch]' };
  }
  const each = outs.map((o, i) => `def loss_${i}(y, target):  # ${o.name}\n    ${TORCH_LOSS[o.kind].code}`);
  return {
    code: `${each.join('\n\n\n')}\n\n\nWEIGHTS = [${outs.map((o) => pyValue(o.weight)).join(', ')}]  # each output's loss weight, in output order\n\n\n` +
      `def loss_fn(y, target):\n    # Several outputs: the total is the sum of each output's loss times its weight.\n    return sum(w * f(yi, ti) for w, f, yi, ti in zip(WEIGHTS, (${outs.map((_, i) => `loss_${i}`).join(', ')}), y, target))`,
    target: `    ys = read_tensor(args.y)  # one target per output, in order\n    target = [${outs.map((o, i) => `torch.from_numpy(ys[${i}]).${TORCH_LOSS[o.kind].target}()`).join(', ')}]`,
    pick: '[t[batch] for t in target]',
  };
}

/**
 * train.py: trains the exported model on tensors saved as the predict contract, on one machine or under
 * `torchrun --nproc_per_node=N` (DistributedDataParallel, gloo on CPU, nccl on GPUs).
 */
export function emitTorchTrain(ir: ModelIR, t: TrainingSettings | undefined): string {
  const loss = lossFor(ir);
  const opt = t?.optimizer ?? 'adam';
  const lr = t?.learningRate ?? 0.001;
  // Porting note: tfjs optimizers use epsilon 1e-7 and RMSprop decay 0.9; PyTorch defaults are 1e-8 and alpha 0.99.
  // The app's SGD is SGD with momentum 0.9 (src/runtime/train.ts makeOptimizer).
  const optimizer =
    opt === 'adam' ? `torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-7)`
    : opt === 'rmsprop' ? `torch.optim.RMSprop(params, lr=args.lr, alpha=0.9, eps=1e-7, momentum=0.0)`
    : `torch.optim.SGD(params, lr=args.lr, momentum=0.9)`;
  // A model with several Inputs reads a list of tensors (one per Input, in order) and passes them in order.
  const several = ir.inputs.length > 1;
  const read = several
    ? `    xs = [torch.from_numpy(a) for a in read_tensor(args.x)]  # one tensor per Input, in order
    xs = [a if a.is_floating_point() else a.long() for a in xs]`
    : `    x = torch.from_numpy(read_tensor(args.x))
    if not x.is_floating_point():
        x = x.long()`;
  const first = several ? 'xs[0]' : 'x';
  const call = several ? '*[a[batch] for a in xs]' : 'x[batch]';
  return `"""Trains the exported model. The same file runs on one machine and on several:

    python3 train.py --epochs 1
    torchrun --nproc_per_node=2 --redirects 1 --tee 1 train.py --epochs 1

--x / --y (default: train_x.json / train_y.json here, written by "rnn-studio export --data N") hold the inputs and
targets as {"dtype", "shape", "data"} (the predict contract); y holds class ids for a softmax model. Training starts
from the exported weights (--fresh for new ones) and saves a state_dict. The loss, optimizer and clipping are the
app's: one step here on the app's batch and weights gives the app's loss and gradients.
Under torchrun every process trains on its own shard of each batch and DistributedDataParallel averages the
gradients (backend gloo on CPU, nccl on GPUs). "--redirects 1 --tee 1" (logs to files and to the console) is needed
with Debian's torch 1.13 on Python 3.11, whose torchrun cannot parse its own default "--redirects 0".
"""
import argparse
import os

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from model import Model
from tensor_json import read_tensor
from tfjs_weights import read_tfjs_weights

HERE = os.path.dirname(os.path.abspath(__file__))


${loss.code}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--x", default=os.path.join(HERE, "train_x.json"))
    ap.add_argument("--y", default=os.path.join(HERE, "train_y.json"))
    ap.add_argument("--epochs", type=int, default=${t?.epochs ?? 1})
    ap.add_argument("--batch-size", type=int, default=${t?.batchSize ?? 32})
    ap.add_argument("--lr", type=float, default=${lr})
    ap.add_argument("--clip-norm", type=float, default=${pyValue(t?.clipNorm ?? null)})
    ap.add_argument("--seed", type=int, default=${t?.seed ?? ir.seed})
    ap.add_argument("--steps", type=int, default=None, help="stop after this many optimizer steps")
    ap.add_argument("--fresh", action="store_true", help="start from fresh initial weights instead of the exported ones")
    ap.add_argument("--out", default="trained.pt")
    args = ap.parse_args()

    distributed = "WORLD_SIZE" in os.environ and int(os.environ["WORLD_SIZE"]) > 1
    if distributed:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    rank = dist.get_rank() if distributed else 0
    world = dist.get_world_size() if distributed else 1
    torch.manual_seed(args.seed)  # the same seed everywhere: identical initial weights on every rank

${read}
${loss.target}

    model = Model()
    if args.fresh:
        model.init_weights()
    else:
        model.load_tfjs(read_tfjs_weights(HERE))
    net = DistributedDataParallel(model) if distributed else model
    params = [p for p in model.parameters() if p.requires_grad]  # as the app: no bias_hh (see rnn_layers.py)
    optimizer = ${optimizer}

    step = 0
    for epoch in range(args.epochs):
        order = torch.randperm(len(${first}), generator=torch.Generator().manual_seed(args.seed + epoch))
        for start in range(0, len(${first}), args.batch_size):
            full = order[start:start + args.batch_size]
            if len(full) < world:  # every process needs a share, or DistributedDataParallel would wait forever
                continue
            batch = full[rank::world]  # this process's shard of the batch
            net.train()
            loss = loss_fn(net(${call}), ${loss.pick})
            optimizer.zero_grad()
            loss.backward()
            if args.clip_norm:
                nn.utils.clip_grad_norm_(params, args.clip_norm)  # the global norm over the trained weights, as the app
            optimizer.step()
            step += 1
            if rank == 0:
                print("epoch %d step %d loss %.6f" % (epoch + 1, step, loss.item()), flush=True)
            if args.steps is not None and step >= args.steps:
                break
        if args.steps is not None and step >= args.steps:
            break
    if rank == 0:
        torch.save(model.state_dict(), args.out)
        print("saved " + args.out)
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}
