/**
 * A model with two outputs in the browser, as a user meets it: a GRU read by two heads opens with no problem, the
 * inspector offers a loss weight on a head (and not on the GRU), the Summary lists each output's loss and weight, and
 * training on the two-target task draws the total loss and one curve per output, each named.
 */
import { expect, it } from 'vitest';
import { SEL, trainingStep, useBrowser } from './harness.ts';

const e2e = useBrowser({ fixture: 'two-heads', query: { backend: 'wasm' } });

it('sets a head\'s loss weight, sees both outputs in the Summary, trains a few steps and sees a curve per output', async () => {
  const page = e2e.page;
  await expect.poll(() => page.locator('.node-badge').count()).toBe(0);
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
