/**
 * A model with two outputs in the browser, as a user meets it: a GRU read by two heads opens with no problem, each
 * head labelled with its place among the outputs, the inspector offers a loss weight on a head (and not on the GRU), the Summary lists each output's loss and weight, and
 * training on the two-target task draws the total loss and one curve per output, each named. The Inside tab records
 * that run and probes the model, and its connectivity panel shows the output picked in its Output select. On a CSV
 * with two target columns, each output is given its column in the Training tab and the run draws a curve per column.
 */
import { expect, it } from 'vitest';
import { SEL, trainingStep, useBrowser } from './harness.ts';

const e2e = useBrowser({ fixture: 'two-heads', query: { backend: 'wasm' } });

it('sets a head\'s loss weight, sees both outputs in the Summary, trains a few steps and sees a curve per output', async () => {
  const page = e2e.page;
  await expect.poll(() => page.locator('.node-badge').count()).toBe(0);
  // Each head is labelled with its place among the outputs (predict's and the exports' order).
  expect(await page.locator(`${SEL.node('head1')} [data-testid="node-output"]`).textContent()).toBe('output 1');
  expect(await page.locator(`${SEL.node('head2')} [data-testid="node-output"]`).textContent()).toBe('output 2');
  expect(await page.locator(`${SEL.node('gru')} [data-testid="node-output"]`).count()).toBe(0);
  await page.locator(`${SEL.node('gru')} .node-head`).click();
  await expect.poll(() => page.locator(SEL.inspector).locator('h2').innerText()).toBe('GRU');
  expect(await page.getByRole('textbox', { name: 'Loss weight', exact: true }).count()).toBe(0);
  await page.locator(`${SEL.node('head2')} .node-head`).click();
  const weight = page.getByRole('textbox', { name: 'Loss weight', exact: true });
  await expect.poll(() => weight.inputValue()).toBe('1');
  await weight.fill('2');
  await weight.press('Enter');

  await page.getByRole('tab', { name: /Summary/ }).click();
  await expect.poll(() => page.locator('.summary-table').innerText()).toMatch(/dense: mean squared error, loss weight 0\.5\n dense_1: cross-entropy, loss weight 2/);

  await page.getByRole('tab', { name: 'Training' }).click();
  await expect.poll(() => page.getByTestId('task-select').inputValue()).toBe('adding-heads');
  await page.getByTestId('train').click();
  await expect.poll(() => trainingStep(page), { timeout: 120_000, interval: 200 }).toBeGreaterThan(5);
  await page.getByTestId('stop').click();
  await expect.poll(() => page.getByTestId('train-status').textContent(), { timeout: 30_000 }).toBe('stopped');

  const chart = (id: string) => page.getByTestId(id);
  const caption = (id: string) => chart(id).locator('figcaption').textContent();
  await expect.poll(() => caption('loss-chart')).toMatch(/^total loss \(Σ weight · loss\) — train/);
  await expect.poll(() => caption('output-chart-0')).toMatch(/^dense → sum: mean squared error, weight 0\.5 — train/);
  await expect.poll(() => caption('output-chart-1')).toMatch(/^dense_1 → above 1: cross-entropy, weight 2 — train/);
  // The total's baseline weighs each target's as the outputs are weighted: 0.5 · 1/6 + 2 · ln 2.
  await expect.poll(() => chart('loss-chart-baseline-label').textContent()).toMatch(new RegExp(`^baseline ${Number((0.5 / 6 + 2 * Math.LN2).toPrecision(4))}`));
  const steps = await trainingStep(page);
  for (const id of ['loss-chart', 'output-chart-0', 'output-chart-1']) {
    expect(Number(await chart(id).locator('path[data-series="train"]').getAttribute('data-points'))).toBe(steps);
    await expect(chart(id).locator('path[data-series="train"]').getAttribute('d')).resolves.toMatch(/^M.*L/);
  }
  // "Try it" answers for both targets.
  await page.getByTestId('try-run').click();
  await expect.poll(() => page.getByTestId('try-result').textContent(), { timeout: 30_000 }).toMatch(/sum: -?\d+\.\d{3} · above 1: (≤ 1|> 1) \(\d+\.\d %\)/);
});

it('the Inside tab probes the two-output model and shows the connectivity of the output picked in the panel', async () => {
  const page = e2e.page;
  await page.getByRole('tab', { name: 'Inside' }).click();
  // The Training tab's run above was recorded (step 0 at least): the probes read both outputs' loss.
  const runs = page.getByRole('group', { name: 'What to show' });
  await expect.poll(() => runs.textContent()).toMatch(/Training tab run/);
  await page.getByRole('button', { name: 'Probe this graph' }).click();
  const alerts = page.locator('.inside-controls [role="alert"]');
  await expect.poll(async () => `${await runs.textContent()} ${(await alerts.allTextContents()).join()}`, { timeout: 120_000, interval: 500 }).toMatch(/this graph \(trained weights\)/);
  expect(await alerts.allTextContents()).toEqual([]);
  const panel = page.getByTestId('panel-connectivity');
  const output = panel.getByLabel('Output', { exact: true });
  expect(await output.locator('option').allTextContents()).toEqual(['1: dense', '2: dense_1']);
  const model = panel.getByTestId('conn-model');
  const weights = () => model.locator('[data-testid="conn-input-strip"] .conn-cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-weight')));
  const show = async () => {
    await panel.getByRole('button', { name: 'Show connectivity' }).click();
    await expect.poll(() => panel.getByRole('button', { name: 'Show connectivity' }).count(), { timeout: 60_000, interval: 300 }).toBe(1);
    expect(await panel.getByRole('alert').allTextContents()).toEqual([]);
  };
  await show();
  await expect.poll(() => model.locator('h4').textContent()).toMatch(/output 1 \(dense\)$/);
  const first = await weights();
  await output.selectOption('1');
  await show();
  await expect.poll(() => model.locator('h4').textContent()).toMatch(/output 2 \(dense_1\)$/);
  const second = await weights();
  expect(second.length).toBe(first.length);
  expect(second.length).toBeGreaterThan(1);
  expect(second).not.toEqual(first);
}, 300_000);

it('a CSV with two target columns: each output is given its column, an unpicked one is one line, then it trains with a curve per column', async () => {
  const page = e2e.page;
  await page.getByRole('tab', { name: 'Training' }).click();
  await page.getByTestId('task-select').selectOption('csv');
  // The Input reads one feature per step: the values a..d of a row are its 4 steps; total and level are the targets.
  await page.locator(SEL.node('in')).locator('.node-head').click();
  const features = page.getByRole('textbox', { name: 'Features', exact: true });
  await features.fill('1');
  await features.press('Enter');
  await page.getByRole('tab', { name: 'Training' }).click();
  const rows = Array.from({ length: 60 }, (_, i) => {
    const x = [0, 1, 2, 3].map((k) => ((i * 7 + k * 13) % 10) / 10);
    const s = +x.reduce((a, b) => a + b).toFixed(1);
    return `${x.join(',')},${s},${s > 2 ? 'high' : 'low'}`;
  });
  await page.getByTestId('csv-file').setInputFiles({ name: 'two.csv', mimeType: 'text/csv', buffer: Buffer.from(`a,b,c,d,total,level\n${rows.join('\n')}\n`) });
  const targets = page.getByTestId('csv-targets');
  await expect.poll(() => targets.locator('select').count()).toBe(2);
  await expect.poll(() => page.getByTestId('dataset-error').textContent()).toBe("Output 1 has no target column: pick one column of the CSV for each of the model's 2 outputs.");
  expect(await page.getByLabel('Target column of output 1').locator('option').allTextContents()).toEqual(['—', 'a', 'b', 'c', 'd', 'total', 'level']);
  await page.getByLabel('Target column of output 1').selectOption('total');
  await expect.poll(() => page.getByTestId('dataset-error').textContent()).toMatch(/^Output 2 has no target column/);
  await page.getByLabel('Target column of output 2').selectOption('level');
  await expect.poll(() => page.getByTestId('dataset-preview').locator('p').first().textContent()).toBe('Your CSV: 60 sequences of 4 numbers; total (a real-valued target), level (2 classes).');

  // 54 training rows at batch 32: one epoch is one full batch.
  await page.getByTestId('train').click();
  await expect.poll(() => page.getByTestId('train-status').textContent(), { timeout: 120_000, interval: 300 }).toBe('done');
  expect(await trainingStep(page)).toBe(1);
  await expect.poll(() => page.getByTestId('output-chart-0').locator('figcaption').textContent()).toMatch(/^dense → total: mean squared error, weight 0\.5/);
  await expect.poll(() => page.getByTestId('output-chart-1').locator('figcaption').textContent()).toMatch(/^dense_1 → level: cross-entropy, weight 2/);
}, 300_000);
