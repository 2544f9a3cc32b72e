/**
 * Conv1D → LSTM(return sequences) → TimeDistributed(Dense) built by hand in Chromium, as a person builds it: layers
 * dragged from the palette (the Dense dropped into the TimeDistributed box), ports connected by dragging handles,
 * params set in the inspector; then trained a few steps on copy memory (a label per step) and exported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { scratchDir } from '../export/helpers.ts';
import { centre, dragConnect, dragFromPalette, nodeIdOfKind, openEditor, SEL, storedGraph, trainingStep, useBrowser } from './harness.ts';

const e2e = useBrowser();

/** Selects a node by its header and sets params in the inspector. */
async function edit(page: Page, id: string, set: (inspector: ReturnType<Page['locator']>) => Promise<void>) {
  await page.locator(`${SEL.node(id)} .node-head`).first().click();
  await set(page.locator(SEL.inspector));
}
async function setNumber(inspector: ReturnType<Page['locator']>, name: string, value: string) {
  const box = inspector.getByRole('textbox', { name, exact: true });
  await box.fill(value);
  await box.press('Enter');
}

it('builds Conv1D → LSTM → TimeDistributed(Dense) by hand with ports, trains it on copy memory, and exports it', async () => {
  const page = await openEditor(e2e.browser, { fixture: 'ports/copy-input', query: { backend: 'wasm' } });
  await page.getByRole('button', { name: 'Dismiss message' }).click();
  const input = await nodeIdOfKind(page, 'Input');
  const at = await centre(page.locator(SEL.node(input)));
  const place = async (kind: string, dx: number, dy: number) => {
    await dragFromPalette(page, kind, { x: at.x + dx, y: at.y + dy });
    await expect.poll(() => page.locator(SEL.nodeOfKind(kind)).count()).toBe(1);
    return nodeIdOfKind(page, kind);
  };
  const conv = await place('Conv1D', 0, 150);
  const lstm = await place('LSTM', -290, 150);
  const td = await place('TimeDistributed', -290, -200);
  // The Dense dropped on the empty TimeDistributed's box goes inside it.
  const drop = await centre(page.locator(`${SEL.node(td)} .bidi-drop`));
  await dragFromPalette(page, 'Dense', drop);
  await expect.poll(async () => (await storedGraph(page)).nodes.find((n) => n.data.kind === 'Dense')).toMatchObject({ parentId: td });
  const dense = await nodeIdOfKind(page, 'Dense');

  // Same padding keeps every step (copy memory labels each one); the LSTM returns every step; 10 classes.
  await edit(page, conv, async (i) => {
    await i.getByRole('combobox', { name: 'Padding' }).selectOption('same');
    await setNumber(i, 'Filters', '8');
  });
  await edit(page, lstm, async (i) => {
    await i.getByRole('switch', { name: 'Return sequences' }).check();
    await setNumber(i, 'Units', '16');
  });
  await edit(page, dense, async (i) => setNumber(i, 'Units', '10'));

  await dragConnect(page, input, conv);
  await dragConnect(page, conv, lstm);
  await dragConnect(page, lstm, td);
  await expect.poll(async () => (await storedGraph(page)).edges.length).toBe(3);

  await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(/the model compiles/);
  // Conv1D(8, 3) on 10 features: 3·10·8 + 8 = 248; LSTM(16) on 8: 4·(16·(8+16)+16) = 1,600; Dense(10) on 16: 170.
  await expect.poll(async () => Number((await page.locator(SEL.totalParams).innerText()).replace(/\D/g, ''))).toBe(248 + 1_600 + 170);
  expect(await page.locator(`${SEL.node(td)} .bidi-foot .node-shape`).innerText()).toBe('[batch, T, 10]');
  expect(await page.locator(`${SEL.node(dense)} .node-shape`).innerText()).toBe('at every step');

  await page.getByRole('tab', { name: 'Training' }).click();
  await page.getByTestId('train').click();
  await expect.poll(() => trainingStep(page), { timeout: 120_000, interval: 200 }).toBeGreaterThan(3);
  await page.getByTestId('stop').click();
  await expect.poll(() => page.getByTestId('train-status').textContent(), { timeout: 30_000 }).toBe('stopped');

  await page.getByRole('tab', { name: 'Export' }).click();
  const code = page.getByTestId('export-code');
  for (const [target, text] of [['TF.js', 'tf.layers.timeDistributed({'], ['Keras', 'layers.TimeDistributed('], ['PyTorch', '.reshape(-1, *']]) {
    await page.getByRole('radio', { name: target }).check();
    await expect.poll(() => code.innerText()).toContain(text);
  }
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Download zip' }).click();
  const zipPath = join(scratchDir('e2e-time-distributed'), 'export.zip');
  await (await download).saveAs(zipPath);
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  const weights = await zip.file('rnn-studio-pytorch/weights.bin')!.async('uint8array');
  expect(weights.length).toBe(4 * (248 + 1_600 + 170));
  expect(await zip.file('rnn-studio-pytorch/model.py')!.async('string')).toMatch(/time_distributed = .*\.reshape\(.*\.shape\[0\], .*\.shape\[1\], \*time_distributed\.shape\[1:\]\)/);
  await page.context().close();
}, 300_000);
