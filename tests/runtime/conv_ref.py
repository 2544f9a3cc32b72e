"""Float64 PyTorch reference for the Conv1D and MaxPooling1D kernels (tests/runtime/conv-grad-wasm.test.ts).

Reads a JSON list of cases on stdin, each with x [N, T, C] (channels last, as Keras), r [N, T', O] and padL, padR,
stride, and either w [k, C, O] and dilation ("conv") or pool ("maxpool"). Pads x (zeros for a convolution, -inf for a
pooling), applies torch's conv1d / max_pool1d and prints, per case, y [N, T', O] and the derivatives of
f = sum(y * r): dx, and dw for a convolution.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
out = []
for c in json.load(sys.stdin):
    x = torch.tensor(c["x"], dtype=torch.float64, requires_grad=True)
    xc = x.transpose(1, 2)  # [N, C, T]
    if c["kind"] == "conv":
        w = torch.tensor(c["w"], dtype=torch.float64, requires_grad=True)
        xp = F.pad(xc, (c["padL"], c["padR"]))
        y = F.conv1d(xp, w.permute(2, 1, 0), stride=c["stride"], dilation=c["dilation"]).transpose(1, 2)
    else:
        xp = F.pad(xc, (c["padL"], c["padR"]), value=float("-inf"))
        y = F.max_pool1d(xp, c["pool"], stride=c["stride"]).transpose(1, 2)
    (y * torch.tensor(c["r"], dtype=torch.float64)).sum().backward()
    res = {"y": y.tolist(), "dx": x.grad.tolist()}
    if c["kind"] == "conv":
        res["dw"] = w.grad.tolist()
    out.append(res)
print(json.dumps(out))
