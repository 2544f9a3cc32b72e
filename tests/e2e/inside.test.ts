/**
 * The race preset in a real browser: it opens the Inside tab, a short race trains SimpleRNN, LSTM and GRU in the
 * worker, the three gradient curves and the gate heatmaps render, and hovering a timestep moves the cursor in the
 * other panels. With UPDATE_SCREENSHOT=1 it rewrites docs/inside.png.
 */
import { expect, it } from 'vitest';
import { useBrowser } from './harness.ts';

const e2e = useBrowser({ preset: 'race-adding', viewport: { width: 1700, height: 2300 } });

it('opens the Inside tab, runs a short race and draws three gradient curves and the gate heatmaps', async () => {
  await expect.poll(() => e2e.page.getByRole('tab', { name: 'Inside' }).getAttribute('aria-selected')).toBe('true');
  await e2e.page.getByLabel('Sequence length T').fill('20');
  await e2e.page.getByLabel('Race steps').fill('4');
  await e2e.page.getByLabel('Record every N steps', { exact: true }).fill('2');
  await e2e.page.getByRole('button', { name: 'Run the race' }).click();

  const curves = e2e.page.locator('[data-testid="gradient-chart"] path.series');
  await expect.poll(async () => (await curves.evaluateAll((ps) => ps.map((p) => p.getAttribute('data-series')))).sort(), { timeout: 180_000, interval: 500 })
    .toEqual(expect.arrayContaining(['GRU', 'LSTM', 'SimpleRNN']));
  // Every curve has a drawn path (20 points: a real "M…L…" path, not empty).
  for (const d of await curves.evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? ''))) expect(d.split('L').length).toBeGreaterThanOrEqual(10);

  // The race ends with a full probe per model: the LSTM's gate maps (i, f, c̃, o, c, h) draw coloured pixels.
  await expect.poll(() => e2e.page.locator('[data-testid^="gate-map-"]').count(), { timeout: 180_000, interval: 500 }).toBe(6);
  const painted = await e2e.page.locator('[data-testid="gate-map-f"] canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n / (d.length / 4);
  });
  expect(painted).toBeGreaterThan(0.9);
  await expect.poll(() => e2e.page.locator('[data-testid="panel-jacobian"]').count()).toBe(1);
  await expect.poll(() => e2e.page.locator('[data-testid="panel-flow"]').count()).toBe(1);

  // Linked views: hovering step 5 of a gate map puts the cursor on the gradient chart too.
  const map = e2e.page.locator('[data-testid="gate-map-f"] svg');
  const box = (await map.boundingBox())!;
  // Cells span the width less the margins (38 px left; 6 px and the 40 px colour bar right).
  await map.hover({ position: { x: 38 + ((box.width - 84) / 20) * 4.5, y: 20 } });
  await expect.poll(() => e2e.page.locator('[data-testid="gradient-chart"] [data-testid="hover-line"]').count()).toBe(1);
  await expect.poll(() => e2e.page.locator('[data-testid="gradient-legend"]').textContent()).toContain('t=5');

  // The canvas overlay outlines the probed LSTM node by how much gradient reaches its first step.
  await expect.poll(() => e2e.page.locator('#inside-gradient-overlay').textContent()).toContain('data-id="n2"');
  expect(await e2e.page.locator('.react-flow__node[data-id="n2"]').evaluate((n) => getComputedStyle(n).outlineStyle)).toBe('solid');

  if (process.env.UPDATE_SCREENSHOT) {
    // The dock over the whole window, so every panel is in view.
    await e2e.page.getByRole('button', { name: 'Full window' }).click();
    await e2e.page.locator('[data-testid="inside"]').screenshot({ path: 'docs/inside.png' });
    await e2e.page.getByRole('button', { name: 'Leave full window' }).click();
  }

  // A one-off probe of the graph itself (no saved training here: initial weights).
  await e2e.page.getByRole('button', { name: 'Probe this graph' }).click();
  await expect.poll(() => e2e.page.getByRole('group', { name: 'What to show' }).textContent(), { timeout: 120_000 }).toContain('this graph (initial weights)');
  await expect.poll(() => e2e.page.locator('[data-testid^="gate-map-"]').count(), { timeout: 120_000 }).toBe(6);
});
