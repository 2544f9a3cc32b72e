"""Float64 PyTorch reference for the probes of a model with two outputs (tests/runtime/probes-two-heads.test.ts).

Reads the LSTM's and both heads' weights, the float input x [B, T, D] and the two targets as JSON on stdin. Runs the
LSTM one step at a time with the Keras/tfjs cell written out (kernel [D, 4H], gate blocks i, f, c, o; sigmoid gates,
tanh), with zero tensors added to every c_t (before h_t reads it) and h_t as the probes do; the heads are
Dense(1, linear) (mean squared error) and Dense(C, softmax) (cross-entropy, p clipped at 1e-7), and the loss is
L = w_sum · MSE + w_class · CE, as Keras's loss_weights sum them. torch autograd gives B·‖∂L/∂h_t‖ and B·‖∂L/∂c_t‖ per
step and example ([T][B]), and for example 0 each head's connectivity ‖∂ logit_{y*}/∂x_t‖ (the linear head's output
itself; the softmax head's value before the softmax at its argmax).
"""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)
d = json.load(sys.stdin)
t = lambda v: torch.tensor(v, dtype=torch.float64)
K, R, b = t(d['K']), t(d['R']), t(d['b'])
W1, b1, W2, b2 = t(d['W1']), t(d['b1']), t(d['W2']), t(d['b2'])
w1, w2 = d['weights']
H = R.shape[0]


def lstm(x, probes=None):
    """x [B, T, D]; returns the final h. probes: per step (eh, ec), added to h_t and c_t."""
    B, T, _ = x.shape
    h = torch.zeros(B, H)
    c = torch.zeros(B, H)
    for s in range(T):
        i, f, g, o = (x[:, s] @ K + h @ R + b).chunk(4, -1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        if probes:
            c = c + probes[s][1]
        h = torch.sigmoid(o) * torch.tanh(c)
        if probes:
            h = h + probes[s][0]
    return h


x = t(d['x'])
B, T, _ = x.shape
y_sum, y_class = t(d['ySum']).reshape(B, 1), torch.tensor(d['yClass']).reshape(B)
probes = [(torch.zeros(B, H, requires_grad=True), torch.zeros(B, H, requires_grad=True)) for _ in range(T)]
h = lstm(x, probes)
p_sum = h @ W1 + b1
p_class = torch.softmax(h @ W2 + b2, -1)
mse = ((p_sum - y_sum) ** 2).mean()
ce = -torch.log(p_class.clamp_min(1e-7).gather(1, y_class[:, None])).mean()
loss = w1 * mse + w2 * ce
loss.backward()
norms = lambda g: (B * g.norm(dim=-1)).tolist()

conn = []
for head in (0, 1):
    x0 = x[:1].clone().requires_grad_(True)
    h0 = lstm(x0)
    z = h0 @ W1 + b1 if head == 0 else h0 @ W2 + b2
    z[0, int(z[0].argmax())].backward()
    conn.append(x0.grad[0].norm(dim=-1).tolist())

print(json.dumps({
    'loss': loss.item(), 'mse': mse.item(), 'ce': ce.item(),
    'dh': [norms(eh.grad) for eh, _ in probes], 'dc': [norms(ec.grad) for _, ec in probes],
    'connectivity': conn,
}))
