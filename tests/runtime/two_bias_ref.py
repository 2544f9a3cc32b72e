"""Reference for the recurrent layers with two biases, in float64: PyTorch's own cell kernels, driven step by step so
that TF.js's masking (a masked step carries the states), goBackwards and the Bidirectional concat can be reproduced.
- GRU (reset-after): torch._VF.gru_cell, what nn.GRU and nn.GRUCell run. Keras's blocks z, r, h are reordered to
  PyTorch's r, z, n inside the autograd graph, so the gradients come back in Keras layout.
- LSTM (two-bias, Keras CuDNNLSTM): torch._VF.lstm_cell, what nn.LSTM runs; gate blocks i, f, g, o as in Keras.
Weights are leaf tensors in Keras layout (kernel [D, kH], recurrent_kernel [H, kH], bias [2, kH]): weight_ih =
kernel^T, weight_hh = recurrent_kernel^T, bias_ih = bias[0], bias_hh = bias[1], each bias row's gradient from
PyTorch's autograd. Reads JSON on stdin, writes JSON on stdout:
{kind, x, mask|null, W, returnSequences, directions: [{K, R, b|null, goBackwards}]} -> {y, dx, grads: [[dK, dR, db]]}."""
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
    lstm = a["kind"] == "LSTM"
    order = (lambda m: m) if lstm else (lambda m: torch.cat([m[..., H:2 * H], m[..., :H], m[..., 2 * H:]], -1))  # z, r, h -> r, z, n
    w_ih, w_hh = order(K).t(), order(R).t()
    b_ih, b_hh = (order(b[0]), order(b[1])) if b is not None else (None, None)
    states = (torch.zeros(B, H), torch.zeros(B, H)) if lstm else (torch.zeros(B, H),)
    outs = []
    for t in (range(T - 1, -1, -1) if d["goBackwards"] else range(T)):
        new = torch._VF.lstm_cell(x[:, t], states, w_ih, w_hh, b_ih, b_hh) if lstm else (torch._VF.gru_cell(x[:, t], states[0], w_ih, w_hh, b_ih, b_hh),)
        if mask is not None:
            m = mask[:, t:t + 1]
            new = tuple(m * n + (1 - m) * s for n, s in zip(new, states))
        states = tuple(new)
        outs.append(states[0])
    return (K, R, b), torch.stack(outs, 1) if a["returnSequences"] else states[0]


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
