"""Float64 PyTorch reference for the encoder–decoder probe (tests/runtime/probes-seq2seq.test.ts).

Reads the weights, the two id inputs and the target as JSON on stdin; runs the encoder and the decoder one step at a
time with the cell equations written out (tfjs masking: at a padded step h and c are carried over), with zero tensors
added to every h_t (after the mask) and c_t (before h_t reads it and before the mask) as the probes do, and the
padded cross-entropy of training; torch autograd gives the derivatives. With "attention" in the input, the decoder's
outputs attend over the encoder's (Keras Attention or AdditiveAttention), and the weights are printed too; and the
connectivity of example 0 (decoder step × source step).
Prints the loss and, per layer, B·‖∂L/∂h_t‖ and B·‖∂L/∂c_t‖ per step and example ([T][B]).
"""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)
d = json.load(sys.stdin)
t = lambda v: torch.tensor(v, dtype=torch.float64)


def cell(w):
    """The Keras/tfjs LSTM cell (kernel [D, 4H], gate blocks i, f, c, o; sigmoid gates, tanh) in float64."""
    K, R, b = t(w['K']), t(w['R']), t(w['b'])

    def step(x, h, c, ec):
        i, f, g, o = (x @ K + h @ R + b).chunk(4, -1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g) + ec  # the c probe, before h_t reads c_t
        return torch.sigmoid(o) * torch.tanh(c), c
    return step


def run(lstm, x, mask, h, c, probes):
    """x [B, T, D], mask [B, T]; returns the final (h, c) and every h_t."""
    hs = []
    for s in range(x.shape[1]):
        eh, ec = probes[s]
        hN, cN = lstm(x[:, s], h, c, ec)
        m = mask[:, s:s + 1]
        hN = m * hN + (1 - m) * h
        cN = m * cN + (1 - m) * c
        h, c = hN + eh, cN
        hs.append(h)
    return h, c, hs


src, dec_in, y = torch.tensor(d['source']), torch.tensor(d['decoderIn']), torch.tensor(d['target'])
B, Ts = src.shape
Td = dec_in.shape[1]
H = len(d['encoder']['R'])
zeros = lambda n, T: [(torch.zeros(n, H, requires_grad=True), torch.zeros(n, H, requires_grad=True)) for _ in range(T)]
pe, pd = zeros(B, Ts), zeros(B, Td)
enc, dec = cell(d['encoder']), cell(d['decoder'])


def forward(src, dec_in, xe, pe, pd):
    """The logits [n, Td, V] (before the softmax) and the attention weights (or None) of source embeddings xe."""
    n = src.shape[0]
    src_mask = (src != 0).double()
    h, c, enc_hs = run(enc, xe, src_mask, torch.zeros(n, H), torch.zeros(n, H), pe)
    _, _, hs = run(dec, t(d['targetEmbedding'])[dec_in], (dec_in != 0).double(), h, c, pd)
    q = torch.stack(hs, 1)
    Wa = None
    if 'attention' in d:
        # Keras's attention (seq2seq-attention.md §1.2): S = Q·Vᵀ (dot) or S_ij = Σ_d w_d tanh(q_i + v_j)_d
        # (additive); padded value steps S − 1e9; W = softmax(S); context = W·V, zero at padded query steps; [context, q].
        v = torch.stack(enc_hs, 1)
        if d['attention']['kind'] == 'Attention':
            S = q @ v.transpose(1, 2)
        else:
            S = (torch.tanh(q.unsqueeze(2) + v.unsqueeze(1)) * t(d['attention']['scale'])).sum(-1)
        S = torch.where(src_mask.unsqueeze(1) > 0, S, S - 1e9)
        Wa = torch.softmax(S, -1)
        context = (Wa @ v) * (dec_in != 0).double().unsqueeze(-1)
        q = torch.cat([context, q], -1)
    return q @ t(d['W']) + t(d['bias']), Wa


logits, Wa = forward(src, dec_in, t(d['sourceEmbedding'])[src], pe, pd)
scores = None if Wa is None else Wa.tolist()
p = torch.softmax(logits, -1).clamp(1e-7, 1)
nll = -torch.log(p.gather(-1, y.unsqueeze(-1)).squeeze(-1))
real = (y != 0).double()
loss = (nll * real).sum() / real.sum()
loss.backward()
# A probe nothing reads (the decoder's last c) gets no gradient: zero.
norms = lambda ps, i: [(torch.zeros(B) if p[i].grad is None else p[i].grad.norm(dim=-1) * B).tolist() for p in ps]
# Connectivity of example 0: C[j, t] = ‖∂ logit_{y*(j)}(j) / ∂x_t‖, x_t the source embedding, y* the argmax at step j.
xe = t(d['sourceEmbedding'])[src[:1]].clone().requires_grad_(True)
lg, _ = forward(src[:1], dec_in[:1], xe, zeros(1, Ts), zeros(1, Td))
conn = []
for j in range(Td):
    g, = torch.autograd.grad(lg[0, j, lg[0, j].argmax()], xe, retain_graph=True)
    conn.append(g[0].norm(dim=-1).tolist())
print(json.dumps({'loss': loss.item(), 'scores': scores, 'connectivity': conn, 'encoder': {'dh': norms(pe, 0), 'dc': norms(pe, 1)}, 'decoder': {'dh': norms(pd, 0), 'dc': norms(pd, 1)}}))
