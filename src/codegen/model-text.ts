/**
 * The text of a model file as data: JSON (Keras `to_json()`, TF.js `model.json`, a `.keras` zip's `config.json`), or
 * the YAML Keras 1 and 2 wrote with `model.to_yaml()` (removed in Keras 2.6). Keras read that YAML back with PyYAML's
 * full loader, which builds Python objects from `!!python/...` tags; here only the tags Keras's dumps hold are read,
 * as data: `!!python/tuple` (shapes) as a list, `!!python/unicode` and `!!python/str` (Python 2) as a string. Any other
 * tag is refused. As in PyYAML, a key given twice takes its last value (a file written twice over holds two dumps).
 */
import { parseDocument, type CollectionTag, type ScalarTag } from 'yaml';

const PYTHON_TAGS: (CollectionTag | ScalarTag)[] = [
  { tag: 'tag:yaml.org,2002:python/tuple', collection: 'seq', default: false },
  ...['unicode', 'str'].map((t): ScalarTag => ({ tag: `tag:yaml.org,2002:python/${t}`, default: false, resolve: (s: string) => s })),
];

/** A top-level `class_name:` key starts a line: what every Keras YAML dump has, and no JSON file. */
const looksLikeKerasYaml = (text: string) => /^class_name:/m.test(text);

/** `error`: JSON.parse's message when the text is not Keras YAML (`yaml` false), else why the YAML cannot be read. */
export type ModelText = { ok: true; value: unknown; yaml: boolean } | { ok: false; error: string; yaml: boolean };

/** Parses model text: JSON, else Keras YAML. Never throws; the error is one line. */
export function parseModelText(text: string): ModelText {
  try {
    return { ok: true, value: JSON.parse(text), yaml: false };
  } catch (e) {
    if (!looksLikeKerasYaml(text)) return { ok: false, error: (e as Error).message, yaml: false };
  }
  const doc = parseDocument(text, { customTags: PYTHON_TAGS, uniqueKeys: false, prettyErrors: false });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const message = problem.message.split('\n')[0];
    const error = problem.code === 'TAG_RESOLVE_FAILED' ? `This Keras YAML holds a Python object tag, which RNN Studio does not read (${message}).` : `This Keras YAML model cannot be read (${message}).`;
    return { ok: false, error, yaml: true };
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: 1000 }), yaml: true };
}
