"""Reference for an LSTM with initial states in float64: PyTorch's own LSTM cell kernel (torch._VF.lstm_cell, what
nn.LSTM and nn.LSTMCell run), driven step by step so that TF.js's masking (a masked step carries h and c), goBackwards
and returnSequences can be reproduced. Gate blocks i, f, g, o are the same in Keras and PyTorch, so Keras's kernel
[D,4H] is w_ih transposed, recurrent_kernel [H,4H] is w_hh transposed, and the bias goes to b_ih (b_hh = 0).
Reads JSON on stdin, writes JSON on stdout:
{x, h0, c0, mask|null, K, R, b, goBackwards, returnSequences, W: [W_out, W_h, W_c]}
-> {y: [out, hT, cT], dx, dh0, dc0, grads: [dK, dR, db]}, L = sum over k of (output_k * W_k)."""
import json, sys
import torch

torch.set_default_dtype(torch.float64)
a = json.load(sys.stdin)
x = torch.tensor(a["x"], requires_grad=True)
h = h0 = torch.tensor(a["h0"], requires_grad=True)
c = c0 = torch.tensor(a["c0"], requires_grad=True)
K, R, b = (torch.tensor(a[k], requires_grad=True) for k in ("K", "R", "b"))
mask = torch.tensor(a["mask"]) if a["mask"] is not None else None
B, T, D = x.shape
outs = []
for t in (range(T - 1, -1, -1) if a["goBackwards"] else range(T)):
    hn, cn = torch._VF.lstm_cell(x[:, t], (h, c), K.t(), R.t(), b, torch.zeros_like(b))
    if mask is not None:
        m = mask[:, t:t + 1]
        hn, cn = m * hn + (1 - m) * h, m * cn + (1 - m) * c
    h, c = hn, cn
    outs.append(h)
ys = [torch.stack(outs, 1) if a["returnSequences"] else h, h, c]
sum((y * torch.tensor(w)).sum() for y, w in zip(ys, a["W"])).backward()
print(json.dumps({
    "y": [y.tolist() for y in ys], "dx": x.grad.tolist(), "dh0": h0.grad.tolist(), "dc0": c0.grad.tolist(),
    "grads": [K.grad.tolist(), R.grad.tolist(), b.grad.tolist()],
}))
