/**
 * A trained Keras file dropped on the canvas becomes the graph, and "Probe this graph" runs on its weights. The
 * `.keras` file is written by tests/fixtures/keras/make_keras_files.py (h5py + zipfile, Keras 3's layout): a GRU
 * with Keras's default reset_after=True and a Dense head on two features, so it fits the adding task. A 96 MB
 * `.keras` file shows the import's progress bar, and its Cancel leaves the canvas unchanged; a graph file over the
 * 5 MB limit is refused by its size.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { PYTHON, ROOT, scratchDir } from '../export/helpers.ts';
import { nodeCount, storedGraph, useBrowser } from './harness.ts';

let bytes: number[];

const e2e = useBrowser({ preset: 'lesson-lstm' });
beforeAll(async () => {
  const dir = scratchDir('e2e-keras-file');
  execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras_files.py'), dir]);
  bytes = [...readFileSync(join(dir, 'seq_gru_reset_after.keras'))];
});

it('a .keras file dropped on the canvas becomes the graph, and "try it" and "Probe this graph" use its weights', async () => {
  const canvas = await e2e.page.locator('[data-testid="canvas"]').elementHandle();
  const box = (await canvas!.boundingBox())!;
  const dt = await e2e.page.evaluateHandle((b) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(b)], 'gru_model.keras'));
    return d;
  }, bytes);
  const at = { clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 };
  await canvas!.dispatchEvent('dragover', { dataTransfer: dt, ...at });
  await canvas!.dispatchEvent('drop', { dataTransfer: dt, ...at });

  // The file's layers replace the lesson graph: Input, GRU (reset-after, as saved), Dense.
  await expect.poll(async () => (await storedGraph(e2e.page)).nodes.map((n) => n.data.kind), { timeout: 60_000 }).toEqual(['Input', 'GRU', 'Dense']);
  expect(await nodeCount(e2e.page)).toBe(3);
  expect((await storedGraph(e2e.page)).nodes[1].data.params).toMatchObject({ units: 4, resetAfter: true });
  await expect.poll(() => e2e.page.locator('body').textContent()).toContain('Imported gru_model.keras with its weights');

  // The probe needs data: the adding task fits two features in and one value out.
  await e2e.page.getByRole('tab', { name: /Training/ }).click();
  await e2e.page.locator('[data-testid="task-select"]').selectOption('adding');
  // Nothing trained here yet: "try it" runs the imported weights.
  await expect.poll(() => e2e.page.getByTestId('imported-weights').count(), { timeout: 60_000 }).toBe(1);
  await expect.poll(() => e2e.page.getByTestId('try-run').isEnabled(), { timeout: 60_000 }).toBe(true);
  await e2e.page.getByTestId('try-run').click();
  await expect.poll(() => e2e.page.getByTestId('try-result').textContent(), { timeout: 60_000 }).toMatch(/-?\d+\.\d{3}/);
  await e2e.page.getByRole('tab', { name: /Inside/ }).click();
  await e2e.page.getByRole('button', { name: 'Probe this graph' }).click();
  await expect.poll(() => e2e.page.getByRole('group', { name: 'What to show' }).textContent(), { timeout: 120_000 }).toContain('this graph (imported weights)');
  await expect.poll(() => e2e.page.locator('[data-testid^="gate-map-"]').count(), { timeout: 120_000 }).toBeGreaterThan(0);
});

it('a large .keras file shows its progress in the status line, and Cancel leaves the canvas as it was', async () => {
  // Embedding(6,000,000, 4): 96 MB of weights, long enough to press Cancel while it is read and checked.
  const dir = scratchDir('e2e-keras-cancel');
  execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras_files.py'), dir]);
  const path = join(dir, 'big.keras');
  execFileSync(PYTHON, ['-c', `import h5py, io, json, zipfile, numpy as np
z = zipfile.ZipFile(${JSON.stringify(join(dir, 'seq_embedding_lstm.keras'))})
files = {n: z.read(n) for n in z.namelist()}
c = json.loads(files["config.json"])
c["config"]["layers"][1]["config"]["input_dim"] = 6000000
files["config.json"] = json.dumps(c).encode()
b = io.BytesIO(files["model.weights.h5"])
with h5py.File(b, "a") as f:
    del f["layers/embedding/vars/0"]
    f["layers/embedding/vars"]["0"] = np.random.default_rng(1).uniform(-1, 1, (6000000, 4)).astype("f4")
files["model.weights.h5"] = b.getvalue()
with zipfile.ZipFile(${JSON.stringify(path)}, "w") as out:
    [out.writestr(n, v) for n, v in files.items()]`]);
  const page = e2e.page;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const before = JSON.stringify(await storedGraph(page));
  await page.getByTestId('open-file').setInputFiles(path);
  const progress = page.getByTestId('import-progress');
  await expect.poll(() => progress.count(), { timeout: 30_000 }).toBe(1);
  expect(await progress.innerText()).toMatch(/^Importing big\.keras: /);
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(() => page.locator('[data-testid="status"] > span').innerText()).toBe('Import of big.keras cancelled. The graph on the canvas is unchanged.');
  expect(JSON.stringify(await storedGraph(page))).toBe(before);
  expect(errors).toEqual([]);
});

it('a graph file over 5 MB is refused by its size before it is read', async () => {
  const page = e2e.page;
  const before = JSON.stringify(await storedGraph(page));
  await page.getByTestId('open-file').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: Buffer.alloc(6_000_000, 32) });
  await expect.poll(() => page.locator('[data-testid="status"] > span').innerText()).toBe('Could not open big.json: The file is too large (6000000 bytes; the limit is 5000000).');
  expect(JSON.stringify(await storedGraph(page))).toBe(before);
});
