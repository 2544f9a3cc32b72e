/**
 * CLI outputs appear whole or not at all: a failed `import` leaves `graph.json` and `graph.weights/` byte-identical
 * (it used to have replaced graph.json already), and `writeOutputs` (import, train --out, export --out) leaves the
 * old output as it was when writing fails, keeps the other files of an output folder, and leaves no temporary
 * folder behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOutputs } from '../../src/cli/atomic.ts';
import { cli, PYTHON, ROOT, scratchDir } from '../export/helpers.ts';

const DIR = scratchDir('atomic-writes');
beforeAll(() => {
  execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras_files.py'), DIR]);
});

/** Every file under `dir` (names relative to it) with its bytes, in order: a whole folder to compare. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p, `${rel}${e}/`);
      else out[`${rel}${e}`] = readFileSync(p).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

function broken(src: string, name: string, code: string): string {
  const path = join(DIR, name);
  writeFileSync(path, readFileSync(join(DIR, src)));
  execFileSync(PYTHON, ['-c', `import h5py, numpy as np\npath = ${JSON.stringify(path)}\n${code}`]);
  return path;
}

describe('rnn-studio import', () => {
  it('an import that fails leaves graph.json and graph.weights/ byte-identical', async () => {
    const out = join(DIR, 'project');
    mkdirSync(out);
    const graph = join(out, 'graph.json');
    const first = await cli(['import', join(DIR, 'seq_embedding_lstm.keras'), '--out', graph]);
    expect(first.code, first.err).toBe(0);
    const before = snapshot(out);
    expect(Object.keys(before)).toEqual(['graph.json', 'graph.weights/model.json', 'graph.weights/weights.bin']);

    // Weights that do not fit the model: the old import wrote graph.json before finding out.
    const wrong = broken('seq_gru_reset_after.h5', 'wrong.h5', `f = h5py.File(path, "a")
found = []
f["model_weights"].visit(lambda n: found.append(n) if n.endswith("recurrent_kernel:0") else None)
del f["model_weights"][found[0]]
f["model_weights"][found[0]] = np.zeros((1, 1), "f4")`);
    // A model with problems, an unreadable file, and a file over --max-bytes.
    const notJson = join(DIR, 'notes.json');
    writeFileSync(notJson, '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Conv2D", "config": {"name": "c"}}]}}');
    for (const args of [[wrong], [notJson], [join(DIR, 'missing.keras')], [join(DIR, 'func_bigru_average.keras'), '--max-bytes', '2K']]) {
      const r = await cli(['import', ...args, '--out', graph]);
      expect(r.code, args.join(' ')).toBeGreaterThan(0);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(snapshot(out), args.join(' ')).toEqual(before);
    }
    // Nothing is left beside it.
    expect(readdirSync(out)).toEqual(['graph.json', 'graph.weights']);
  });

  it('a successful import replaces both; one without weights removes the old graph.weights/ (it belongs to the old graph)', async () => {
    const out = join(DIR, 'project2');
    mkdirSync(out);
    const graph = join(out, 'graph.json');
    expect((await cli(['import', join(DIR, 'seq_embedding_lstm.h5'), '--out', graph])).code).toBe(0);
    const old = snapshot(out);
    expect((await cli(['import', join(DIR, 'func_bigru_average.keras'), '--out', graph])).code).toBe(0);
    const now = snapshot(out);
    expect(Object.keys(now)).toEqual(Object.keys(old));
    for (const k of Object.keys(now)) expect(now[k], k).not.toBe(old[k]);
    const json = join(DIR, 'arch.json');
    writeFileSync(json, JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4, 2], dtype: 'float32' } }, { class_name: 'LSTM', config: { name: 'l', units: 3, activation: 'tanh', recurrent_activation: 'sigmoid' } }] } }));
    const r = await cli(['import', json, '--out', graph]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/no weights in the file/);
    expect(readdirSync(out)).toEqual(['graph.json']);
  });
});

describe('writeOutputs', () => {
  it('a write that fails half-way leaves the old outputs as they were and no temporary folder', async () => {
    const dir = join(DIR, 'w1');
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, 'out', 'model.json'), 'old model');
    writeFileSync(join(dir, 'graph.json'), 'old graph');
    const before = snapshot(dir);
    await expect(
      writeOutputs([join(dir, 'graph.json'), join(dir, 'out')], ([g, o]) => {
        writeFileSync(g, 'new graph');
        mkdirSync(o);
        writeFileSync(join(o, 'model.json'), 'new model');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['graph.json', 'out']);
  });

  it('merge keeps the files of the old folder that are not written again; without merge the folder is replaced whole', async () => {
    const dir = join(DIR, 'w2');
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, 'out', 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'out', 'weights.bin'), 'old');
    const write = ([o]: string[]) => {
      mkdirSync(o);
      writeFileSync(join(o, 'weights.bin'), 'new');
    };
    await writeOutputs([join(dir, 'out')], write, { merge: true });
    expect(snapshot(join(dir, 'out'))).toEqual({ 'notes.txt': Buffer.from('mine').toString('base64'), 'weights.bin': Buffer.from('new').toString('base64') });
    await writeOutputs([join(dir, 'out')], write);
    expect(readdirSync(join(dir, 'out'))).toEqual(['weights.bin']);
    expect(existsSync(join(dir, 'out', 'notes.txt'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('export --out into a new nested folder creates it', async () => {
    const out = join(DIR, 'deep', 'er', 'tfjs');
    const r = await cli(['export', join(ROOT, 'presets', 'adding-gru.json'), '--format', 'tfjs', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out)).toContain('weights.bin');
    expect(readdirSync(join(DIR, 'deep', 'er'))).toEqual(['tfjs']);
  });
});
