/** The static PyTorch support module of a PyTorch export (`rnn_layers.py`): TF.js-exact recurrent layers. */
export const RNN_LAYERS_PY = `"""Recurrent layers for PyTorch that compute exactly what TF.js (tfjs-layers 4.22) computes.

Conventions: batch first, [batch, time, features]. TF.js gate order (LSTM i, f, c, o = PyTorch i, f, g, o;
GRU z, r, h; nn.GRU's r, z, n is reordered on loading). TF.js has one bias per layer: it goes to bias_ih, and bias_hh
is zero; the reset-after GRU's bias [2, 3H] and the two-bias LSTM's [2, 4H] are bias_ih (row 0) and bias_hh (row 1),
as in Keras (CuDNNLSTM's bias [8H] holds the same two halves).
"""
import numpy as np
import torch
from torch import nn


def hard_sigmoid(x):
    # TF.js / Keras 2 definition clip(0.2 x + 0.5, 0, 1). Not nn.Hardsigmoid, which is clip(x / 6 + 0.5, 0, 1).
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


ACTIVATIONS = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "linear": lambda x: x,
    "hardSigmoid": hard_sigmoid,
    "elu": torch.nn.functional.elu,
    # Keras 3's hard_sigmoid, clip(x / 6 + 0.5, 0, 1): this one is F.hardsigmoid.
    "hardSigmoidKeras3": torch.nn.functional.hardsigmoid,
}
BLOCKS = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


class LoopRNN(nn.Module):
    """One recurrent layer as an explicit loop, for what nn.RNN / nn.LSTM / nn.GRU cannot compute exactly.

    - GRU: TF.js (and Keras with reset_after=False) applies the reset gate BEFORE the recurrent matmul,
      h~ = phi(x W_h + b_h + (r * h) U_h). nn.GRU only has the reset-after form
      n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), a different function, so it cannot reproduce these weights.
    - LSTM/GRU with hard-sigmoid gates, and activations nn.RNN / nn.LSTM / nn.GRU do not offer. A reset-after GRU
      (reset_after=True) has a recurrent bias bias_hh_l0: h~ = phi(x W_h + b_h + r * (h U_h + bh_h)); so has a two-bias
      LSTM (two_biases=True), added to the gates' pre-activations with bias_ih_l0.

    Parameters use nn.LSTM's names and layout (weight_ih_l0 [k*H, D], weight_hh_l0 [k*H, H], bias_ih_l0 [k*H]) with
    TF.js's gate order. The state is shaped like nn.RNN's: h [1, B, H], or (h, c) for an LSTM.
    forward(x [B, T, D], state) returns (outputs [B, T, H], state).
    """

    def __init__(self, kind, input_size, hidden_size, bias=True, activation="tanh", recurrent_activation="sigmoid",
                 reset_after=False, two_biases=False):
        super().__init__()
        k = BLOCKS[kind]
        self.kind, self.hidden_size, self.reset_after = kind, hidden_size, reset_after
        self.activation, self.recurrent_activation = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
        self.weight_ih_l0 = nn.Parameter(torch.empty(k * hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(k * hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.zeros(k * hidden_size)) if bias else None
        self.bias_hh_l0 = nn.Parameter(torch.zeros(k * hidden_size)) if bias and (reset_after or two_biases) else None

    def forward(self, x, state=None):
        B, T, _ = x.shape
        H = self.hidden_size
        phi, sigma = self.activation, self.recurrent_activation
        if state is None:
            zeros = x.new_zeros(1, B, H)
            state = (zeros, zeros) if self.kind == "LSTM" else zeros
        h = state[0][0] if self.kind == "LSTM" else state[0]
        c = state[1][0] if self.kind == "LSTM" else None
        # The input projection x W + b for all steps in one matmul.
        xw = x @ self.weight_ih_l0.T
        if self.bias_ih_l0 is not None:
            xw = xw + self.bias_ih_l0
        U = self.weight_hh_l0
        outputs = []
        for t in range(T):
            if self.kind == "SimpleRNN":
                # h_t = phi(x_t W + b + h_{t-1} U)
                h = phi(xw[:, t] + h @ U.T)
            elif self.kind == "LSTM":
                # [z_i, z_f, z_c, z_o] = x_t W + b (+ b_h) + h_{t-1} U;  c_t = f c_{t-1} + i phi(z_c);  h_t = o phi(c_t)
                z = xw[:, t] + h @ U.T
                z_i, z_f, z_c, z_o = (z if self.bias_hh_l0 is None else z + self.bias_hh_l0).chunk(4, dim=-1)
                c = sigma(z_f) * c + sigma(z_i) * phi(z_c)
                h = sigma(z_o) * phi(c)
            elif self.reset_after:
                # rho = h U + bh;  z = sigma(x_z + rho_z), r = sigma(x_r + rho_r), h~ = phi(x_h + r * rho_h)
                rho = h @ U.T if self.bias_hh_l0 is None else h @ U.T + self.bias_hh_l0
                x_z, x_r, x_h = xw[:, t].chunk(3, dim=-1)
                r_z, r_r, r_h = rho.chunk(3, dim=-1)
                z = sigma(x_z + r_z)
                h = z * h + (1 - z) * phi(x_h + sigma(x_r + r_r) * r_h)
            else:
                # z = sigma(x_z + h U_z), r = sigma(x_r + h U_r), h~ = phi(x_h + (r * h) U_h), h_t = z h + (1 - z) h~
                x_z, x_r, x_h = xw[:, t].chunk(3, dim=-1)
                r_z, r_r = (h @ U[: 2 * H].T).chunk(2, dim=-1)
                z = sigma(x_z + r_z)
                r = sigma(x_r + r_r)
                h = z * h + (1 - z) * phi(x_h + (r * h) @ U[2 * H:].T)
            outputs.append(h)
        state = (h[None], c[None]) if self.kind == "LSTM" else h[None]
        return torch.stack(outputs, dim=1), state


def _blend(keep, new, old):
    if isinstance(new, tuple):
        return tuple(_blend(keep, n, o) for n, o in zip(new, old))
    return keep * new + (1 - keep) * old


class Recurrent(nn.Module):
    """A TF.js/Keras recurrent layer around a batch-first module (nn.RNN, nn.LSTM or LoopRNN) with TF.js's
    go_backwards, return_sequences, return_state and masking.

    initial_state is Keras's: a list of [B, H] tensors, [h] or (LSTM) [h, c]; nn.* and LoopRNN take them as
    [num_layers = 1, B, H]. With return_state the layer returns (output, h) or (output, h, c), the final states [B, H]."""

    def __init__(self, rnn, return_sequences, go_backwards, return_state=False):
        super().__init__()
        self.rnn, self.return_sequences, self.go_backwards, self.return_state = rnn, return_sequences, go_backwards, return_state

    def forward(self, x, mask=None, initial_state=None):
        state = None
        if initial_state is not None:
            layered = tuple(s[None].contiguous() for s in initial_state)
            state = layered if len(layered) > 1 else layered[0]
        if self.go_backwards:
            # TF.js reverses the input and the mask in time; the per-step outputs stay in reversed order.
            x = x.flip(1)
            mask = None if mask is None else mask.flip(1)
        out, state = self.rnn(x, state) if mask is None else self._masked(x, mask, state)
        out = out if self.return_sequences else out[:, -1]
        if not self.return_state:
            return out
        return (out, *(s[0] for s in (state if isinstance(state, tuple) else (state,))))

    def _masked(self, x, mask, state):
        # TF.js masking (rnn() in tfjs-layers recurrent.ts): at a padded step (mask 0) the output and every state
        # are carried over from the previous step, s_t = m s_t + (1 - m) s_{t-1}. With left padding the state stays
        # at its initial value (zero unless given) until the first real token; padded outputs repeat the last valid
        # h (not zeros as with packed sequences), so this loop is exact for left, right and inner padding alike.
        B, T, _ = x.shape
        keep = mask.to(x.dtype)
        outputs = []
        for t in range(T):
            _, new = self.rnn(x[:, t:t + 1], state)
            if state is None:
                state = tuple(torch.zeros_like(s) for s in new) if isinstance(new, tuple) else torch.zeros_like(new)
            state = _blend(keep[:, t].view(1, B, 1), new, state)
            outputs.append((state[0] if isinstance(state, tuple) else state)[0])
        return torch.stack(outputs, dim=1), state


class Bidirectional(nn.Module):
    """TF.js/Keras Bidirectional: a forward copy and a go_backwards copy of one recurrent layer, both given the mask.
    With return_sequences the backward outputs are put back in time order before merging."""

    def __init__(self, forward_layer, backward_layer, merge_mode):
        super().__init__()
        self.forward_layer, self.backward_layer, self.merge_mode = forward_layer, backward_layer, merge_mode

    def forward(self, x, mask=None):
        y = self.forward_layer(x, mask)
        y_rev = self.backward_layer(x, mask)
        if self.backward_layer.return_sequences:
            y_rev = y_rev.flip(1)
        if self.merge_mode == "concat":
            return torch.cat([y, y_rev], dim=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "mul":
            return y * y_rev
        return 0.5 * (y + y_rev)


# ---- weights ---------------------------------------------------------------------------------------------------

def load_param(param, array, transpose=False):
    """Copies a numpy array into a parameter; TF.js kernels [in, out] are transposed to PyTorch's [out, in]."""
    value = torch.from_numpy(array.T.copy() if transpose else array)
    if tuple(value.shape) != tuple(param.shape):
        raise ValueError("weight shape %s does not fit parameter shape %s" % (tuple(value.shape), tuple(param.shape)))
    param.copy_(value)


def freeze_bias_hh(rnn, two_biases=False):
    """TF.js has one bias per recurrent layer; nn.RNN / nn.LSTM add a second one, bias_hh. It stays zero and is not
    trained (requires_grad False: the optimizer and gradient clipping skip it), so training moves the recurrent bias
    exactly as the app does, not twice as fast, and the clipped norm counts each gradient once. The reset-after GRU
    (nn.GRU, or LoopRNN with reset_after=True) and the two-bias LSTM (two_biases) are the exceptions: their bias_hh is
    the second bias row of Keras's [2, kH] bias, zero at first and trained."""
    if getattr(rnn, "bias_hh_l0", None) is not None:
        rnn.bias_hh_l0.zero_()
        rnn.bias_hh_l0.requires_grad_(two_biases or isinstance(rnn, nn.GRU) or getattr(rnn, "reset_after", False))


def gates_zrh_to_rzn(a):
    """TF.js/Keras GRU blocks z, r, h (last axis) -> nn.GRU's r, z, n."""
    z, r, h = np.split(a, 3, axis=-1)
    return np.concatenate([r, z, h], axis=-1)


def load_recurrent(rnn, weights, prefix):
    """K [D, kH] -> weight_ih = K^T, R [H, kH] -> weight_hh = R^T. A bias [kH] -> bias_ih, bias_hh = 0 (TF.js has one
    bias); a reset-after GRU's or a two-bias LSTM's bias [2, kH] -> bias_ih = row 0, bias_hh = row 1. nn.GRU's blocks
    are reordered."""
    order = gates_zrh_to_rzn if isinstance(rnn, nn.GRU) else (lambda a: a)
    load_param(rnn.weight_ih_l0, order(weights[prefix + "/kernel"]), transpose=True)
    load_param(rnn.weight_hh_l0, order(weights[prefix + "/recurrent_kernel"]), transpose=True)
    if getattr(rnn, "bias_ih_l0", None) is None:
        return
    bias = weights[prefix + "/bias"]
    rows = bias if bias.ndim == 2 else (bias, None)
    load_param(rnn.bias_ih_l0, order(rows[0]))
    if rows[1] is None:
        freeze_bias_hh(rnn)
    elif getattr(rnn, "bias_hh_l0", None) is not None:
        load_param(rnn.bias_hh_l0, order(rows[1]))


# ---- initial weights like TF.js / Keras (same distributions; the random numbers differ per framework) -----------

def init_kernel(weight, name):
    """weight is [out, in] (PyTorch layout), so fan_in/fan_out match TF.js's [in, out] kernel."""
    if name == "glorotUniform":
        nn.init.xavier_uniform_(weight)
    elif name == "glorotNormal":
        # Porting note: TF.js draws a truncated normal; PyTorch's xavier_normal_ is not truncated.
        nn.init.xavier_normal_(weight)
    elif name == "heUniform":
        nn.init.kaiming_uniform_(weight, nonlinearity="relu")
    elif name == "heNormal":
        nn.init.kaiming_normal_(weight, nonlinearity="relu")
    elif name == "orthogonal":
        nn.init.orthogonal_(weight)
    elif name == "identity":
        with torch.no_grad():
            weight.copy_(torch.eye(weight.shape[0], weight.shape[1]))
    elif name == "zeros":
        nn.init.zeros_(weight)
    else:
        raise ValueError("unknown initializer " + name)


def init_recurrent(rnn, kernel_initializer, recurrent_initializer, unit_forget_bias=False, two_biases=False):
    init_kernel(rnn.weight_ih_l0, kernel_initializer)
    init_kernel(rnn.weight_hh_l0, recurrent_initializer)
    if getattr(rnn, "bias_ih_l0", None) is not None:
        nn.init.zeros_(rnn.bias_ih_l0)
    freeze_bias_hh(rnn, two_biases)
    if unit_forget_bias and getattr(rnn, "bias_ih_l0", None) is not None:
        H = rnn.weight_hh_l0.shape[1]
        # Keras unit_forget_bias: forget-gate bias starts at 1 (CuDNNLSTM puts the 1 in its recurrent bias)
        with torch.no_grad():
            (rnn.bias_hh_l0 if two_biases else rnn.bias_ih_l0)[H:2 * H] = 1.0
`;
