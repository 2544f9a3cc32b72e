"""PyTorch reference for `npm run bench`: the same models as bench/models.ts, one Adam training step each.

Usage: /usr/bin/python3 bench/pytorch_step.py --presets LSTM,GRU --seq 50,200 --steps 5 --warmup 2
Prints one JSON object: {"torch": version, "threads": n, "results": [{"preset", "seqLen", "times": [ms, ...],
"cpu": [ms, ...]}]}: wall-clock and process CPU time (time.process_time, which other processes' load does not inflate).
Sizes: batch 32, vocabulary 5000, embedding 64, 64 units, 4 classes (bench/models.ts SIZES). PyTorch's GRU is the
reset-after form: for "GRU-resetAfter" it is the same function as ours; for "GRU" (reset-before, TF.js's form) it is
the same cost, not the same function. MODELS maps each preset of bench/models.ts BENCH_MODELS to the same model here
and the shapes of its inputs and targets: adding a row is one entry in each.
"""
import argparse
import json
import time

import torch
from torch import nn

B, V, E, H, C = 32, 5000, 64, 64, 4
# The decoder's vocabulary of the encoder-decoder row (bench/models.ts DECODER_VOCAB).
DV = 100
# The spelling-to-sound preset's vocabularies (letters, phonemes) and the G2P-attention row's decoder length
# (bench/models.ts G2P_DECODER_T); its encoder length is the row's T.
G2P_LETTERS, G2P_PHONEMES, G2P_DECODER_T = 28, 72, 12


class Classifier(nn.Module):
    def __init__(self, preset):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        rnn = {"SimpleRNN": lambda: nn.RNN(E, H, batch_first=True),
               "LSTM": lambda: nn.LSTM(E, H, batch_first=True),
               "GRU": lambda: nn.GRU(E, H, batch_first=True),
               "GRU-resetAfter": lambda: nn.GRU(E, H, batch_first=True),
               "BiLSTM": lambda: nn.LSTM(E, H, batch_first=True, bidirectional=True),
               "LSTM-2layer": lambda: nn.LSTM(E, H, num_layers=2, batch_first=True)}[preset]
        self.rnn = rnn()
        self.bi = preset == "BiLSTM"
        self.out = nn.Linear(2 * H if self.bi else H, C)

    def forward(self, x):
        seq, state = self.rnn(self.emb(x))
        h = state[0] if isinstance(state, tuple) else state
        # Last output of a unidirectional stack; [forward h_T, backward h at t=0] for the bidirectional one
        # (what Keras/tfjs Bidirectional returns without returnSequences).
        last = torch.cat([h[-2], h[-1]], dim=1) if self.bi else seq[:, -1, :]
        return self.out(last)  # logits; CrossEntropyLoss applies the softmax


class ConvLSTM(nn.Module):
    """Embedding -> Conv1D(64, 5, relu, valid) -> MaxPooling1D(2) -> LSTM -> Dense (bench/models.ts Conv1D-LSTM)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.conv = nn.Conv1d(E, 64, 5)
        self.pool = nn.MaxPool1d(2)
        self.rnn = nn.LSTM(64, H, batch_first=True)
        self.out = nn.Linear(H, C)

    def forward(self, x):
        z = self.pool(torch.relu(self.conv(self.emb(x).transpose(1, 2)))).transpose(1, 2)
        seq, _ = self.rnn(z)
        return self.out(seq[:, -1, :])


class Seq2seq(nn.Module):
    """Keras lstm_seq2seq's shape: the encoder LSTM's final (h, c) start the decoder LSTM, which reads the target
    shifted by one; a Dense over the decoder vocabulary at every step (bench/models.ts Seq2seq-LSTM)."""

    def __init__(self):
        super().__init__()
        self.src_emb, self.tgt_emb = nn.Embedding(V, E), nn.Embedding(DV, E)
        self.enc, self.dec = nn.LSTM(E, H, batch_first=True), nn.LSTM(E, H, batch_first=True)
        self.out = nn.Linear(H, DV)

    def forward(self, src, tgt):
        _, state = self.enc(self.src_emb(src))
        seq, _ = self.dec(self.tgt_emb(tgt), state)
        return self.out(seq).reshape(-1, DV)  # per-step logits, flattened for CrossEntropyLoss


class G2PAttention(nn.Module):
    """The spelling-to-sound attention preset (bench/models.ts g2pAttentionGraph): Embedding(28, 32) -> BiLSTM(64 + 64)
    -> LSTM(128) whose final (h, c) start the decoder LSTM(128) over Embedding(72, 32) of the target shifted by one;
    Keras AdditiveAttention (use_scale) with query = decoder outputs, value = key = encoder outputs, in the same torch
    ops as our layer (src/codegen/tfjs-attention.ts): S[b, i, j] = sum_d scale_d * tanh(q[b, i, d] + k[b, j, d]),
    W = softmax_j(S), context = W V; then Dense(72) over [context, decoder output] at every decoder step."""

    def __init__(self):
        super().__init__()
        self.src_emb, self.tgt_emb = nn.Embedding(G2P_LETTERS, 32), nn.Embedding(G2P_PHONEMES, 32)
        self.bi = nn.LSTM(32, 64, batch_first=True, bidirectional=True)
        self.enc, self.dec = nn.LSTM(128, 128, batch_first=True), nn.LSTM(32, 128, batch_first=True)
        self.scale = nn.Parameter(torch.empty(128).uniform_(-(6 / 129) ** 0.5, (6 / 129) ** 0.5))  # glorotUniform [128]
        self.out = nn.Linear(256, G2P_PHONEMES)

    def forward(self, src, tgt):
        value, state = self.enc(self.bi(self.src_emb(src))[0])
        query, _ = self.dec(self.tgt_emb(tgt), state)
        scores = (self.scale * torch.tanh(query.unsqueeze(2) + value.unsqueeze(1))).sum(-1)
        context = torch.softmax(scores, -1) @ value
        return self.out(torch.cat([context, query], -1)).reshape(-1, G2P_PHONEMES)


classifier = lambda preset: (lambda: Classifier(preset), lambda T: [torch.randint(1, V, (B, T))], lambda T: torch.randint(0, C, (B,)))
# preset -> (model, inputs at length T, targets at length T)
MODELS = {
    **{p: classifier(p) for p in ("SimpleRNN", "LSTM", "GRU", "GRU-resetAfter", "BiLSTM", "LSTM-2layer")},
    "Conv1D-LSTM": (ConvLSTM, lambda T: [torch.randint(1, V, (B, T))], lambda T: torch.randint(0, C, (B,))),
    "Seq2seq-LSTM": (Seq2seq, lambda T: [torch.randint(1, V, (B, T)), torch.randint(1, DV, (B, T))],
                     lambda T: torch.randint(0, DV, (B * T,))),
    "G2P-attention": (G2PAttention, lambda T: [torch.randint(1, G2P_LETTERS, (B, T)), torch.randint(1, G2P_PHONEMES, (B, G2P_DECODER_T))],
                      lambda T: torch.randint(0, G2P_PHONEMES, (B * G2P_DECODER_T,))),
}


def time_steps(preset, T, steps, warmup):
    torch.manual_seed(0)
    make, inputs, targets = MODELS[preset]
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = inputs(T)
    y = targets(T)
    times, cpu = [], []
    for i in range(warmup + steps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(*x), y)
        loss.backward()
        opt.step()
        loss.item()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return times, cpu


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--presets", default=",".join(MODELS))
    p.add_argument("--seq", default="50,200")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    results = [dict(zip(("times", "cpu"), time_steps(pr, int(T), a.steps, a.warmup)), preset=pr, seqLen=int(T))
               for T in a.seq.split(",") for pr in a.presets.split(",")]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
