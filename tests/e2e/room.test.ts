/**
 * Room to look (issue 10): at 1280×720 and 1024×700 the minimap and the zoom controls never hide a layer, after a
 * preset loads and after the dock takes more of the window (expanded, then the whole window); every popover (the
 * Presets menu, the context menus, the share link, each panel's "What am I looking at?") closes on Escape and on a
 * click outside.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelsOverLines, layoutFaults, lookAtCharts, openEditor, overflowX, SEL, useBrowser } from './harness.ts';

const e2e = useBrowser();

/**
 * Layers that an overlay (minimap, zoom controls) covers, and layers not wholly inside the canvas; both lists empty
 * when every layer can be seen. Rectangles are the page's own (getBoundingClientRect).
 */
const hiddenNodes = (page: Page) => page.evaluate(() => {
  type R = { left: number; top: number; right: number; bottom: number };
  const meets = (a: R, b: R) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
  const overlays = [...document.querySelectorAll<HTMLElement>('.react-flow__minimap, .react-flow__controls')]
    .map((o) => ({ name: o.classList.contains('react-flow__minimap') ? 'minimap' : 'controls', r: o.getBoundingClientRect() })).filter((o) => o.r.width > 0);
  const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((n) => ({ id: n.dataset.id!, r: n.getBoundingClientRect() }));
  const span = (a: number[], b: number[]) => Math.max(...b) - Math.min(...a);
  const zoom = Number(/scale\(([\d.e-]+)\)/.exec(document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform)![1]);
  return {
    /** The graph at full zoom, or filling most of the canvas in one direction: a fit that shrinks it for nothing fails. */
    large: zoom >= 1.09 || Math.max(span(nodes.map((n) => n.r.left), nodes.map((n) => n.r.right)) / canvas.width,
      span(nodes.map((n) => n.r.top), nodes.map((n) => n.r.bottom)) / canvas.height) >= 0.6,
    covered: nodes.flatMap((n) => overlays.filter((o) => meets(n.r, o.r)).map((o) => `${n.id} under ${o.name}`)),
    outside: nodes.filter((n) => n.r.left < canvas.left - 0.5 || n.r.top < canvas.top - 0.5 || n.r.right > canvas.right + 0.5 || n.r.bottom > canvas.bottom + 0.5).map((n) => n.id),
    minimap: overlays.some((o) => o.name === 'minimap'),
  };
});

/** Waits until the canvas has refitted after its size changed (the viewport transform stops changing). */
async function settled(page: Page): Promise<void> {
  let last = '';
  await expect.poll(async () => {
    await page.waitForTimeout(250);
    const now = await page.locator('.react-flow__viewport').getAttribute('style');
    const same = now === last;
    last = now ?? '';
    return same;
  }, { timeout: 10_000 }).toBe(true);
}

const SIZES = [{ width: 1280, height: 720 }, { width: 1024, height: 700 }];
// The default graph (lesson-lstm, 4 layers) and the tallest preset (two Bidirectional containers, 6 layers).
const GRAPHS = [undefined, 'lesson-bilstm-2layer'];

describe.each(SIZES)('at $width×$height', (viewport) => {
  it.each(GRAPHS)('no layer is hidden by the minimap or the controls: preset %s, then with the dock expanded and full window', async (preset) => {
    const page = await openEditor(e2e.browser, { preset, viewport });
    await settled(page);
    const loaded = await hiddenNodes(page);
    expect(loaded.minimap).toBe(true);
    expect(loaded.covered).toEqual([]);
    expect(loaded.outside).toEqual([]);
    expect(loaded.large).toBe(true);
    // The Training and Inside views never scroll sideways at this size.
    for (const tab of ['Training', 'Inside']) {
      await page.getByRole('tab', { name: tab }).click();
      expect(await overflowX(page), `${tab} tab`).toBeLessThanOrEqual(0);
    }

    await page.getByRole('button', { name: 'Expand dock' }).click();
    await settled(page);
    const expanded = await hiddenNodes(page);
    expect(expanded.covered).toEqual([]);
    expect(expanded.outside).toEqual([]);
    expect(expanded.large).toBe(true);

    // The canvas is a strip: nothing may sit on it, and the layers still fit in it.
    await page.getByRole('button', { name: 'Full window' }).click();
    await settled(page);
    const full = await hiddenNodes(page);
    expect(full.minimap).toBe(false);
    expect(full.covered).toEqual([]);
    expect(full.outside).toEqual([]);
    expect(full.large).toBe(true);
    await page.context().close();
  }, 60_000);
});

describe('popovers and panels at 1024×700 (the race preset, its graph probed at T = 20)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await openEditor(e2e.browser, { preset: 'race-adding', viewport: { width: 1024, height: 700 } });
    // Moving T re-runs the race (one control, an immediate effect): stop it, so the probe is what the panels show.
    await page.getByLabel('Sequence length T').fill('20');
    await page.getByRole('button', { name: 'Stop' }).click({ timeout: 10_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Stop' && b.disabled), null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Probe this graph' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="gate-map-"]').length === 6, null, { timeout: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await page?.context().close();
  });

  /** Opens a popover with `open`, checks it shows, closes it with `close`, checks it is gone. */
  async function opensAndCloses(name: string, open: () => Promise<void>, popover: () => ReturnType<Page['locator']>, close: () => Promise<void>) {
    await open();
    await expect.poll(() => popover().count(), { message: `${name} opens` }).toBe(1);
    await close();
    await expect.poll(() => popover().count(), { message: `${name} closes` }).toBe(0);
  }
  const escape = () => page.keyboard.press('Escape');
  // The toolbar's name of the app: a plain spot that does nothing when clicked.
  const clickOutside = () => page.locator('.brand').click();

  it('the Presets and Recent menus, the context menus and the share link close on Escape and on a click outside', async () => {
    const popovers: [string, () => Promise<void>, () => ReturnType<Page['locator']>][] = [
      ['Presets menu', () => page.getByRole('button', { name: /Presets/ }).click(), () => page.getByRole('menu', { name: 'Presets' })],
      ['Recent menu', () => page.getByRole('button', { name: /Recent/ }).click(), () => page.getByRole('menu', { name: 'Recent' })],
      ['layer menu', () => page.locator(`${SEL.node('n2')} .node-head`).click({ button: 'right' }), () => page.getByRole('menu', { name: 'Context menu' })],
      ['canvas menu', () => page.locator(SEL.pane).click({ button: 'right', position: { x: 30, y: 30 } }), () => page.getByRole('menu', { name: 'Context menu' })],
      ['share link', () => page.getByRole('button', { name: 'Share', exact: true }).click(), () => page.getByRole('dialog', { name: 'Share link' })],
    ];
    for (const [name, open, popover] of popovers) {
      await opensAndCloses(`${name} (Escape)`, open, popover, escape);
      await opensAndCloses(`${name} (click outside)`, open, popover, clickOutside);
    }
    // Escape closes the popover only: the lesson beside it stays open until a second Escape.
    await page.getByRole('button', { name: 'Lesson', exact: true }).click();
    await expect.poll(() => page.getByTestId('lesson').count()).toBe(1);
    await opensAndCloses('Presets menu over the lesson (Escape)', popovers[0][1], popovers[0][2], escape);
    expect(await page.getByTestId('lesson').count()).toBe(1);
    await escape();
    await expect.poll(() => page.getByTestId('lesson').count()).toBe(0);
  }, 60_000);

  it('each panel\'s "What am I looking at?" opens over the panel without sideways scrolling, and closes on Escape and on a click outside', async () => {
    const toggles = page.locator('.explain-toggle');
    const n = await toggles.count();
    expect(n).toBeGreaterThanOrEqual(5);
    expect(n).toBe(await page.locator('.inside-panel').count());
    const pops = () => page.locator('.explain-pop');
    for (let i = 0; i < n; i++) {
      await opensAndCloses(`explain ${i} (Escape)`, () => toggles.nth(i).click(), pops, escape);
      await opensAndCloses(`explain ${i} (click outside)`, async () => {
        await toggles.nth(i).click();
        expect(await overflowX(page)).toBeLessThanOrEqual(0);
      }, pops, clickOutside);
    }
  }, 180_000);

  it('every heatmap has a colour bar with numbers, its time axis counts steps with the inputs under them, every axis has tick values, and no label sits on a line', async () => {
    const look = await lookAtCharts(page, '[data-testid="inside"]');
    expect(look.heatmaps.length).toBeGreaterThanOrEqual(6);
    for (const hm of look.heatmaps) {
      expect(hm.barTicks, `${hm.id}: numbers on its colour bar`).toBeGreaterThanOrEqual(2);
      expect(hm.steps.length, `${hm.id}: step ticks`).toBeGreaterThanOrEqual(2);
      for (const t of hm.steps) expect(Number.isInteger(t) && t >= 1 && t <= 20, `${hm.id}: tick ${t} is a step 1..T`).toBe(true);
      // The gate maps of one example have an input per step: a second row of labels under the step numbers.
      if (hm.id?.startsWith('gate-map-')) expect(hm.inputs, `${hm.id}: inputs under the steps`).toBe(hm.steps.length);
    }
    expect(look.axes.length).toBeGreaterThanOrEqual(10);
    for (const [i, n] of look.axes.entries()) expect(n, `axis ${i}: numeric tick labels`).toBeGreaterThanOrEqual(2);
    expect(await labelsOverLines(page, '[data-testid="inside"]')).toEqual([]);
  }, 60_000);
});

describe('at 1024×700, as a student meets the editor (issue 22)', () => {
  it('the header is one row; no label is cut off or wraps; no two controls overlap: the editor, with the lesson open, and on every dock tab', async () => {
    const page = await openEditor(e2e.browser, { viewport: { width: 1024, height: 700 } });
    const check = async (where: string) => {
      const f = await layoutFaults(page);
      expect({ where, ...f }).toEqual({ where, headerWraps: false, dockBarWraps: false, wrapped: [], clipped: [], overlapping: [] });
    };
    await check('editor');
    await page.getByRole('button', { name: 'Lesson', exact: true }).click();
    await check('lesson open');
    for (const tab of ['Problems', 'Summary', 'Training', 'Inside', 'Export']) {
      await page.getByRole('tab', { name: tab }).click();
      await check(`lesson open, ${tab} tab`);
    }
    await page.context().close();
  });

  it('Enter in "Find a layer" adds the first layer it lists; a disabled button says why, on hover and to screen readers', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm-spam', viewport: { width: 1024, height: 700 } });
    const before = await page.locator('.react-flow__node').count();
    await page.getByRole('searchbox', { name: 'Find a layer' }).fill('gru');
    const first = (await page.getByRole('navigation', { name: 'Layer palette' }).locator('.palette-item').first().textContent())!;
    await page.getByRole('searchbox', { name: 'Find a layer' }).press('Enter');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(before + 1);
    expect(await page.locator(`.react-flow__node:has(> [data-kind="${first}"])`).count()).toBeGreaterThan(0);

    await page.getByRole('tab', { name: 'Training' }).click();
    const classify = page.getByTestId('try-run');
    expect(await classify.isDisabled()).toBe(true);
    const title = await classify.getAttribute('title');
    expect(title).toMatch(/^Train this graph first/);
    const described = await classify.getAttribute('aria-describedby');
    expect(await page.locator(`#${described}`).textContent()).toBe(title);
    await page.context().close();
  });
});
