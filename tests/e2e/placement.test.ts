/**
 * Where new layers land: the first layer dropped on an empty canvas lands under the pointer (not at the centre),
 * and "Insert LSTM" on a connection makes room, so no two layers overlap.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, nodeCount, nodeIds, openEditor, paletteButton, SEL } from './harness.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

it('the first layer dragged from the palette onto an empty canvas lands where it was dropped', async () => {
  const page = await openEditor(browser, { preset: 'lesson-lstm' });
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect.poll(() => nodeCount(page)).toBe(0);
  const pane = page.locator(SEL.pane);
  const box = (await pane.boundingBox())!;
  // Far from the centre: a quarter in from the top-left corner.
  const drop = { x: Math.round(box.width * 0.25), y: Math.round(box.height * 0.25) };
  await paletteButton(page, 'Input').dragTo(pane, { targetPosition: drop });
  await expect.poll(() => nodeCount(page)).toBe(1);
  const [id] = await nodeIds(page);
  const head = (await page.locator(`${SEL.node(id)} .node-head`).boundingBox())!;
  const at = { x: box.x + drop.x, y: box.y + drop.y };
  // The header is centred on the drop point (within a snap step).
  expect(Math.abs(head.x + head.width / 2 - at.x)).toBeLessThan(20);
  expect(Math.abs(head.y + head.height / 2 - at.y)).toBeLessThan(25);
  await page.context().close();
});
