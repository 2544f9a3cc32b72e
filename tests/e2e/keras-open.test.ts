/**
 * Keras files that need the user's word to open, opened from the page with real clicks: a Sequential `.h5` whose file
 * does not say its input shape asks for it (a field, the explanation, OK), and a `.h5` with a Lambda offers to open
 * the rest without it. Files: tests/fixtures/keras/make_keras_files.py, edited with h5py (edit-files.ts).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { PYTHON, ROOT, scratchDir } from '../export/helpers.ts';
import { ADD_LAMBDA, editH5, NO_INPUT_SHAPE } from '../fixtures/keras/edit-files.ts';
import { storedGraph, useBrowser } from './harness.ts';

const DIR = scratchDir('e2e-keras-open');
const e2e = useBrowser({ preset: 'lesson-lstm' });
beforeAll(() => {
  execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras_files.py'), DIR]);
});

const kinds = async () => (await storedGraph(e2e.page)).nodes.filter((n) => !(n as { parentId?: string }).parentId).map((n) => n.data.kind);

it('an .h5 without its input shape asks for it, and opens with its weights once it is given', async () => {
  const page = e2e.page;
  const before = await kinds();
  await page.getByTestId('open-file').setInputFiles(editH5(DIR, 'seq_bidirectional_pool.h5', 'no-shape.h5', NO_INPUT_SHAPE));
  const offer = page.getByRole('dialog', { name: 'Input shape of no-shape.h5' });
  await expect.poll(() => offer.count(), { timeout: 60_000 }).toBe(1);
  expect(await offer.textContent()).toContain("does not say the model's input shape");
  expect(await kinds()).toEqual(before);
  // A wrong shape is refused and asked again; the right one opens the model.
  await offer.getByLabel('Time steps, features').fill('6');
  await offer.getByRole('button', { name: 'OK' }).click();
  await expect.poll(() => offer.textContent(), { timeout: 60_000 }).toContain('must be two whole numbers');
  await offer.getByLabel('Time steps, features').fill('6, 2');
  await offer.getByRole('button', { name: 'OK' }).click();
  await expect.poll(kinds, { timeout: 60_000 }).toEqual(['Input', 'Bidirectional', 'Bidirectional', 'GlobalMaxPooling1D', 'Dense']);
  expect((await storedGraph(page)).nodes[0].data.params).toMatchObject({ length: 6, features: 2 });
  await expect.poll(() => page.locator('body').textContent()).toContain('Imported no-shape.h5 with its weights');
});

it('an .h5 with a Lambda names it and offers to open the rest without it', async () => {
  const page = e2e.page;
  await page.getByTestId('open-file').setInputFiles(editH5(DIR, 'seq_conv_lstm.h5', 'lambda.h5', ADD_LAMBDA));
  const offer = page.getByRole('dialog', { name: 'Open lambda.h5' });
  await expect.poll(() => offer.count(), { timeout: 60_000 }).toBe(1);
  expect(await offer.textContent()).toContain('Layer lambda is a Lambda, which RNN Studio cannot open');
  await offer.getByRole('button', { name: 'Open the rest without lambda' }).click();
  await expect.poll(kinds, { timeout: 60_000 }).toEqual(['Input', 'Conv1D', 'MaxPooling1D', 'LSTM', 'Dense']);
  await expect.poll(() => page.locator('body').textContent()).toContain('Removed lambda (Lambda): max_pooling1d now feeds lstm.');
});
