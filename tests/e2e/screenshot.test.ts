/**
 * The README screenshot: the editor with the two-layer BiLSTM preset. The test always checks what the picture
 * must show (shapes doubling through the wrappers, merge mode, total params); with UPDATE_SCREENSHOT=1 it also
 * writes docs/editor-bilstm.png.
 */
import { expect, it } from 'vitest';
import { openEditor, SEL, useBrowser } from './harness.ts';

const e2e = useBrowser();

it('shows the two-layer BiLSTM with doubled widths on its edges', async () => {
  const page = await openEditor(e2e.browser, { preset: 'lesson-bilstm-2layer', viewport: { width: 1600, height: 1060 } });
  await expect.poll(() => page.locator(SEL.edgeLabel('e3')).innerText()).toBe('[batch, T, 128] · mask');
  await expect.poll(() => page.locator(SEL.edgeLabel('e4')).innerText()).toBe('[batch, 128]');
  expect(await page.locator('[data-testid="merge-mode"]').allInnerTexts()).toEqual(['concat', 'concat']);
  // 20000·128 + 2·4·(64·(128+64)+64) + 2·4·(64·(128+64)+64) + (128·4+4)
  expect(await page.locator(SEL.totalParams).innerText()).toBe('2,758,148');
  await page.locator(`${SEL.node('n3_inner')} .node-head`).click();
  await expect.poll(() => page.locator(SEL.inspector).locator('h2').innerText()).toBe('LSTM');
  if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: 'docs/editor-bilstm.png' });
  await page.context().close();
});
