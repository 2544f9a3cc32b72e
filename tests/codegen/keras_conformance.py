"""Checks every Keras call in exported Python files against the signatures read from Keras's source
(keras-signatures.json, written by scripts/keras-signatures.py).

Usage: python3 keras_conformance.py TABLE.json FILE.py...  Prints {"checked": [[api, keywords...]], "errors": [...],
"byFile": {FILE.py: [[api, keywords...]]}}.

A call is checked when it is `keras.<...>(...)`, `layers.<...>(...)` (after `from keras import layers`), a recurrent
layer applied to its inputs (`layers.LSTM(...)(x, initial_state=[h, c])`, as `RNN.__call__`; an attention layer's
call, as `Attention.__call__`; also a layer taken by name, `model.get_layer("attention")([q, v], mask=...)`, when a
file given builds it with that name), or a method of `model` / `layer` (`model.compile`, `layer.set_weights`, ...). For each version in the table the public name
must be among the names the source exports, the positional arguments must fit, and every keyword must be accepted:
an explicit parameter, a key the code pops from **kwargs, or (when **kwargs is forwarded) accepted by the base class.
A Keras call that the table does not know is an error too, so the table cannot silently fall behind the emitter.
"""
import ast
import json
import sys

RECEIVERS = {"model": "Model", "layer": "Layer", "encoder": "Model"}
# decode.py steps a decoder layer's cell, `model.get_layer(name).cell(x, states, training=False)`: checked against the
# call of every recurrent cell, as the generated line is the same for each kind.
CELL_CALLS = ["LSTMCell.call", "GRUCell.call", "SimpleRNNCell.call"]
RECURRENT = {"keras.layers.SimpleRNN", "keras.layers.LSTM", "keras.layers.GRU"}
ATTENTION = {"keras.layers.Attention", "keras.layers.AdditiveAttention"}


def accepted(entries, api):
    e = entries[api]
    names = set(e["positional"]) | set(e["keywordOnly"]) | set(e["kwargsKeys"])
    if e["kwargs"] and "kwargsTo" in e:
        names |= accepted(entries, e["kwargsTo"])
    return names


def named_layers(tree, layers_alias):
    """The Keras class of each layer a file builds with a literal name: {"attention": "keras.layers.Attention", ...}."""
    named = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            api = api_of(node, layers_alias, {})
            for k in node.keywords:
                if k.arg == "name" and isinstance(k.value, ast.Constant) and api and api.startswith("keras.layers."):
                    named[k.value.value] = api
    return named


def api_of(call, layers_alias, named):
    if isinstance(call.func, ast.Call):
        # Applying a layer: layers.LSTM(...)(x, initial_state=[h, c]) is checked against the recurrent layers' call,
        # layers.Attention(...)([q, v], return_attention_scores=True) against the attention layers' call; so is a
        # layer taken by a name that a file given builds: model.get_layer("attention")([q, v], mask=[...]).
        applied = api_of(call.func, layers_alias, named)
        if applied == "Model.get_layer" and call.func.args and isinstance(call.func.args[0], ast.Constant):
            applied = named.get(call.func.args[0].value)
        return "RNN.__call__" if applied in RECURRENT else "Attention.__call__" if applied in ATTENTION else None
    if isinstance(call.func, ast.Attribute) and call.func.attr == "cell" and isinstance(call.func.value, ast.Call) \
            and api_of(call.func.value, layers_alias, named) == "Model.get_layer":
        return "RNNCell.__call__"
    parts = []
    f = call.func
    while isinstance(f, ast.Attribute):
        parts.insert(0, f.attr)
        f = f.value
    if not isinstance(f, ast.Name) or not parts:
        return None
    root = f.id
    if root == "keras":
        return ".".join(["keras", *parts])
    if root == layers_alias:
        return ".".join(["keras.layers", *parts])
    if root in RECEIVERS and len(parts) == 1:
        return "%s.%s" % (RECEIVERS[root], parts[0])
    return None


def parse(path, errors):
    """The file's syntax tree and its name for keras.layers (`from keras import layers`), the imports checked."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    layers_alias = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "keras":
            for a in node.names:
                if a.name == "layers":
                    layers_alias = a.asname or "layers"
                else:
                    errors.append("%s: from keras import %s is not in the table" % (path, a.name))
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in ("keras", "tensorflow") and a.name != "keras":
                    errors.append("%s: import %s (one import path: import keras)" % (path, a.name))
    return tree, layers_alias


def check_file(path, tree, layers_alias, table, errors, checked, named):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        api = api_of(node, layers_alias, named)
        if api is None:
            continue
        keywords = [k.arg for k in node.keywords]
        if None in keywords:
            errors.append("%s:%d: %s(**...) cannot be checked" % (path, node.lineno, api))
            continue
        for api in CELL_CALLS if api == "RNNCell.__call__" else [api]:
            check_call(path, node, api, keywords, table, errors, checked)


def check_call(path, node, api, keywords, table, errors, checked):
    checked.append([api, *keywords])
    for version, data in table.items():
        if not isinstance(data, dict) or "entries" not in data:
            continue
        entries = data["entries"]
        where = "%s %s" % (data["repo"], data["tag"])
        if api not in entries:
            errors.append("%s:%d: %s is not in the signature table (%s)" % (path, node.lineno, api, where))
            continue
        e = entries[api]
        if api.startswith("keras.") and api not in e["exports"]:
            errors.append("%s:%d: %s is not exported under that name in %s (%s exports %s)" % (path, node.lineno, api, where, e["file"], e["exports"]))
        if len(node.args) > len(e["positional"]) and not e["varargs"]:
            errors.append("%s:%d: %s takes %d positional arguments in %s, given %d" % (path, node.lineno, api, len(e["positional"]), where, len(node.args)))
        ok = accepted(entries, api)
        for k in keywords:
            if k not in ok:
                errors.append("%s:%d: %s has no argument %r in %s (%s)" % (path, node.lineno, api, k, where, e["file"]))


def main():
    table = json.load(open(sys.argv[1], encoding="utf-8"))
    errors, checked = [], []
    files = [(path, *parse(path, errors)) for path in sys.argv[2:]]
    named = {}
    for _, tree, layers_alias in files:
        named.update(named_layers(tree, layers_alias))
    by_file = {}
    for path, tree, layers_alias in files:
        by_file[path] = []
        check_file(path, tree, layers_alias, table, errors, by_file[path], named)
        checked += by_file[path]
    print(json.dumps({"checked": checked, "errors": errors, "byFile": by_file}))


if __name__ == "__main__":
    main()
