/**
 * P6 connectivity in a real browser, as a user does it: the copy-memory preset, a short race, then "Show
 * connectivity" with the GRU beside the LSTM. Hovering an output step shades the input strip by that step's row (and
 * nothing after it: the LSTM reads forwards), the two-model view shows both models, the attribution bars and the
 * heatmap render, and a preset can be the second model. With UPDATE_SCREENSHOT=1 it rewrites docs/connectivity.png.
 * Then the panel on every preset, without a page error.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { probeBlocker } from '../../src/runtime/probes/walk.ts';
import { loadPresets } from '../fixtures/graphs.ts';
import { lookAtCharts, openEditor, useBrowser } from './harness.ts';

const e2e = useBrowser({ preset: 'copy-lstm', viewport: { width: 1700, height: 2600 } });

const weights = (model: number) =>
  e2e.page.locator('[data-testid="conn-model"]').nth(model).locator('[data-testid="conn-input-strip"] .conn-cell')
    .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-weight'))));

it('hovering an output step shades the input strip; the two-model view shows both models', async () => {
  await e2e.page.getByRole('tab', { name: 'Inside' }).click();
  await e2e.page.getByLabel('Sequence length T').fill('10');
  await e2e.page.getByLabel('Race steps').fill('3');
  await e2e.page.getByRole('button', { name: 'Run the race' }).click();
  // The race ends when every model has its probe (its gate maps draw).
  await expect.poll(() => e2e.page.getByRole('group', { name: 'What to show' }).textContent(), { timeout: 240_000, interval: 1000 }).toMatch(/GRU \(done/);

  await e2e.page.getByLabel('Compare with').selectOption('run:GRU');
  await e2e.page.getByRole('button', { name: 'Show connectivity' }).click();
  const models = e2e.page.locator('[data-testid="conn-model"]');
  const panel = e2e.page.locator('[data-testid="panel-connectivity"]');
  await expect.poll(async () => (await models.count()) + (await panel.getByRole('alert').count()), { timeout: 120_000, interval: 500 }).toBeGreaterThan(0);
  expect(await panel.getByRole('alert').count(), (await panel.getByRole('alert').allTextContents()).join()).toBe(0);
  await expect.poll(() => models.count(), { timeout: 120_000, interval: 500 }).toBe(2);
  expect(await models.nth(0).locator('h4').textContent()).toContain('LSTM');
  expect(await models.nth(1).locator('h4').textContent()).toContain('GRU');

  // Copy at T = 10: 30 steps in, 30 outputs; each model draws its own strip, bars and matrix.
  for (const m of [0, 1]) {
    expect(await models.nth(m).locator('[data-testid="conn-output"]').count()).toBe(30);
    expect(await models.nth(m).locator('[data-testid="conn-input-strip"] .conn-cell').count()).toBe(30);
    expect(await models.nth(m).locator('[data-testid="conn-attribution"] .conn-bar').count()).toBe(30);
    const painted = await models.nth(m).locator('[data-testid="conn-matrix"] canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n / (d.length / 4);
    });
    expect(painted).toBeGreaterThan(0.5);
  }
  // Each matrix's colour bar has values; its time axis counts input steps 1..30 with the input under each.
  const matrices = (await lookAtCharts(e2e.page, '[data-testid="panel-connectivity"]')).heatmaps.filter((h) => h.id === 'conn-matrix');
  expect(matrices.length).toBe(2);
  for (const mx of matrices) {
    expect(mx.barTicks).toBeGreaterThanOrEqual(2);
    expect(mx.steps.length).toBeGreaterThanOrEqual(2);
    expect(mx.steps.every((t) => Number.isInteger(t) && t >= 1 && t <= 30)).toBe(true);
    expect(mx.inputs).toBe(mx.steps.length);
  }

  // Before hovering, the strip shows the last output step's row; hover output step 21 (the first replayed symbol).
  const before = await weights(0);
  await models.nth(0).locator('[data-testid="conn-output"]').nth(20).hover();
  await expect.poll(async () => (await models.nth(0).locator('[data-testid="conn-output"].active').getAttribute('title')) ?? '').toContain('output step 21');
  const after = await weights(0);
  expect(after).not.toEqual(before);
  expect(Math.max(...after)).toBe(1); // shaded relative to the row's largest entry
  expect(after.slice(21).every((w) => w === 0)).toBe(true); // a forward LSTM cannot use inputs after step 21
  expect(after.slice(0, 21).some((w) => w > 0)).toBe(true);
  // The hovered step is shared: the GRU's strip shows its own row for output step 21.
  const gru = await weights(1);
  expect(gru.slice(21).every((w) => w === 0)).toBe(true);
  expect(await models.nth(0).locator('[data-testid="conn-sentence"]').textContent()).toMatch(/output at step 21 depends most on input \d+/);

  if (process.env.UPDATE_SCREENSHOT) {
    // The dock over the whole window, so both models are in view.
    await e2e.page.getByRole('button', { name: 'Full window' }).click();
    await e2e.page.locator('[data-testid="panel-connectivity"]').screenshot({ path: 'docs/connectivity.png' });
    await e2e.page.getByRole('button', { name: 'Leave full window' }).click();
  }

  // A preset as the second model, on the same example and data.
  await e2e.page.getByLabel('Compare with').selectOption('preset:copy-lstm');
  await e2e.page.getByRole('button', { name: 'Show connectivity' }).click();
  await expect.poll(() => models.nth(1).locator('h4').textContent(), { timeout: 120_000, interval: 500 }).toContain('initial weights');
  expect(await models.count()).toBe(2);
}, 600_000);

/**
 * Every preset, at the weights it opens with (a probe, no training, to stay fast): "Probe this graph", then "Show
 * connectivity". No page error and no failed panel; the P9 caption names the factor it ran at, which is the length it
 * reached over the probed one (the input strip's length), or says that the data has nothing longer.
 */
const PRESETS = loadPresets().map((p) => ({ preset: p.file.replace(/\.json$/, ''), refused: probeBlocker(compile(p.doc).ir!) }));

it.each(PRESETS)('connectivity of preset $preset shows without a page error', async ({ preset, refused }) => {
  const page = await openEditor(e2e.browser, { preset, viewport: { width: 1440, height: 1400 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.getByRole('tab', { name: 'Inside' }).click();
    await page.getByRole('button', { name: 'Probe this graph' }).click();
    // An attention model shows the button twice (its attention panel compares with connectivity): either computes it.
    const show = page.getByRole('button', { name: 'Show connectivity' }).first();
    const failed = page.locator('[data-testid="inside"] .inside-error');
    await expect.poll(async () => (await show.count()) + (await failed.count()), { timeout: 120_000, interval: 500 }).toBeGreaterThan(0);
    // A graph the probes cannot read yet (a windowed front-end before the recurrent layer) says so in one line, and nothing breaks.
    if (refused) {
      expect((await failed.allTextContents()).join(' ')).toContain(refused);
      expect(await page.getByTestId('crash').count()).toBe(0);
      expect(errors).toEqual([]);
      return;
    }
    expect(await failed.allTextContents()).toEqual([]);
    await show.click();
    const model = page.locator('[data-testid="conn-model"]');
    const panel = page.locator('[data-testid="panel-connectivity"]');
    await expect.poll(async () => (await model.count()) + (await panel.getByRole('alert').count()) + (await page.getByTestId('crash').count()),
      { timeout: 120_000, interval: 500 }).toBeGreaterThan(0);
    expect(await page.getByTestId('crash').allTextContents()).toEqual([]);
    expect(await panel.getByRole('alert').allTextContents()).toEqual([]);
    expect(errors).toEqual([]);
    expect(await model.count()).toBe(1);

    const T = await model.locator('[data-testid="conn-input-strip"] .conn-cell').count();
    expect(T).toBeGreaterThan(0);
    const caption = (await model.getByTestId('conn-extrapolation-caption').textContent())!;
    const ran = /^Run at ([\d.]+)× its length \((\d+) steps\): ‖h_t‖ [\d.]+ at t = (\d+), [\d.]+ at t = (\d+);/.exec(caption);
    if (ran) {
      const [factor, length, trained, end] = ran.slice(1).map(Number);
      expect(trained).toBe(T);
      expect(end).toBe(length);
      expect(length).toBeGreaterThan(T);
      expect(factor).toBeCloseTo(length / T, 1);
      expect(factor).toBeLessThanOrEqual(5);
      expect(await model.getByTestId('conn-extrapolation').count()).toBe(1);
    } else {
      expect(caption).toBe(`Not run past its length: this data has no example longer than the ${T} steps shown.`);
      expect(await model.getByTestId('conn-extrapolation').count()).toBe(0);
    }
  } finally {
    await page.context().close();
  }
}, 300_000);
