/**
 * Where new layers land: the first layer dropped on an empty canvas lands under the pointer (not at the centre),
 * and "Insert LSTM" on a connection makes room, so no two layers overlap.
 */
import { expect, it } from 'vitest';
import { nodeCount, nodeIds, openEditor, paletteButton, SEL, useBrowser } from './harness.ts';

const e2e = useBrowser();

it('the first layer dragged from the palette onto an empty canvas lands where it was dropped', async () => {
  const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
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

it('"Insert LSTM" on a connection makes room: no two layers overlap on screen, and the new one sits between its neighbours', async () => {
  const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
  // Embedding (n2) → LSTM (n3): insert a second LSTM there.
  await page.locator(`${SEL.edge('e2')} path`).first().click({ button: 'right', force: true });
  await page.getByRole('menuitem', { name: 'Insert LSTM' }).click();
  await expect.poll(() => nodeCount(page)).toBe(5);
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.react-flow__node')].every((n) => getComputedStyle(n).visibility === 'visible'));
  const boxes = await page.$$eval('.react-flow__node', (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { id: e.getAttribute('data-id')!, x: r.x, y: r.y, w: r.width, h: r.height };
    }),
  );
  const overlapping = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).map((b) => `${a.id}/${b.id}`));
  expect(overlapping).toEqual([]);
  const inserted = boxes.find((b) => !['n1', 'n2', 'n3', 'n4'].includes(b.id))!;
  const y = (id: string) => boxes.find((b) => b.id === id)!.y;
  expect(y('n2')).toBeLessThan(inserted.y);
  expect(inserted.y).toBeLessThan(y('n3'));
  await page.context().close();
});

it('layers added by click build a column under the one selected, each wholly in view and clear of the overlays', async () => {
  const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect.poll(() => nodeCount(page)).toBe(0);
  const kinds = ['Input', 'Embedding', 'LSTM', 'LSTM', 'Dense', 'Dense'];
  for (const [i, kind] of kinds.entries()) {
    await paletteButton(page, kind).click();
    await expect.poll(() => nodeCount(page)).toBe(i + 1);
  }
  // Let the reveal pan settle, then read every box on screen.
  await page.waitForTimeout(300);
  const seen = await page.evaluate(() => {
    const rect = (e: Element) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    };
    return {
      nodes: [...document.querySelectorAll('.react-flow__node')].map(rect),
      pane: rect(document.querySelector('.react-flow')!),
      overlays: [...document.querySelectorAll('.react-flow__minimap, .react-flow__controls')].map(rect),
    };
  });
  const meet = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x < b.x + b.w && a.x + a.w > b.x && a.y < b.y + b.h && a.y + a.h > b.y;
  // In order of addition: one column (same centre), each under the one before, no two overlapping.
  const centres = seen.nodes.map((n) => n.x + n.w / 2);
  expect(Math.max(...centres) - Math.min(...centres)).toBeLessThan(2);
  for (let i = 1; i < seen.nodes.length; i++) expect(seen.nodes[i].y).toBeGreaterThanOrEqual(seen.nodes[i - 1].y + seen.nodes[i - 1].h);
  // The last one added is wholly on the canvas and under neither the minimap nor the zoom controls.
  const last = seen.nodes.at(-1)!;
  expect(last.x).toBeGreaterThanOrEqual(seen.pane.x);
  expect(last.y + last.h).toBeLessThanOrEqual(seen.pane.y + seen.pane.h);
  for (const o of seen.overlays) expect(meet(last, o)).toBe(false);
  await page.context().close();
});
