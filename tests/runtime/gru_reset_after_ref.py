"""Reference for the reset-after GRU in float64: PyTorch's own GRU cell kernel (torch._VF.gru_cell, what nn.GRU and
nn.GRUCell run), driven step by step so that TF.js's masking (a masked step carries h), goBackwards and the
Bidirectional concat can be reproduced. Weights are leaf tensors in Keras layout (kernel [D,3H], recurrent_kernel
[H,3H], bias [2,3H], blocks z, r, h) and are reordered to PyTorch's r, z, n inside the autograd graph, so the
gradients come back in Keras layout. Reads JSON on stdin, writes JSON on stdout:
{x, mask|null, W, returnSequences, directions: [{K, R, b|null, goBackwards}]} -> {y, dx, grads: [[dK, dR, db]]}."""
import json, sys
import torch

torch.set_default_dtype(torch.float64)
a = json.load(sys.stdin)
x = torch.tensor(a["x"], requires_grad=True)
mask = torch.tensor(a["mask"]) if a["mask"] is not None else None
B, T, D = x.shape


def run(d):
    K = torch.tensor(d["K"], requires_grad=True)
    R = torch.tensor(d["R"], requires_grad=True)
    b = torch.tensor(d["b"], requires_grad=True) if d["b"] is not None else None
    H = R.shape[0]
    zrh_to_rzn = lambda m: torch.cat([m[..., H:2 * H], m[..., :H], m[..., 2 * H:]], -1)
    w_ih, w_hh = zrh_to_rzn(K).t(), zrh_to_rzn(R).t()
    b_ih, b_hh = (zrh_to_rzn(b[0]), zrh_to_rzn(b[1])) if b is not None else (None, None)
    h = torch.zeros(B, H)
    order = range(T - 1, -1, -1) if d["goBackwards"] else range(T)
    outs = []
    for t in order:
        hn = torch._VF.gru_cell(x[:, t], h, w_ih, w_hh, b_ih, b_hh)
        if mask is not None:
            m = mask[:, t:t + 1]
            hn = m * hn + (1 - m) * h
        h = hn
        outs.append(h)
    return (K, R, b), torch.stack(outs, 1) if a["returnSequences"] else h


runs = [run(d) for d in a["directions"]]
ys = [y for _, y in runs]
if len(ys) == 2 and a["returnSequences"]:
    ys[1] = torch.flip(ys[1], [1])  # the backward direction's sequence back in time order
y = torch.cat(ys, -1)
(y * torch.tensor(a["W"])).sum().backward()
print(json.dumps({
    "y": y.tolist(), "dx": x.grad.tolist(),
    "grads": [[p.grad.tolist() for p in ps if p is not None] for ps, _ in runs],
}))
