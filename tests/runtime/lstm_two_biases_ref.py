"""Reference for the two-bias LSTM (Keras CuDNNLSTM) in float64: PyTorch's own LSTM cell kernel (torch._VF.lstm_cell,
what nn.LSTM runs) with its two biases, bias_ih = b[0] and bias_hh = b[1], driven step by step so that TF.js's masking
(a masked step carries h and c), goBackwards and the Bidirectional concat can be reproduced. Gate blocks i, f, g, o
are the same in Keras and PyTorch: weight_ih = kernel^T, weight_hh = recurrent_kernel^T. Weights are leaf tensors in
Keras layout (bias [2, 4H]), so the gradients come back in that layout, each bias row from PyTorch's autograd.
Reads JSON on stdin, writes JSON on stdout:
{x, mask|null, W, returnSequences, directions: [{K, R, b, goBackwards}]} -> {y, dx, grads: [[dK, dR, db]]}."""
import json, sys
import torch

torch.set_default_dtype(torch.float64)
a = json.load(sys.stdin)
x = torch.tensor(a["x"], requires_grad=True)
mask = torch.tensor(a["mask"]) if a["mask"] is not None else None
B, T, D = x.shape


def run(d):
    K, R, b = (torch.tensor(d[k], requires_grad=True) for k in ("K", "R", "b"))
    H = R.shape[0]
    h = c = torch.zeros(B, H)
    outs = []
    for t in (range(T - 1, -1, -1) if d["goBackwards"] else range(T)):
        hn, cn = torch._VF.lstm_cell(x[:, t], (h, c), K.t(), R.t(), b[0], b[1])
        if mask is not None:
            m = mask[:, t:t + 1]
            hn, cn = m * hn + (1 - m) * h, m * cn + (1 - m) * c
        h, c = hn, cn
        outs.append(h)
    return (K, R, b), torch.stack(outs, 1) if a["returnSequences"] else h


runs = [run(d) for d in a["directions"]]
ys = [y for _, y in runs]
if len(ys) == 2 and a["returnSequences"]:
    ys[1] = torch.flip(ys[1], [1])  # the backward direction's sequence back in time order
y = torch.cat(ys, -1)
(y * torch.tensor(a["W"])).sum().backward()
print(json.dumps({"y": y.tolist(), "dx": x.grad.tolist(), "grads": [[p.grad.tolist() for p in ps] for ps, _ in runs]}))
