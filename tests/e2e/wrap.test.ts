/**
 * Dropping a recurrent layer from the palette into an empty Bidirectional wraps it: a real mouse drag (press on the
 * palette button, move, release over the container) in Chromium, after which the model compiles.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, nodeIdOfKind, openEditor, paletteButton, SEL, storedGraph } from './harness.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

it('an LSTM dragged with the mouse from the palette into an empty Bidirectional goes inside it, and the model compiles', async () => {
  const page = await openEditor(browser, { fixture: 'invalid/bidi-empty' });
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
