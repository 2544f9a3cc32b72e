/**
 * Keras YAML (`model.to_yaml()`, Keras 1 and 2) read as data (src/codegen/model-text.ts). The reference is PyYAML, the
 * loader Keras's `model_from_yaml` used: every value must equal what PyYAML builds from the same text (tuples as lists),
 * for the real dumps in tests/fixtures/keras-real/ and for hand-written ones with an anchor, a Python 2 string tag and a
 * key given twice. Python object tags, which PyYAML's full loader would execute, are refused.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { parseModelText } from '../../src/codegen/model-text.ts';
import { DIR } from '../../scripts/keras-real.ts';

/** PyYAML's reading of `text`, tuples and Python 2 strings as Keras's to_yaml() wrote them, as JSON. */
function pyyaml(text: string): unknown {
  const script = [
    'import json, sys, yaml',
    'class L(yaml.SafeLoader): pass',
    "L.add_constructor('tag:yaml.org,2002:python/tuple', lambda l, n: l.construct_sequence(n))",
    "L.add_constructor('tag:yaml.org,2002:python/unicode', lambda l, n: l.construct_scalar(n))",
    'print(json.dumps(yaml.load(sys.stdin.read(), L)))',
  ].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: text, encoding: 'utf8' }));
}

const yamlFixtures = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

describe('Keras YAML', () => {
  it('there are real to_yaml() dumps among the fixtures', () => expect(yamlFixtures.length).toBeGreaterThanOrEqual(4));

  it.each(yamlFixtures)('%s reads as PyYAML reads it', (f) => {
    const text = readFileSync(join(DIR, f), 'utf8');
    const r = parseModelText(text);
    expect(r).toMatchObject({ ok: true, yaml: true });
    if (r.ok) expect(r.value).toEqual(pyyaml(text));
  });

  // As PyYAML 3 dumped a Sequential with an InputLayer: the shared shape tuple is an anchor and an alias; Python 2's
  // strings carry !!python/unicode; a second dump appended to the file repeats the top-level keys.
  const handWritten = `backend: !!python/unicode 'tensorflow'
class_name: Sequential
config:
- class_name: InputLayer
  config:
    batch_input_shape: &id001 !!python/tuple [null, 12, 3]
    dtype: float32
    name: lstm_input
- class_name: LSTM
  config: {batch_input_shape: *id001, name: lstm, units: 8, return_sequences: false, activation: tanh, recurrent_activation: hard_sigmoid}
- class_name: Dense
  config: {name: dense, units: 2, activation: softmax}
keras_version: 2.1.6
keras_version: 2.2.4
`;

  it('an anchor, a Python 2 string tag and a key given twice (the last wins) read as in PyYAML', () => {
    const r = parseModelText(handWritten);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toEqual(pyyaml(handWritten));
  });

  it('the model opens from YAML as from the same model in JSON', () => {
    const fromYaml = importModelJson(handWritten);
    const fromJson = importModelJson(JSON.stringify(pyyaml(handWritten)));
    if (!fromYaml.ok || !fromJson.ok) throw new Error('did not open');
    expect(fromYaml.model.doc.nodes).toEqual(fromJson.model.doc.nodes);
    expect(fromYaml.model.doc.edges).toEqual(fromJson.model.doc.edges);
    expect(fromYaml.model.doc.meta?.description).toBe('Imported from a Keras 2 model YAML.');
  });

  it.each([
    ['a Python object tag', 'class_name: Sequential\nconfig: !!python/object/apply:os.system ["ls"]\n', /^This Keras YAML holds a Python object tag, which RNN Studio does not read \(Unresolved tag: tag:yaml\.org,2002:python\/object\/apply:os\.system/],
    ['a Python name tag', 'class_name: !!python/name:os.system ""\nconfig: []\n', /^This Keras YAML holds a Python object tag/],
    ['broken YAML', 'class_name: Sequential\nconfig: [\n', /^This Keras YAML model cannot be read \(/],
  ])('refuses %s in one line', (_what, text, message) => {
    const r = importModelJson(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(message);
      expect(r.error).not.toContain('\n');
    }
  });

  it('text that is neither JSON nor Keras YAML is still "not a JSON file"', () => {
    const r = importModelJson('model = Sequential()');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^This is not a JSON file \(/);
  });
});
