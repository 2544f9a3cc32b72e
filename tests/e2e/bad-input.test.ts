/**
 * Bad input in the browser, as a user meets it: a damaged or over-long share link, a hostile Keras / TF.js model
 * file and a broken CSV. Each time the app is mounted (the canvas shows the graph), the autosaved graph is intact
 * and a message says what happened; no error reaches the page. (The ≥ 10,000-link fuzzers run in Node:
 * tests/store/share-fuzz.test.ts, tests/codegen/import-fuzz.test.ts, tests/datasets/csv-fuzz.test.ts.)
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SHARE_MAX_CHARS } from '../../src/store/persistence.ts';
import {
  baseUrl, dropFileOnCanvas, nodeCount, openEditor, SEL, storedGraph, useBrowser, waitForCanvas,
} from './harness.ts';

const e2e = useBrowser();

/** A returning user: the BiLSTM lesson is in the autosave of a fresh browser context. Page errors are collected. */
async function returningUser(): Promise<{ page: Page; saved: string; errors: string[] }> {
  const page = await openEditor(e2e.browser, { preset: 'lesson-bilstm-2layer' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await expect.poll(async () => (await storedGraph(page))?.nodes.length).toBe(7);
  return { page, saved: JSON.stringify(await storedGraph(page)), errors };
}

describe('share links', () => {
  it.each([
    ['one that makes lz-string throw', 'z', /^This share link is damaged \(it could not be decompressed\)\. Ask for the link again\. Your autosaved graph is open\.$/],
    ['a cut one', 'N4IgLgpgTgzglgewHYgFwgGYEMA2BnAGhAAc', /^This share link (is damaged|holds no usable graph).* Your autosaved graph is open\.$/s],
    ['an over-long one', 'A'.repeat(SHARE_MAX_CHARS + 1), /^This share link is too long \(12001 characters.*\), so it was not opened\. Your autosaved graph is open\.$/],
  ])('%s: the app mounts with the autosaved graph and says what happened', async (_what, body, message) => {
    const { page: first, saved } = await returningUser();
    // A new tab of the same browser (a hash change alone would not reload the app).
    const page = await first.context().newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl()}/#g=${body}`);
    await waitForCanvas(page);
    await expect.poll(() => nodeCount(page)).toBe(7);
    await expect.poll(() => page.locator(`${SEL.status} > span`).innerText()).toMatch(message);
    expect(await page.locator(SEL.status).getAttribute('role')).toBe('alert');
    expect(JSON.stringify(await storedGraph(page))).toBe(saved);
    expect(new URL(page.url()).hash).toBe(''); // a reload shows the autosave, not the bad link again
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('model import', () => {
  const model = (inbound: string) => JSON.stringify({
    class_name: 'Functional', keras_version: '2.15.0',
    config: {
      name: 'hostile',
      layers: [
        { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 5, 2], dtype: 'float32' }, inbound_nodes: [] },
        { class_name: 'Dense', name: 'out', config: { name: 'out', units: 2, activation: 'softmax' }, inbound_nodes: [[[inbound, 0, 0, {}]]] },
      ],
    },
  });

  it.each(['constructor', '__proto__'])('a Keras model whose layer reads from "%s" is refused by name; the graph stays', async (name) => {
    const { page, saved, errors } = await returningUser();
    await dropFileOnCanvas(page, 'hostile.json', model(name));
    await expect.poll(() => page.locator(`${SEL.status} > span`).innerText()).toBe(
      `Could not import hostile.json: Layer out takes its input from ${name}, which comes later or does not exist. The graph on the canvas is unchanged.`,
    );
    expect(await nodeCount(page)).toBe(7);
    expect(JSON.stringify(await storedGraph(page))).toBe(saved);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a TF.js model.json whose weight names no layer is refused with a message (it once threw outside any try)', async () => {
    const { page, saved, errors } = await returningUser();
    const m = JSON.parse(model('in'));
    const json = JSON.stringify({ modelTopology: { model_config: m }, weightsManifest: [{ paths: ['./w.bin'], weights: [{ name: 'constructor/kernel', shape: [2, 2], dtype: 'float32' }] }] });
    await page.getByRole('tab', { name: 'Export' }).click();
    await page.getByTestId('import-model').setInputFiles([
      { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(json) },
      { name: 'w.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(16) },
    ]);
    await expect.poll(() => page.locator(`${SEL.status} > span`).innerText()).toBe('Could not import model.json: Weight constructor/kernel belongs to no layer of the model. The graph on the canvas is unchanged.');
    expect(JSON.stringify(await storedGraph(page))).toBe(saved);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('CSV', () => {
  it('a broken CSV gives a message in the Training tab; the graph stays', async () => {
    const { page, saved, errors } = await returningUser();
    await page.getByRole('tab', { name: 'Training' }).click();
    await page.getByTestId('task-select').selectOption('csv');
    await page.getByTestId('csv-file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('"') });
    await expect.poll(() => page.getByTestId('dataset-error').innerText()).toMatch(/^Row 1 has a quote that is not closed properly/);
    expect(await nodeCount(page)).toBe(7);
    const now = await storedGraph(page);
    // Choosing the CSV task is a training setting saved with the graph; the layers and connections are untouched.
    expect(JSON.stringify({ ...now, training: undefined })).toBe(JSON.stringify({ ...JSON.parse(saved), training: undefined }));
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
