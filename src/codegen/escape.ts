/**
 * The one place where text from a graph becomes source code. Layer names are already `safeName`d by the compiler
 * (`[A-Za-z_][A-Za-z0-9_]*`); here they also dodge keywords and the names the generated code itself uses, and any
 * other text (model name, description) only ever appears as an escaped string literal or a one-line comment.
 * Nothing a user typed can end a string, a comment or a line.
 */
import type { IRLayer, ModelIR } from '../compiler/index.ts';
import { LAYERS, portsOf } from '../layers/index.ts';

/** Python keywords and soft keywords, builtins the generated code calls, and modules it imports. */
const PYTHON_RESERVED = `False None True and as assert async await break class continue def del elif else except finally for from
global if import in is lambda nonlocal not or pass raise return try while with yield match case type _
print range len super int float str list dict tuple zip open object isinstance getattr setattr id input
torch nn np numpy json os sys argparse math keras ops tf layers model Model self x mask weights
state new_state token source`.split(/\s+/);
/** Attributes of torch.nn.Module that a submodule name would shadow. */
const TORCH_MODULE_ATTRS = `forward train eval training parameters named_parameters modules named_modules children named_children
buffers named_buffers to cuda cpu double float half state_dict load_state_dict apply zero_grad register_buffer
register_parameter register_module add_module get_submodule requires_grad_ extra_repr load_tfjs init_weights call_super_init dump_patches`.split(/\s+/);
/** JavaScript reserved words and the globals the generated ES module uses. */
const JS_RESERVED = `break case catch class const continue debugger default delete do else enum export extends false finally for
function if implements import in instanceof interface let new null package private protected public return static super
switch this throw true try typeof var void while with yield await arguments eval undefined NaN Infinity
tf fs path process console Object Array JSON Math Number String Promise URL inputs outputs`.split(/\s+/);

const RESERVED = new Set([...PYTHON_RESERVED, ...TORCH_MODULE_ATTRS, ...JS_RESERVED].map((s) => s.toLowerCase()));

/**
 * Identifiers for every IR layer (and wrapped inner layer), valid in Python and JavaScript: the compiler's safe
 * name, with `_` appended when it is reserved, kept unique. A layer's other output ports (a recurrent layer's final
 * h and c) get `<name>_<port>`, under the key `portKey(id, port)`, after every layer has its name.
 */
export function identifiers(ir: ModelIR): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  const claim = (key: string, base: string) => {
    let id = base;
    while (RESERVED.has(id.toLowerCase()) || used.has(id.toLowerCase())) id = `${id}_`;
    used.add(id.toLowerCase());
    out.set(key, id);
  };
  for (const l of ir.layers) claim(l.id, l.name);
  for (const l of ir.layers) for (const port of Object.keys(l.portShapes ?? {})) claim(portKey(l.id, port), `${out.get(l.id)}_${port}`);
  return out;
}

/** The `identifiers` key of a layer's output port (`output` is the layer's own id). */
export const portKey = (id: string, port = 'output'): string => (port === 'output' ? id : `${id}\u0000${port}`);

/** A layer's variables for each IR reference: its data inputs (from their ports), its initial states, and its output ports in order. */
export function portVars(l: IRLayer, ids: Map<string, string>) {
  const v = (id: string, port?: string) => ids.get(portKey(id, port))!;
  return {
    inputs: l.inputs.map((id, i) => v(id, l.inputPorts?.[i])),
    states: (l.states ?? []).map((s) => v(s.from, s.fromPort)),
    outputs: portsOf(LAYERS[l.kind], l.params).outputs.map((port) => v(l.id, port)),
  };
}

/** A Python string literal. JSON's escaping is valid Python (\uXXXX included); non-ASCII is escaped too. */
export function pyStr(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JavaScript string literal (JSON escaping, plus U+2028/U+2029, which end lines in older JS). */
export const jsStr = pyStr;

/** Text safe inside a one-line comment (`#` or `//`): every line break and control character becomes a space. */
export function commentText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\*\//g, '* /').trim();
}

/** Python's literal for a number, boolean or null. */
export function pyValue(v: number | boolean | null): string {
  return v === null ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
}
