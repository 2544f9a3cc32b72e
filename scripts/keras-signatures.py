"""Extracts, from the source of Keras 3 and tf.keras 2.15, the signature of every constructor, function and method
that the Keras export emits, and writes tests/codegen/keras-signatures.json (read by tests/codegen/keras-conformance).

Usage: /usr/bin/python3 scripts/keras-signatures.py KERAS_GIT_DIR TF_KERAS_GIT_DIR
(git directories of keras-team/keras and keras-team/tf-keras; the files are read with `git show TAG:PATH`).

For each API name the table records the file, tag and commit it was read from, the names in the `keras_export`
decorator (so the public name is checked too), and the keywords the call accepts: the explicit parameters, the
keys it pops from **kwargs (`kwargs.pop("x")`, `kwargs.get("x")`, an `allowed_kwargs = {...}` set), and, when it
forwards **kwargs to a base class, what that base accepts (the chain is written below, read from each __init__).
"""
import ast
import json
import subprocess
import sys

KERAS3 = ("v3.15.1", "keras/src/")
TFKERAS = ("v2.15.0", "tf_keras/")

# API name -> (file, qualified name, base that receives **kwargs or None, qualified name whose keras_export names
# the API, if different). Paths are relative to the package folder above.
LAYER3 = ("layers/layer.py", "Layer")
LAYER2 = ("engine/base_layer.py", "Layer")
ENTRIES = {
    "keras3": {
        "keras.Input": ("layers/core/input_layer.py", "Input", None),
        "keras.Model": ("models/functional.py", "Functional.__init__", None, ("models/model.py", "Model")),
        "keras.layers.Embedding": ("layers/core/embedding.py", "Embedding", LAYER3),
        "keras.layers.SimpleRNN": ("layers/rnn/simple_rnn.py", "SimpleRNN", ("layers/rnn/rnn.py", "RNN")),
        "keras.layers.LSTM": ("layers/rnn/lstm.py", "LSTM", ("layers/rnn/rnn.py", "RNN")),
        "keras.layers.GRU": ("layers/rnn/gru.py", "GRU", ("layers/rnn/rnn.py", "RNN")),
        "keras.layers.RNN": ("layers/rnn/rnn.py", "RNN", LAYER3),
        "keras.layers.Bidirectional": ("layers/rnn/bidirectional.py", "Bidirectional", ("layers/core/wrapper.py", "Wrapper")),
        "keras.layers.TimeDistributed": ("layers/rnn/time_distributed.py", "TimeDistributed", ("layers/core/wrapper.py", "Wrapper")),
        "keras.layers.Wrapper": ("layers/core/wrapper.py", "Wrapper", LAYER3),
        "keras.layers.Dense": ("layers/core/dense.py", "Dense", LAYER3),
        "keras.layers.Dropout": ("layers/regularization/dropout.py", "Dropout", LAYER3),
        "keras.layers.Concatenate": ("layers/merging/concatenate.py", "Concatenate", ("layers/merging/base_merge.py", "Merge")),
        "keras.layers.Add": ("layers/merging/add.py", "Add", ("layers/merging/base_merge.py", "Merge")),
        "keras.layers.Multiply": ("layers/merging/multiply.py", "Multiply", ("layers/merging/base_merge.py", "Merge")),
        "keras.layers.Average": ("layers/merging/average.py", "Average", ("layers/merging/base_merge.py", "Merge")),
        "keras.layers.Maximum": ("layers/merging/maximum.py", "Maximum", ("layers/merging/base_merge.py", "Merge")),
        "keras.layers.Subtract": ("layers/merging/subtract.py", "Subtract", ("layers/merging/base_merge.py", "Merge")),
        "keras.layers.Dot": ("layers/merging/dot.py", "Dot", ("layers/merging/base_merge.py", "Merge")),
        "keras.layers.Merge": ("layers/merging/base_merge.py", "Merge", LAYER3),
        "keras.layers.GlobalAveragePooling1D": ("layers/pooling/global_average_pooling1d.py", "GlobalAveragePooling1D", ("layers/pooling/base_global_pooling.py", "BaseGlobalPooling")),
        "keras.layers.GlobalMaxPooling1D": ("layers/pooling/global_max_pooling1d.py", "GlobalMaxPooling1D", ("layers/pooling/base_global_pooling.py", "BaseGlobalPooling")),
        "keras.layers.BaseGlobalPooling": ("layers/pooling/base_global_pooling.py", "BaseGlobalPooling", LAYER3),
        "keras.layers.BatchNormalization": ("layers/normalization/batch_normalization.py", "BatchNormalization", LAYER3),
        "keras.layers.LayerNormalization": ("layers/normalization/layer_normalization.py", "LayerNormalization", LAYER3),
        "keras.layers.SpatialDropout1D": ("layers/regularization/spatial_dropout.py", "SpatialDropout1D", None),
        "keras.layers.Masking": ("layers/core/masking.py", "Masking", LAYER3),
        "keras.layers.RepeatVector": ("layers/reshaping/repeat_vector.py", "RepeatVector", LAYER3),
        "keras.layers.Permute": ("layers/reshaping/permute.py", "Permute", LAYER3),
        "keras.layers.Reshape": ("layers/reshaping/reshape.py", "Reshape", LAYER3),
        "keras.layers.Softmax": ("layers/activations/softmax.py", "Softmax", LAYER3),
        "keras.layers.AveragePooling1D": ("layers/pooling/average_pooling1d.py", "AveragePooling1D", ("layers/pooling/base_pooling.py", "BasePooling")),
        "keras.layers.BasePooling": ("layers/pooling/base_pooling.py", "BasePooling", LAYER3),
        "keras.layers.Conv1D": ("layers/convolutional/conv1d.py", "Conv1D", ("layers/convolutional/base_conv.py", "BaseConv")),
        "keras.layers.BaseConv": ("layers/convolutional/base_conv.py", "BaseConv", LAYER3),
        "keras.layers.MaxPooling1D": ("layers/pooling/max_pooling1d.py", "MaxPooling1D", ("layers/pooling/base_pooling.py", "BasePooling")),
        "keras.layers.Flatten": ("layers/reshaping/flatten.py", "Flatten", LAYER3),
        "keras.layers.Activation": ("layers/activations/activation.py", "Activation", LAYER3),
        "keras.layers.Attention": ("layers/attention/attention.py", "Attention", LAYER3),
        "keras.layers.AdditiveAttention": ("layers/attention/additive_attention.py", "AdditiveAttention", ("layers/attention/attention.py", "Attention")),
        "keras.layers.Layer": (*LAYER3, None),
        "keras.initializers.GlorotUniform": ("initializers/random_initializers.py", "GlorotUniform", None),
        "keras.initializers.GlorotNormal": ("initializers/random_initializers.py", "GlorotNormal", None),
        "keras.initializers.HeUniform": ("initializers/random_initializers.py", "HeUniform", None),
        "keras.initializers.HeNormal": ("initializers/random_initializers.py", "HeNormal", None),
        "keras.initializers.Orthogonal": ("initializers/random_initializers.py", "Orthogonal", None),
        "keras.initializers.RandomUniform": ("initializers/random_initializers.py", "RandomUniform", None),
        "keras.initializers.Identity": ("initializers/constant_initializers.py", "Identity", None),
        "keras.initializers.Zeros": ("initializers/constant_initializers.py", "Zeros", ("initializers/initializer.py", "Initializer")),
        "keras.initializers.Ones": ("initializers/constant_initializers.py", "Ones", ("initializers/initializer.py", "Initializer")),
        "keras.initializers.Initializer": ("initializers/initializer.py", "Initializer", None),
        "keras.activations.relu": ("activations/activations.py", "relu", None),
        "keras.saving.register_keras_serializable": ("saving/object_registration.py", "register_keras_serializable", None),
        "keras.utils.set_random_seed": ("utils/rng_utils.py", "set_random_seed", None),
        "keras.optimizers.Adam": ("optimizers/adam.py", "Adam", None),
        "keras.optimizers.RMSprop": ("optimizers/rmsprop.py", "RMSprop", None),
        "keras.optimizers.SGD": ("optimizers/sgd.py", "SGD", None),
        "keras.losses.SparseCategoricalCrossentropy": ("losses/losses.py", "SparseCategoricalCrossentropy", None),
        "keras.losses.BinaryCrossentropy": ("losses/losses.py", "BinaryCrossentropy", None),
        "keras.losses.MeanSquaredError": ("losses/losses.py", "MeanSquaredError", None),
        "Model.compile": ("trainers/trainer.py", "Trainer.compile", None),
        "Model.fit": ("trainers/trainer.py", "Trainer.fit", None),
        "Model.predict": ("trainers/trainer.py", "Trainer.predict", None),
        "Model.save": ("models/model.py", "Model.save", None),
        "Layer.set_weights": ("layers/layer.py", "Layer.set_weights", None),
        # Applying a recurrent layer, `layers.LSTM(...)(x, initial_state=[h, c])`: Keras 3's Layer.__call__ passes its
        # arguments on to call(), so RNN.call's parameters are what the call accepts.
        "RNN.__call__": ("layers/rnn/rnn.py", "RNN.call", None),
        # `layers.Attention(...)([q, v], return_attention_scores=True)`: its call's parameters, as for the RNN.
        "Attention.__call__": ("layers/attention/attention.py", "Attention.call", None),
        # decode.py: the encoder's states read from the trained model's layers, and one call of a decoder layer's cell
        # per step, `model.get_layer(name).cell(x, states, training=False)` (Layer.__call__ passes them to call()).
        "Model.get_layer": ("models/model.py", "Model.get_layer", None),
        "LSTMCell.call": ("layers/rnn/lstm.py", "LSTMCell.call", None),
        "GRUCell.call": ("layers/rnn/gru.py", "GRUCell.call", None),
        "SimpleRNNCell.call": ("layers/rnn/simple_rnn.py", "SimpleRNNCell.call", None),
    },
    "tfkeras": {
        "keras.Input": ("engine/input_layer.py", "Input", None),
        "keras.Model": ("engine/functional.py", "Functional.__init__", None, ("engine/training.py", "Model")),
        "keras.layers.Embedding": ("layers/core/embedding.py", "Embedding", LAYER2),
        "keras.layers.SimpleRNN": ("layers/rnn/simple_rnn.py", "SimpleRNN", ("layers/rnn/base_rnn.py", "RNN")),
        "keras.layers.LSTM": ("layers/rnn/lstm.py", "LSTM", ("layers/rnn/base_rnn.py", "RNN")),
        "keras.layers.GRU": ("layers/rnn/gru.py", "GRU", ("layers/rnn/base_rnn.py", "RNN")),
        "keras.layers.RNN": ("layers/rnn/base_rnn.py", "RNN", LAYER2),
        "keras.layers.Bidirectional": ("layers/rnn/bidirectional.py", "Bidirectional", ("layers/rnn/base_wrapper.py", "Wrapper")),
        "keras.layers.TimeDistributed": ("layers/rnn/time_distributed.py", "TimeDistributed", ("layers/rnn/base_wrapper.py", "Wrapper")),
        "keras.layers.Wrapper": ("layers/rnn/base_wrapper.py", "Wrapper", LAYER2),
        "keras.layers.Dense": ("layers/core/dense.py", "Dense", LAYER2),
        "keras.layers.Dropout": ("layers/regularization/dropout.py", "Dropout", LAYER2),
        "keras.layers.Concatenate": ("layers/merging/concatenate.py", "Concatenate", ("layers/merging/base_merge.py", "_Merge")),
        "keras.layers.Add": ("layers/merging/add.py", "Add", ("layers/merging/base_merge.py", "_Merge")),
        "keras.layers.Multiply": ("layers/merging/multiply.py", "Multiply", ("layers/merging/base_merge.py", "_Merge")),
        "keras.layers.Average": ("layers/merging/average.py", "Average", ("layers/merging/base_merge.py", "_Merge")),
        "keras.layers.Maximum": ("layers/merging/maximum.py", "Maximum", ("layers/merging/base_merge.py", "_Merge")),
        "keras.layers.Subtract": ("layers/merging/subtract.py", "Subtract", ("layers/merging/base_merge.py", "_Merge")),
        "keras.layers.Dot": ("layers/merging/dot.py", "Dot", ("layers/merging/base_merge.py", "_Merge")),
        "keras.layers.Merge": ("layers/merging/base_merge.py", "_Merge", LAYER2),
        "keras.layers.GlobalAveragePooling1D": ("layers/pooling/global_average_pooling1d.py", "GlobalAveragePooling1D", ("layers/pooling/base_global_pooling1d.py", "GlobalPooling1D")),
        "keras.layers.GlobalMaxPooling1D": ("layers/pooling/global_max_pooling1d.py", "GlobalMaxPooling1D", ("layers/pooling/base_global_pooling1d.py", "GlobalPooling1D")),
        "keras.layers.BaseGlobalPooling": ("layers/pooling/base_global_pooling1d.py", "GlobalPooling1D", LAYER2),
        "keras.layers.BatchNormalization": ("layers/normalization/batch_normalization.py", "BatchNormalization", ("layers/normalization/batch_normalization.py", "BatchNormalizationBase")),
        "keras.layers.BatchNormalizationBase": ("layers/normalization/batch_normalization.py", "BatchNormalizationBase", LAYER2),
        "keras.layers.LayerNormalization": ("layers/normalization/layer_normalization.py", "LayerNormalization", LAYER2),
        "keras.layers.SpatialDropout1D": ("layers/regularization/spatial_dropout1d.py", "SpatialDropout1D", ("layers/regularization/dropout.py", "Dropout")),
        "keras.layers.Masking": ("layers/core/masking.py", "Masking", LAYER2),
        "keras.layers.RepeatVector": ("layers/reshaping/repeat_vector.py", "RepeatVector", LAYER2),
        "keras.layers.Permute": ("layers/reshaping/permute.py", "Permute", LAYER2),
        "keras.layers.Reshape": ("layers/reshaping/reshape.py", "Reshape", LAYER2),
        "keras.layers.Softmax": ("layers/activation/softmax.py", "Softmax", LAYER2),
        "keras.layers.AveragePooling1D": ("layers/pooling/average_pooling1d.py", "AveragePooling1D", ("layers/pooling/base_pooling1d.py", "Pooling1D")),
        "keras.layers.BasePooling": ("layers/pooling/base_pooling1d.py", "Pooling1D", LAYER2),
        "keras.layers.Conv1D": ("layers/convolutional/conv1d.py", "Conv1D", ("layers/convolutional/base_conv.py", "Conv")),
        "keras.layers.BaseConv": ("layers/convolutional/base_conv.py", "Conv", LAYER2),
        "keras.layers.MaxPooling1D": ("layers/pooling/max_pooling1d.py", "MaxPooling1D", ("layers/pooling/base_pooling1d.py", "Pooling1D")),
        "keras.layers.Flatten": ("layers/reshaping/flatten.py", "Flatten", LAYER2),
        "keras.layers.Activation": ("layers/core/activation.py", "Activation", LAYER2),
        "keras.layers.Attention": ("layers/attention/attention.py", "Attention", ("layers/attention/base_dense_attention.py", "BaseDenseAttention")),
        "keras.layers.AdditiveAttention": ("layers/attention/additive_attention.py", "AdditiveAttention", ("layers/attention/base_dense_attention.py", "BaseDenseAttention")),
        "keras.layers.BaseDenseAttention": ("layers/attention/base_dense_attention.py", "BaseDenseAttention", LAYER2),
        "keras.layers.Layer": (*LAYER2, None),
        "keras.initializers.GlorotUniform": ("initializers/initializers.py", "GlorotUniform", None),
        "keras.initializers.GlorotNormal": ("initializers/initializers.py", "GlorotNormal", None),
        "keras.initializers.HeUniform": ("initializers/initializers.py", "HeUniform", None),
        "keras.initializers.HeNormal": ("initializers/initializers.py", "HeNormal", None),
        "keras.initializers.Orthogonal": ("initializers/initializers.py", "Orthogonal", None),
        "keras.initializers.RandomUniform": ("initializers/initializers.py", "RandomUniform", None),
        "keras.initializers.Identity": ("initializers/initializers.py", "Identity", None),
        "keras.initializers.Zeros": ("initializers/initializers.py", "Zeros", ("initializers/initializers.py", "Initializer")),
        "keras.initializers.Ones": ("initializers/initializers.py", "Ones", ("initializers/initializers.py", "Initializer")),
        "keras.initializers.Initializer": ("initializers/initializers.py", "Initializer", None),
        "keras.activations.relu": ("activations.py", "relu", None),
        "keras.saving.register_keras_serializable": ("saving/object_registration.py", "register_keras_serializable", None),
        "keras.utils.set_random_seed": ("utils/tf_utils.py", "set_random_seed", None),
        "keras.optimizers.Adam": ("optimizers/adam.py", "Adam", None),
        "keras.optimizers.RMSprop": ("optimizers/rmsprop.py", "RMSprop", None),
        "keras.optimizers.SGD": ("optimizers/sgd.py", "SGD", None),
        "keras.losses.SparseCategoricalCrossentropy": ("losses.py", "SparseCategoricalCrossentropy", None),
        "keras.losses.BinaryCrossentropy": ("losses.py", "BinaryCrossentropy", None),
        "keras.losses.MeanSquaredError": ("losses.py", "MeanSquaredError", None),
        "Model.compile": ("engine/training.py", "Model.compile", None),
        "Model.fit": ("engine/training.py", "Model.fit", None),
        "Model.predict": ("engine/training.py", "Model.predict", None),
        "Model.save": ("engine/training.py", "Model.save", None),
        "Layer.set_weights": ("engine/base_layer.py", "Layer.set_weights", None),
        "RNN.__call__": ("layers/rnn/base_rnn.py", "RNN.__call__", None),
        "Attention.__call__": ("layers/attention/base_dense_attention.py", "BaseDenseAttention.call", None),
        "Model.get_layer": ("engine/training.py", "Model.get_layer", None),
        "LSTMCell.call": ("layers/rnn/lstm.py", "LSTMCell.call", None),
        "GRUCell.call": ("layers/rnn/gru.py", "GRUCell.call", None),
        "SimpleRNNCell.call": ("layers/rnn/simple_rnn.py", "SimpleRNNCell.call", None),
    },
}


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], check=True, capture_output=True, text=True).stdout


def find(tree, qualname):
    """The ClassDef or FunctionDef for 'Class', 'func' or 'Class.method' (module level)."""
    node = tree
    for part in qualname.split("."):
        node = next(n for n in node.body if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name == part)
    return node


def exports(node):
    names = []
    for d in getattr(node, "decorator_list", []):
        if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "keras_export":
            for a in d.args:
                if isinstance(a, ast.Constant):
                    names.append(a.value)
                elif isinstance(a, (ast.List, ast.Tuple)):
                    names += [e.value for e in a.elts if isinstance(e, ast.Constant)]
    return names


def signature(fn):
    a = fn.args
    positional = [p.arg for p in a.posonlyargs + a.args]
    if positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    popped = set()
    for n in ast.walk(fn):
        # kwargs.pop("x", ...) / kwargs.get("x", ...)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("pop", "get") \
                and getattr(n.func.value, "id", "") == "kwargs" and n.args and isinstance(n.args[0], ast.Constant):
            popped.add(n.args[0].value)
        # allowed_kwargs = {"input_dim", ...}
        if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "allowed_kwargs" for t in n.targets) and isinstance(n.value, ast.Set):
            popped |= {e.value for e in n.value.elts if isinstance(e, ast.Constant)}
    return {
        "positional": positional,
        "keywordOnly": [p.arg for p in a.kwonlyargs],
        "varargs": a.vararg is not None,
        "kwargs": a.kwarg is not None,
        "kwargsKeys": sorted(popped),
    }


def extract(repo, version, entries):
    tag, prefix = version
    commit = git(repo, "rev-parse", tag + "^{commit}").strip()
    trees = {}

    def tree(path):
        if path not in trees:
            trees[path] = ast.parse(git(repo, "show", "%s:%s%s" % (tag, prefix, path)))
        return trees[path]

    out = {}
    for api, (path, qual, base, *export_from) in entries.items():
        node = find(tree(path), qual)
        inits = [n for n in getattr(node, "body", []) if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
        fn = node if isinstance(node, ast.FunctionDef) else inits[0] if inits else None
        ex_path, ex_qual = export_from[0] if export_from else (path, qual.split(".")[0])
        entry = {"file": prefix + path, "name": qual, "exports": exports(find(tree(ex_path), ex_qual))}
        if fn is None and base:  # no __init__ of its own: every argument goes to the base class
            entry.update(positional=[], keywordOnly=[], varargs=True, kwargs=True, kwargsKeys=[], inheritsInit=True)
        elif fn is None:  # no __init__ in the class nor a base with one (object.__init__): no arguments
            entry.update(positional=[], keywordOnly=[], varargs=False, kwargs=False, kwargsKeys=[])
        else:
            entry.update(signature(fn))
        if base:
            entry["kwargsTo"] = next(k for k, v in entries.items() if (v[0], v[1]) == base)
        out[api] = entry
    return {"repo": "keras-team/" + ("keras" if prefix == "keras/src/" else "tf-keras"), "tag": tag, "commit": commit, "entries": out}


def main():
    keras_repo, tf_keras_repo = sys.argv[1:3]
    table = {
        "about": "Signatures read from the source by scripts/keras-signatures.py; see tests/codegen/keras-conformance.test.ts.",
        "keras3": extract(keras_repo, KERAS3, ENTRIES["keras3"]),
        "tfkeras": extract(tf_keras_repo, TFKERAS, ENTRIES["tfkeras"]),
    }
    print(json.dumps(table, indent=1))


if __name__ == "__main__":
    main()
