/**
 * Every preset's (and each encoder–decoder graph's) exported code matches its golden file, and every Python file compiles (`python3 -m py_compile`)
 * and every ES module parses (`node --check`). Pure codegen: no tfjs.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFiles, TARGETS } from '../../src/codegen/export.ts';
import { COVERAGE, irOf, PRESETS, presetDoc, PYTHON, scratchDir } from '../export/helpers.ts';

/**
 * train.py depends only on the loss the model's head implies and on the training settings, so one preset per loss
 * family has a golden file (regression, per-timestep cross-entropy, class cross-entropy); all of them still compile.
 */
const TRAIN_GOLDEN = ['adding-lstm', 'copy-lstm', 'lesson-lstm'];

/** Presets, and the encoder–decoder graphs (state ports, two Inputs) no preset has yet. */
const SEQ2SEQ = ['seq2seq-lstm-masked', 'seq2seq-gru-loop'];
const docOf = (name: string) => (SEQ2SEQ.includes(name) ? COVERAGE[name] : presetDoc(name));

describe.each([...PRESETS, ...SEQ2SEQ])('codegen golden: %s', (preset) => {
  const doc = docOf(preset);
  const ir = irOf(doc);
  const info = { title: doc.meta?.name ?? preset, training: doc.training, trained: false };

  it.each(TARGETS)('%s code matches the golden file', async (target) => {
    const files = exportFiles(ir, target, info);
    const main = target === 'tfjs' ? 'model.mjs' : 'model.py';
    await expect(files[main]).toMatchFileSnapshot(`golden/${preset}.${target}.${main.split('.')[1]}`);
    if (target !== 'tfjs' && TRAIN_GOLDEN.includes(preset)) await expect(files['train.py']).toMatchFileSnapshot(`golden/${preset}.${target}-train.py`);
  });

  it('every exported file compiles', () => {
    const dir = scratchDir(`golden-${preset}`);
    const py: string[] = [];
    for (const target of TARGETS)
      for (const [name, text] of Object.entries(exportFiles(ir, target, info))) {
        const path = join(dir, `${target}-${name}`);
        writeFileSync(path, text);
        if (name.endsWith('.py')) py.push(path);
        if (name.endsWith('.mjs')) execFileSync(process.execPath, ['--check', path]);
      }
    expect(py.length).toBe(11);
    execFileSync(PYTHON, ['-m', 'py_compile', ...py]);
  });
});
