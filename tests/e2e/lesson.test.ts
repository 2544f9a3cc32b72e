/**
 * The guided lesson in a real browser, as a new user meets it: it opens by itself on a first visit, Escape closes
 * it and the toolbar's Lesson button brings it back; then every step is done by pressing "Do it" and "Next", and
 * each "What you should see" verdict is checked, together with what the step put on screen (the unrolled strip,
 * the Training tab's result, three gradient curves, the gate heatmaps, the race, the shapes on the edges, the
 * exported code). Progress survives a reload. A user's own graph is kept aside, never lost.
 */
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { openEditor, storedGraph, useBrowser, waitForCanvas } from './harness.ts';

const e2e = useBrowser();

const lesson = (page: Page) => page.getByTestId('lesson');
const verdictOf = (page: Page): Locator => page.getByTestId('lesson-verdict');

/** Presses "Do it" on the current step and waits for its verdict; returns its text. */
async function doStep(page: Page, id: string, timeout: number): Promise<string> {
  await expect.poll(() => lesson(page).getAttribute('data-step')).toBe(id);
  await page.getByTestId('lesson-do').click();
  await expect.poll(() => verdictOf(page).getAttribute('data-ok'), { timeout, interval: 500 }).toMatch(/^(true|false)$/);
  const text = (await verdictOf(page).textContent()) ?? '';
  console.log(`lesson step ${id}: ${text}`);
  return text;
}

it('opens on a first visit, closes on Escape, and is done end to end with Do it and Next; every verdict is a ✓', async () => {
  const page = await openEditor(e2e.browser, { firstVisitLesson: true, query: { backend: 'wasm' } });
  await expect.poll(() => lesson(page).isVisible()).toBe(true);
  await page.keyboard.press('Escape');
  await expect.poll(() => lesson(page).count()).toBe(0);
  await page.getByRole('button', { name: 'Lesson', exact: true }).click();
  await expect.poll(() => lesson(page).isVisible()).toBe(true);
  await expect.poll(() => page.getByTestId('lesson-expect').textContent()).toContain('What you should see');

  // 1. The recurrent cell, unrolled: a strip of steps with padding (mask 0) in view; ✓ says h_t was carried over there.
  let text = await doStep(page, 'cell', 120_000);
  expect(text).toMatch(/^✓ each of the \d+ real tokens of example \d+ changed ht .* at the \d+ padded steps? \(mask 0\) ht was carried over exactly\.$/); // h_t is drawn with a subscript
  const steps = page.locator('[data-testid="unroll-strip"] [data-testid="unroll-step"]');
  expect(await steps.count()).toBeGreaterThanOrEqual(2);
  const masks = await steps.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-mask')));
  expect(masks).toContain('0');
  // Colour bars for x_t and h_t; h_t's is the fixed tanh range.
  const bars = page.locator('[data-testid="unroll-strip"] [data-testid="colour-bar"]');
  expect(await bars.count()).toBe(2);
  expect(await bars.nth(1).locator('.colour-tick').allTextContents()).toEqual(['-1', '1']);
  expect(text).toContain(`at the ${masks.filter((m) => m === '0').length} padded step`);
  expect(await page.locator('.react-flow__node.selected').getAttribute('data-id')).toBeTruthy();
  await page.getByTestId('lesson-next').click();

  // 2. Train the classifier on text, then "try it"; the verdict's numbers are the Training tab's.
  text = await doStep(page, 'train', 300_000);
  expect(text).toMatch(/^✓ [\d.]+ % validation accuracy after \d+ steps on .*, against [\d.]+ % for always guessing the most frequent class\. "Try it" read/);
  const finalEval = (await page.getByTestId('final-eval').textContent())!;
  expect(finalEval).toContain(text.match(/^✓ ([\d.]+ %)/)![1]);
  await expect.poll(() => page.getByTestId('try-result').isVisible()).toBe(true);
  await page.getByTestId('lesson-next').click();

  // 3. The gradient through time: three probes, three curves on the log-scale chart.
  text = await doStep(page, 'gradient', 180_000);
  expect(text).toMatch(/^✓ g₁\/gT = .* at T = 10, .* at T = 50 and .* at T = 100: the longer the sequence/);
  await expect.poll(async () => (await page.locator('[data-testid="gradient-chart"] path.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-series')))).sort())
    .toEqual(['T=10', 'T=100', 'T=50']);
  await page.getByTestId('lesson-next').click();

  // 4. The LSTM's gates, with the weights trained in step 2.
  text = await doStep(page, 'gates', 180_000);
  expect(text).toMatch(/^✓ with the trained weights, the forget gate f ranges from .* so c adds up past the ±1/);
  await expect.poll(() => page.locator('[data-testid^="gate-map-"]').count(), { timeout: 60_000 }).toBe(6);
  await expect.poll(() => page.getByRole('group', { name: 'What to show' }).textContent()).toContain('this graph (trained weights)');
  await page.getByTestId('lesson-next').click();

  // 5. The race, through the race's own store action; three finished runs.
  text = await doStep(page, 'race', 300_000);
  expect(text).toMatch(/^✓ after \d+ steps at T = \d+ \(baseline [\d.]+\) the SimpleRNN [\d.]+ \([\d.]+ × baseline\) stayed at the baseline, while the LSTM .* and the GRU .* learned, carrying more of the gradient back/);
  const group = (await page.getByRole('group', { name: 'What to show' }).textContent())!;
  expect(group.match(/\(done, step \d+\)/g)).toHaveLength(3);
  await page.getByTestId('lesson-next').click();

  // 6. Bidirectional and stacked: the shapes named in the verdict are on the canvas's edges.
  text = await doStep(page, 'shapes', 60_000);
  expect(text).toMatch(/^✓ \w+ outputs \[batch, T, 128\] = 64 forward \+ 64 backward.*outputs \[batch, 128\]/);
  const labels = await page.locator('[data-testid^="edge-label-"]').allTextContents();
  expect(labels.some((l) => l.startsWith('[batch, T, 128]'))).toBe(true);
  expect(labels.some((l) => l.startsWith('[batch, 128]'))).toBe(true);
  await page.getByTestId('lesson-next').click();

  // 7. Export: the Export tab shows the PyTorch code whose modules the verdict counted.
  text = await doStep(page, 'export', 60_000);
  expect(text).toMatch(/^✓ model\.py \(PyTorch\) builds 4 recurrent modules, one per direction/);
  const code = (await page.getByTestId('export-code').textContent())!;
  expect(code.match(/nn\.LSTM\(|LoopRNN\(/g)).toHaveLength(4);

  // Every step dot shows ✓; the progress survives a reload.
  const dots = page.getByRole('list', { name: 'Lesson steps' }).getByRole('button');
  expect(await dots.allTextContents()).toEqual(['✓', '✓', '✓', '✓', '✓', '✓', '✓']);
  await page.reload();
  await waitForCanvas(page);
  expect(await lesson(page).count()).toBe(0); // not a first visit any more
  await page.getByRole('button', { name: 'Lesson', exact: true }).click();
  await expect.poll(() => lesson(page).getAttribute('data-step')).toBe('export');
  expect(await dots.allTextContents()).toEqual(['✓', '✓', '✓', '✓', '✓', '✓', '✓']);
  await page.getByRole('button', { name: 'Close the lesson' }).click();
  await expect.poll(() => lesson(page).count()).toBe(0);
  await page.context().close();
}, 1_200_000);

it("asks before replacing the user's own graph, keeps it aside and brings it back", async () => {
  const page = await openEditor(e2e.browser, { preset: 'lesson-gru' });
  // Make the graph the user's own: change the GRU's units in the inspector.
  await page.locator('.react-flow__node[data-id="n3"] .node-head').click();
  const units = page.getByRole('textbox', { name: 'Units', exact: true });
  await units.fill('12');
  await units.press('Enter');
  await expect.poll(async () => (await storedGraph(page)).nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(12);

  await page.getByRole('button', { name: 'Lesson', exact: true }).click();
  await page.getByTestId('lesson-do').click();
  await expect.poll(() => page.getByTestId('lesson-confirm').isVisible()).toBe(true);
  expect((await storedGraph(page)).nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(12);
  await page.getByRole('button', { name: 'Keep it aside and go on' }).click();
  await expect.poll(() => verdictOf(page).getAttribute('data-ok'), { timeout: 120_000, interval: 500 }).toMatch(/^(true|false)$/);
  expect((await storedGraph(page)).nodes.some((n) => n.data.kind === 'SimpleRNN')).toBe(true);

  await page.getByTestId('lesson-bring-back').click();
  await expect.poll(async () => (await storedGraph(page)).nodes.find((n) => n.id === 'n3')?.data.params.units).toBe(12);
  expect((await storedGraph(page)).nodes.find((n) => n.id === 'n3')!.data.kind).toBe('GRU');
  await page.context().close();
}, 300_000);
