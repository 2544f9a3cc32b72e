/**
 * Every way into an empty Bidirectional wraps the layer, after which the model compiles: a real mouse drag from the
 * palette, Ctrl+V of a copied LSTM while the container is selected, arrow keys that move a selected LSTM onto it,
 * and the palette's keyboard path (Enter on a palette button while the container is selected).
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  centre, MOD, nodeIdOfKind, nodeIds, openEditor, paletteButton, SEL, storedGraph, useBrowser,
} from './harness.ts';

const e2e = useBrowser();

it('an LSTM dragged with the mouse from the palette into an empty Bidirectional goes inside it, and the model compiles', async () => {
  const page = await openEditor(e2e.browser, { fixture: 'invalid/bidi-empty' });
  const bidi = await nodeIdOfKind(page, 'Bidirectional');
  const box = page.locator(`${SEL.node(bidi)} .bidi-drop`);
  // Playwright's mouse drag starts a real HTML5 drag in Chromium (drag interception), as a person's would.
  await paletteButton(page, 'LSTM').dragTo(box, { targetPosition: { x: 60, y: 20 } });
  await expect.poll(async () => (await storedGraph(page)).nodes.find((n) => n.data.kind === 'LSTM')).toMatchObject({ parentId: bidi });
  // The share link's notice first, then the graph's own status line.
  await page.getByRole('button', { name: 'Dismiss message' }).click();
  await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(/the model compiles/);
  expect(await page.locator(`${SEL.node(bidi)} .bidi-drop`).count()).toBe(0);
  await page.context().close();
});

/** The share link's notice first, then the graph's own status line says the model compiles. */
async function compiles(page: Page) {
  await page.getByRole('button', { name: 'Dismiss message' }).click();
  await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(/the model compiles/);
}
const parentOf = async (page: Page, id: string) => (await storedGraph(page)).nodes.find((n) => n.id === id) as { parentId?: string } | undefined;

/** Adds a layer by clicking its palette button (nothing selected first) and returns its id. */
async function clickAdd(page: Page, kind: string): Promise<string> {
  const before = await nodeIds(page);
  await paletteButton(page, kind).click();
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  return (await nodeIds(page)).find((id) => !before.includes(id))!;
}

it('Ctrl+V of a copied LSTM while the empty Bidirectional is selected pastes it inside; the model compiles', async () => {
  const page = await openEditor(e2e.browser, { fixture: 'invalid/bidi-empty' });
  const bidi = await nodeIdOfKind(page, 'Bidirectional');
  const lstm = await clickAdd(page, 'LSTM');
  await page.locator(`${SEL.node(lstm)} .node-head`).click();
  await page.keyboard.press(`${MOD}+c`);
  await page.keyboard.press('Delete');
  await expect.poll(() => page.locator(SEL.nodeOfKind('LSTM')).count()).toBe(0);
  await page.locator(`${SEL.node(bidi)} .bidi-head`).click();
  await page.keyboard.press(`${MOD}+v`);
  await expect.poll(() => page.locator(`${SEL.node(bidi)} .bidi-drop`).count()).toBe(0);
  const pasted = await nodeIdOfKind(page, 'LSTM');
  await expect.poll(() => parentOf(page, pasted)).toMatchObject({ parentId: bidi });
  await compiles(page);
  await page.context().close();
});

it('arrow keys that move a selected LSTM onto the empty Bidirectional put it inside; the model compiles', async () => {
  const page = await openEditor(e2e.browser, { fixture: 'invalid/bidi-empty' });
  const bidi = await nodeIdOfKind(page, 'Bidirectional');
  const lstm = await clickAdd(page, 'LSTM'); // selected, at a free spot beside the graph
  const node = page.locator(SEL.node(lstm));
  await node.focus();
  const zoom = await page.locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
  const from = await centre(node);
  const to = await centre(page.locator(`${SEL.node(bidi)} .bidi-drop`));
  // One press moves 15 canvas units (the snap grid): first down/up to the container's height, then across.
  const presses = (d: number) => Math.round(Math.abs(d) / zoom / 15);
  const plan = [
    ...Array<string>(presses(to.y - from.y)).fill(to.y > from.y ? 'ArrowDown' : 'ArrowUp'),
    ...Array<string>(presses(to.x - from.x)).fill(to.x > from.x ? 'ArrowRight' : 'ArrowLeft'),
  ];
  expect(plan.length).toBeGreaterThan(3);
  let pressed = 0;
  for (const key of plan) {
    if ((await page.locator(`${SEL.node(bidi)} .bidi-drop`).count()) === 0) break;
    await page.keyboard.press(key);
    pressed++;
  }
  await expect.poll(() => parentOf(page, lstm)).toMatchObject({ parentId: bidi });
  expect(pressed).toBeGreaterThan(0);
  await compiles(page);
  // Undo takes back the last press only: the layer is free again, one grid step short of the container.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect.poll(() => parentOf(page, lstm)).not.toHaveProperty('parentId');
  await page.context().close();
});

it('Enter on a palette button while the empty Bidirectional is selected adds the layer inside it (the keyboard path)', async () => {
  const page = await openEditor(e2e.browser, { fixture: 'invalid/bidi-empty' });
  const bidi = await nodeIdOfKind(page, 'Bidirectional');
  await page.locator(SEL.node(bidi)).focus();
  await page.keyboard.press('Enter'); // selects the focused layer (React Flow's keyboard selection)
  await expect.poll(() => page.locator(`${SEL.node(bidi)} .bidi-node`).getAttribute('class')).toContain('is-selected');
  await paletteButton(page, 'GRU').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator(`${SEL.node(bidi)} .bidi-drop`).count()).toBe(0);
  const gru = await nodeIdOfKind(page, 'GRU');
  await expect.poll(() => parentOf(page, gru)).toMatchObject({ parentId: bidi });
  await compiles(page);
  await page.context().close();
});
