"""An independent float64 reference for Conv1D, MaxPooling1D, Flatten and Activation (and the Dense after them), written from Keras's formulas
(keras/src/ops/operation_utils.py compute_conv_output_shape / compute_pooling_output_shape, keras/src/backend/
tensorflow/nn.py conv and max_pool with TF's SAME padding rule, keras/src/layers/reshaping/flatten.py), not from
RNN Studio's code. Each output step is a plain loop over the window.

Usage: python3 keras_window_numpy.py CASE.json  (CASE: {"x": [B, T, F], "layers": [{"kind", "params", "weights"}]})
Prints {"shape": [...], "data": [...]} of the last layer's output.
"""
import json
import math
import sys

import numpy as np

ACT = {
    "linear": lambda v: v,
    "relu": lambda v: np.maximum(v, 0),
    "tanh": np.tanh,
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "softmax": lambda v: np.exp(v - v.max(-1, keepdims=True)) / np.exp(v - v.max(-1, keepdims=True)).sum(-1, keepdims=True),
}


def windows(T, span, s, padding):
    """Output length and left padding. valid: ceil((T - span + 1) / s); same: ceil(T / s), padded by
    max((out - 1) * s + span - T, 0) with the smaller half on the left (TF's SAME); causal: ceil(T / s), padded by
    span - 1 on the left only (keras/src/layers/convolutional/conv1d.py _compute_causal_padding)."""
    if padding == "valid":
        return math.ceil((T - span + 1) / s), 0
    if padding == "causal":
        return math.ceil(T / s), span - 1
    out = math.ceil(T / s)
    return out, max((out - 1) * s + span - T, 0) // 2


def conv1d(x, p, w):
    B, T, F = x.shape
    k, s, d = p["kernelSize"], p["strides"], p["dilationRate"]
    kernel = np.asarray(w["kernel"], dtype=np.float64)  # Keras layout (k, in, filters)
    out_t, left = windows(T, k + (k - 1) * (d - 1), s, p["padding"])
    y = np.zeros((B, out_t, p["filters"]))
    for b in range(B):
        for t in range(out_t):
            for j in range(k):
                src = t * s + j * d - left
                if 0 <= src < T:  # padded steps are zeros
                    y[b, t] += x[b, src] @ kernel[j]
    if p["useBias"]:
        y += np.asarray(w["bias"], dtype=np.float64)
    return ACT[p["activation"]](y)


def max_pool1d(x, p, _w):
    B, T, F = x.shape
    k = p["poolSize"]
    s = p["strides"] or k  # Keras: strides=None means pool_size
    out_t, left = windows(T, k, s, p["padding"])
    y = np.zeros((B, out_t, F))
    for t in range(out_t):
        lo = t * s - left
        y[:, t] = x[:, max(lo, 0):min(lo + k, T)].max(axis=1)  # padding never wins a max
    return y


LAYERS = {
    "Conv1D": conv1d,
    "MaxPooling1D": max_pool1d,
    "Flatten": lambda x, p, w: x.reshape(x.shape[0], -1),  # row-major: step after step, channels last
    "Activation": lambda x, p, w: ACT[p["activation"]](x),
    "Dense": lambda x, p, w: ACT[p["activation"]](x @ np.asarray(w["kernel"]) + (np.asarray(w["bias"]) if p["useBias"] else 0)),
}

case = json.load(open(sys.argv[1]))
x = np.asarray(case["x"], dtype=np.float64)
for layer in case["layers"]:
    x = LAYERS[layer["kind"]](x, layer["params"], layer["weights"])
print(json.dumps({"shape": list(x.shape), "data": x.reshape(-1).tolist()}))
