/**
 * The export's README says whether the training data travels with it (issue 22): with `--data N` the folder holds
 * train_x.json / train_y.json and the README says so with the sample count and task; without, the folder has none and
 * the README gives the command that writes them. TF.js exports have no train script and no such section.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, fastInit, presetDoc, scratchDir, writeGraph } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

it.each(['pytorch', 'keras'])('%s: the README says which: the data it includes, or the command that makes it', async (format) => {
  const dir = scratchDir(`readme-data-${format}`);
  const graph = writeGraph(fastInit(presetDoc('lesson-lstm-spam')), join(dir, 'graph.json'));
  for (const n of [0, 6]) {
    const out = join(dir, `out-${n}`);
    const r = await cli(['export', graph, '--format', format, ...(n ? ['--data', String(n)] : []), '--out', out]);
    expect(r.code, r.err).toBe(0);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Training data'));
    expect(existsSync(join(out, 'train_x.json'))).toBe(n > 0);
    if (n) {
      expect(section).toContain(`This export includes it: \`train_x.json\` / \`train_y.json\` hold ${n} training samples of the task \`spam-subjects\``);
      expect(JSON.parse(readFileSync(join(out, 'train_x.json'), 'utf8')).shape[0]).toBe(n);
    } else {
      expect(section).toContain('This export includes none.');
      expect(section).toContain(`rnn-studio export graph.json --format ${format} --data N --out <this folder>`);
    }
    expect(readme).not.toContain('`x.json`/`y.json`');
  }
});

it('tfjs: no train script, no training-data section', async () => {
  const dir = scratchDir('readme-data-tfjs');
  const graph = writeGraph(fastInit(presetDoc('lesson-lstm-spam')), join(dir, 'graph.json'));
  const r = await cli(['export', graph, '--format', 'tfjs', '--out', join(dir, 'out')]);
  expect(r.code, r.err).toBe(0);
  expect(readFileSync(join(dir, 'out', 'README.md'), 'utf8')).not.toContain('## Training data');
});
