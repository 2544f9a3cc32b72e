/**
 * Static Python files shared by the Keras and PyTorch exports. They contain no graph-specific text, so nothing a
 * user typed reaches them.
 */

/** Reads `model.json` + weight files (TF.js layers-model format) with numpy only. */
export const TFJS_WEIGHTS_PY = `"""Reads TF.js layers-model weights (model.json + weights.bin) with numpy only.

Format: model.json["weightsManifest"] is a list of groups {"paths": [files], "weights": [{"name", "shape", "dtype"}]};
each group's files, concatenated, hold its weights one after another, little-endian, row-major.
Names are TF.js's: "<layer>/kernel", "<layer>/recurrent_kernel", "<layer>/bias", "<layer>/embeddings",
and "<bidirectional>/forward_<inner>/..." / "<bidirectional>/backward_<inner>/..." for wrapped layers.
Kernels are [inputs, k*units] (TF.js and Keras compute x @ K).
"""
import json
import os

import numpy as np

DTYPES = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4")}


def read_tfjs_weights(folder):
    """Returns {weight name: float32 numpy array} for the model.json in \`folder\`."""
    with open(os.path.join(folder, "model.json"), encoding="utf-8") as f:
        manifest = json.load(f)["weightsManifest"]
    weights = {}
    for group in manifest:
        data = b""
        for path in group["paths"]:
            path = path[2:] if path.startswith("./") else path
            if os.path.basename(path) != path or path in ("", ".", ".."):
                raise ValueError("weight file names must not contain folders: %r" % path)
            with open(os.path.join(folder, path), "rb") as f:
                data += f.read()
        offset = 0
        for spec in group["weights"]:
            if "quantization" in spec:
                raise ValueError("quantized weights are not supported: %s" % spec["name"])
            dtype = DTYPES[spec["dtype"]]
            count = int(np.prod(spec["shape"], dtype=np.int64))
            weights[spec["name"]] = np.frombuffer(data, dtype, count, offset).reshape(spec["shape"]).astype(np.float32)
            offset += count * dtype.itemsize
        if offset != len(data):
            raise ValueError("the weight files hold %d bytes but the manifest describes %d" % (len(data), offset))
    return weights
`;

/** Reads and writes the tensor JSON of the predict contract. */
export const TENSOR_JSON_PY = `"""The predict contract shared by every export: {"dtype", "shape", "data"} in, {"shape", "data"} out."""
import json
import os

import numpy as np


def read_tensor(path):
    """One tensor, or a list of tensors (one per Input of a model with several, in order) when the file holds a list."""
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    return [_tensor(s) for s in spec] if isinstance(spec, list) else _tensor(spec)


def _tensor(spec):
    if spec.get("dtype") not in ("int32", "float32"):
        raise ValueError('"dtype" must be "int32" or "float32"')
    return np.asarray(spec["data"], dtype=spec["dtype"]).reshape(spec["shape"])


def tensor_json(y):
    """{"shape", "data"} of one output; for a model with several (a list), a JSON list of them in output order."""
    if isinstance(y, (list, tuple)):
        return "[" + ", ".join(tensor_json(t) for t in y) + "]"
    y = np.asarray(y, dtype=np.float64)
    return json.dumps({"shape": list(y.shape), "data": y.reshape(-1).tolist()})


def tokenize(text, tokenizer):
    """As the app reads text: lowercased, then characters, or words split like torchtext's basic_english."""
    text = text.lower()
    if tokenizer == "chars":
        return list(text)
    text = text.replace("<br />", " ").replace("'", " ' ").replace('"', "")
    for p in ".,()!?":
        text = text.replace(p, " " + p + " ")
    return text.replace(";", " ").replace(":", " ").split()


def text_tensor(text, folder):
    """The token ids of one text, [1, n] int32, with the vocabulary the model was trained on (vocab.json)."""
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    index = {w: i for i, w in enumerate(vocab["words"])}
    ids = [index.get(w, vocab["unknown"]) for w in tokenize(text, vocab["tokenizer"])][: vocab["maxLen"]]
    if not ids:
        raise ValueError("the text has no tokens")
    return np.asarray([ids], dtype="int32")


def read_input(args, folder):
    """--input x.json, or --text "..." through vocab.json in folder."""
    return text_tensor(args.text, folder) if args.text is not None else read_tensor(args.input)
`;

/**
 * `predict.py`, the same contract for every Python target: `--input x.json` ({"dtype", "shape", "data"}) prints
 * {"shape": [...], "data": [...]}. Each target gives its imports and the lines that load the model and set `y`.
 */
export function predictPy(imports: string, body: string): string {
  return `"""Runs the exported model on one input: python3 predict.py --input x.json [--weights DIR],
or, for a text model exported with its vocabulary (vocab.json), python3 predict.py --text "some words".

Input {"dtype", "shape", "data"} (data flat, row-major), or a list of them, one per Input in order; prints
{"shape": [...], "data": [...]}.
"""
import argparse
import os

${imports}
from tensor_json import read_input, tensor_json

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    given = ap.add_mutually_exclusive_group(required=True)
    given.add_argument("--input", help='JSON file {"dtype", "shape", "data"}, or a list of them (one per Input)')
    given.add_argument("--text", help="a text, for a model exported with vocab.json")
    ap.add_argument("--weights", default=HERE, help="folder with model.json + weights.bin (default: this folder)")
    args = ap.parse_args()
${body}


if __name__ == "__main__":
    main()
`;
}
