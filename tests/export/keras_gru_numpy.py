"""Independent float64 reference for the reset-after GRU graphs of tests/export/gru-reset-after.test.ts: Keras's
GRU math with reset_after=True (keras-files.md section 5) in plain numpy, read straight from model.json + weights.bin.

Graphs: [Embedding(mask_zero)] -> GRU or Bidirectional(GRU, concat) (last output) -> Dense(linear | softmax).
A masked step keeps the state (Keras and TF.js agree on the last output). Prints {"shape", "data"}.
usage: keras_gru_numpy.py WEIGHTS_DIR X_JSON linear|softmax [masked]"""
import json
import os
import sys

import numpy as np

folder, x_path, head = sys.argv[1:4]
with open(os.path.join(folder, "model.json")) as f:
    model = json.load(f)
specs = [w for g in model["weightsManifest"] for w in g["weights"]]
raw = b"".join(open(os.path.join(folder, p), "rb").read() for g in model["weightsManifest"] for p in g["paths"])
W, offset = {}, 0
for s in specs:
    n = int(np.prod(s["shape"]))
    W[s["name"]] = np.frombuffer(raw, "<f4", n, offset).reshape(s["shape"]).astype(np.float64)
    offset += 4 * n
with open(x_path) as f:
    spec = json.load(f)
x = np.array(spec["data"], dtype=np.float64).reshape(spec["shape"])
sigmoid = lambda v: 1 / (1 + np.exp(-v))

emb = [k for k in W if k.endswith("/embeddings")]
mask = None
if emb:
    ids = x.astype(np.int64)
    x = W[emb[0]][ids]
    mask = (ids != 0).astype(np.float64) if sys.argv[4:] == ["masked"] else None
B, T, _ = x.shape


def gru(prefix, go_backwards):
    K, R, b = W[prefix + "/kernel"], W[prefix + "/recurrent_kernel"], W[prefix + "/bias"]
    H = R.shape[0]
    h = np.zeros((B, H))
    for t in (range(T - 1, -1, -1) if go_backwards else range(T)):
        xk = x[:, t] @ K + b[0]
        rk = h @ R + b[1]
        z = sigmoid(xk[:, :H] + rk[:, :H])
        r = sigmoid(xk[:, H:2 * H] + rk[:, H:2 * H])
        hh = np.tanh(xk[:, 2 * H:] + r * rk[:, 2 * H:])
        new = z * h + (1 - z) * hh
        h = new if mask is None else mask[:, t:t + 1] * new + (1 - mask[:, t:t + 1]) * h
    return h


kernels = [k for k in W if k.endswith("/recurrent_kernel")]
if len(kernels) == 2:  # Bidirectional: forward_<gru>, backward_<gru>
    y = np.concatenate([gru(k[: -len("/recurrent_kernel")], "backward_" in k) for k in sorted(kernels, key=lambda k: "backward_" in k)], -1)
else:
    y = gru(kernels[0][: -len("/recurrent_kernel")], False)
dense = [k[: -len("/kernel")] for k in W if k.endswith("/kernel") and k[: -len("/kernel")] + "/recurrent_kernel" not in W]
out = y @ W[dense[0] + "/kernel"] + W[dense[0] + "/bias"]
if head == "softmax":
    e = np.exp(out - out.max(1, keepdims=True))
    out = e / e.sum(1, keepdims=True)
print(json.dumps({"shape": list(out.shape), "data": out.ravel().tolist()}))
