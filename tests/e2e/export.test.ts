/**
 * Export and import in the browser: the BiLSTM preset exported to PyTorch from the Export tab downloads a zip with
 * the code, the weights and the scripts, and its predict.py reproduces `rnn-studio predict` on those weights; a
 * model.json saved by stock TF.js, dropped on the canvas, appears as layers (and imports its weights by the picker).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, maxAbsDiff, PYTHON, SCRATCH } from '../export/helpers.ts';
import { nodeCount, openEditor, SEL, storedGraph, useBrowser } from './harness.ts';

const e2e = useBrowser();
beforeAll(async () => {
  await initTfNode('cpu');
});

const dir = (name: string) => {
  const d = join(SCRATCH, `e2e-${name}`);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
};

describe('export dialog', () => {
  it('exports the BiLSTM preset to PyTorch as a zip whose predict.py matches rnn-studio predict', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-bilstm-2layer' });
    await page.getByRole('tab', { name: 'Export' }).click();
    const code = page.getByTestId('export-code');
    for (const [target, text] of [['TF.js', 'tf.layers.bidirectional({'], ['Keras', 'layers.Bidirectional(']]) {
      await page.getByRole('radio', { name: target }).check();
      await expect.poll(() => code.innerText()).toContain(text);
    }
    await page.getByRole('radio', { name: 'PyTorch' }).check();
    await expect.poll(() => code.innerText()).toContain('class Model(nn.Module)');
    expect(await code.locator('.tok-keyword').count()).toBeGreaterThan(5);
    await page.screenshot({ path: join(dir('screens'), 'export-tab.png') });
    await page.getByRole('button', { name: 'rnn_layers.py' }).click();
    await expect.poll(() => code.innerText()).toContain('class LoopRNN(nn.Module)');
    // A text task: the preview shows the vocabulary the download writes, and the predict script's --text option.
    await page.getByRole('button', { name: 'vocab.json' }).click();
    await expect.poll(() => code.innerText()).toContain('"tokenizer"');
    await page.getByRole('button', { name: 'predict.py' }).click();
    await expect.poll(() => code.innerText()).toContain('--text');

    const download = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByRole('button', { name: 'Download zip' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('Lesson-two-layer-bidirectional-LSTM-pytorch.zip'); // the graph's name, made safe
    const out = dir('bilstm');
    const zipPath = join(out, 'export.zip');
    await file.saveAs(zipPath);
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const names = Object.keys(zip.files).filter((n) => !n.endsWith('/')).map((n) => n.replace(/^rnn-studio-pytorch\//, '')).sort();
    expect(names).toEqual(['README.md', 'model.json', 'model.py', 'predict.py', 'rnn_layers.py', 'tensor_json.py', 'tfjs_weights.py', 'train.py', 'vocab.json', 'weights.bin']);
    for (const n of names) writeFileSync(join(out, n), await zip.file(`rnn-studio-pytorch/${n}`)!.async('uint8array'));
    // Emb 20000·128 + 2 × Bi-LSTM(64) + Dense(128→4), float32
    expect(readFileSync(join(out, 'weights.bin')).length).toBe(4 * (2_560_000 + 2 * 4 * (64 * (128 + 64) + 64) * 2 + 516));
    await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(/Exported PyTorch with seeded initial weights/);

    const x = join(out, 'x.json');
    writeFileSync(x, JSON.stringify({ dtype: 'int32', shape: [2, 5], data: [0, 0, 4, 9, 2, 7, 3, 1, 0, 0] }));
    const ours = await cli(['predict', join(import.meta.dirname, '../../presets/lesson-bilstm-2layer.json'), '--weights', out, '--input', x, '--json']);
    expect(ours.code, ours.err).toBe(0);
    const py = JSON.parse(execFileSync(PYTHON, [join(out, 'predict.py'), '--input', x], { encoding: 'utf8' }));
    expect(maxAbsDiff(JSON.parse(ours.out), py)).toBeLessThanOrEqual(1e-5);
    await page.context().close();
  }, 120_000); // two builds with four 64×256 orthogonal initializers (browser worker and CLI) on a shared 2-core machine
});

describe('import', () => {
  /** A stock TF.js model saved as model.json + weight file (what `model.save` writes). */
  async function stockModel(): Promise<{ json: string; bin: Buffer }> {
    const m = tf.sequential({ name: 'stock' });
    m.add(tf.layers.embedding({ inputDim: 50, outputDim: 8, maskZero: true, inputShape: [12] }));
    m.add(tf.layers.lstm({ units: 6, name: 'my_lstm' }));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    let files: { json: string; bin: Buffer } | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => {
      files = {
        json: JSON.stringify({ modelTopology: a.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['./stock.weights.bin'], weights: a.weightSpecs }] }),
        bin: Buffer.from(a.weightData as ArrayBuffer),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    m.dispose();
    return files!;
  }

  it('a TF.js model.json dropped on the canvas appears as layers; the picker brings its weights too', async () => {
    const { json, bin } = await stockModel();
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const canvas = await page.locator('[data-testid="canvas"]').elementHandle();
    const dt = await page.evaluateHandle((text) => {
      const d = new DataTransfer();
      d.items.add(new File([text], 'model.json', { type: 'application/json' }));
      return d;
    }, json);
    await canvas!.dispatchEvent('dragover', { dataTransfer: dt });
    await canvas!.dispatchEvent('drop', { dataTransfer: dt });
    await expect.poll(async () => (await storedGraph(page)).nodes.map((n) => n.data.kind).join(',')).toBe('Input,Embedding,LSTM,Dense');
    await expect.poll(() => nodeCount(page)).toBe(4);
    await expect.poll(() => page.locator(SEL.nodeOfKind('LSTM')).count()).toBe(1);
    const lstm = (await storedGraph(page)).nodes.find((n) => n.data.kind === 'LSTM')!;
    // tfjs defaults come from the file, not ours: hard-sigmoid gates, forget bias off.
    expect(lstm.data.params).toMatchObject({ units: 6, recurrentActivation: 'hardSigmoid', unitForgetBias: false });
    await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(/without weights/);

    await page.getByRole('tab', { name: 'Export' }).click();
    await page.getByTestId('import-model').setInputFiles([
      { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(json) },
      { name: 'stock.weights.bin', mimeType: 'application/octet-stream', buffer: bin },
    ]);
    await expect.poll(() => page.locator(SEL.status).innerText(), { timeout: 30_000 }).toMatch(/with its weights/);

    // The export now carries the imported weights, byte for byte (same layers, same order).
    await page.getByRole('radio', { name: 'TF.js' }).check();
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Download zip' }).click();
    const zipPath = join(dir('import'), 'tfjs.zip');
    await (await download).saveAs(zipPath);
    await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(/Exported TF\.js with imported weights/);
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    expect(Buffer.from(await zip.file('rnn-studio-tfjs/weights.bin')!.async('uint8array')).equals(bin)).toBe(true);
    await page.context().close();
  });
});
