/**
 * Ports on the canvas: an LSTM with Return state shows labelled output handles (output, h, c), a decoder with
 * Initial state inputs labelled input handles; single-port layers keep their one unlabelled handle. Dragging the
 * encoder's c onto the decoder's initial_c adds a port-to-port edge whose label shows that port's shape, and clears
 * the decoder's "LSTM needs both initial states" problem.
 */
import { expect, it } from 'vitest';
import { centre, dragMouse, edgeCount, openEditor, SEL, storedGraph, useBrowser } from './harness.ts';

const ctx = useBrowser();

it('labelled ports on multi-port layers only; connecting c to initial_c by hand', async () => {
  const page = await openEditor(ctx.browser, { fixture: 'ports/seq2seq' });
  const port = (node: string, p: string) => page.locator(`${SEL.node(node)} [data-testid="port-${p}"]`);
  for (const p of ['output', 'h', 'c']) expect(await port('enc', p).textContent()).toBe(p);
  for (const p of ['x', 'initial_h', 'initial_c']) expect(await port('dec', p).textContent()).toBe(p);
  expect(await page.locator(`${SEL.node('out')} .port-label`).count()).toBe(0);
  expect(await page.locator(SEL.edgeLabel('e3')).textContent()).toBe('h [batch, 8]');
  expect(await page.locator(`${SEL.node('dec')} .node-badge`).getAttribute('aria-label')).toMatch(/initial_h connected but not initial_c/);

  const before = await edgeCount(page);
  await dragMouse(page, await centre(port('enc', 'c')), await centre(port('dec', 'initial_c')));
  await expect.poll(() => edgeCount(page)).toBe(before + 1);
  const added = (await storedGraph(page)).edges.find((e) => (e as { sourceHandle?: string }).sourceHandle === 'c') as { id: string; targetHandle: string };
  expect(added.targetHandle).toBe('initial_c');
  expect(await page.locator(SEL.edgeLabel(added.id)).textContent()).toBe('c [batch, 8]');
  await expect.poll(() => page.locator(`${SEL.node('dec')} .node-badge`).count()).toBe(0);
});
