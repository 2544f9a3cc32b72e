/**
 * The editor as a new user meets it (reference/ux.md §5 scenarios 1–6 and 10): default preset, palette by click,
 * keyboard and drag, connecting with shapes, refused connections with their reason, Bidirectional wrapping,
 * inspector edits with a live summary, undo/redo of each, and fields that never delete the node.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LAYER_KINDS } from '../../src/graph/index.ts';
import { LAYERS, withDefaults } from '../../src/layers/index.ts';
import { EXPECTED } from '../fixtures/invalid/expected.ts';
import {
  centre, dragConnect, dragFromPalette, dragMouse, dragNode, edgeCount, focusCanvas, MOD, nodeCount, nodeIds,
  openEditor, paletteButton, SEL, storedGraph, useBrowser,
} from './harness.ts';

const e2e = useBrowser();

const undoButton = (page: Page) => page.getByRole('button', { name: 'Undo', exact: true });
const redoButton = (page: Page) => page.getByRole('button', { name: 'Redo', exact: true });
const totalParams = async (page: Page) => Number((await page.locator(SEL.totalParams).innerText()).replace(/,/g, ''));

/** The label on the edge leaving `source` (edges are matched through the store, labels by edge id). */
async function labelFrom(page: Page, source: string): Promise<string> {
  const g = await storedGraph(page);
  const e = (g.edges as { id: string; source: string }[]).find((x) => x.source === source);
  if (!e) throw new Error(`no edge from ${source}`);
  return page.locator(SEL.edgeLabel(e.id)).innerText();
}

async function newGraph(page: Page) {
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect.poll(() => nodeCount(page)).toBe(0);
}

async function added(page: Page, before: string[]): Promise<string> {
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  return (await nodeIds(page)).find((id) => !before.includes(id))!;
}

describe('editor', () => {
  it('opens with the lesson LSTM classifier on a first start', async () => {
    const page = await openEditor(e2e.browser);
    expect(await nodeCount(page)).toBe(4);
    for (const kind of ['Input', 'Embedding', 'LSTM', 'Dense']) await expect.poll(() => page.locator(SEL.nodeOfKind(kind)).count()).toBe(1);
    expect(await page.locator(SEL.edgeLabel('e2')).innerText()).toContain('[batch, T, 64]');
    expect(await page.locator(SEL.edgeLabel('e3')).innerText()).toBe('[batch, 8]');
    // 20000·64 embedding + 4·(8·(64+8)+8) LSTM + (8·4+4) Dense
    expect(await totalParams(page)).toBe(1_280_000 + 2_336 + 36);
    expect(await page.locator(SEL.node('n3')).getAttribute('aria-label')).toBe('LSTM, 8 units');
    await page.context().close();
  });

  it('adds every layer kind from the palette by click, by Enter and by drag, each once with default params', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    await newGraph(page);
    const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    const ways = ['click', 'enter', 'drag'] as const;
    for (const way of ways) {
      for (const [i, kind] of LAYER_KINDS.entries()) {
        const before = await nodeIds(page);
        if (way === 'click') await paletteButton(page, kind).click();
        else if (way === 'enter') {
          await paletteButton(page, kind).focus();
          await page.keyboard.press('Enter');
        } else await dragFromPalette(page, kind, { x: box.x + 80 + (i % 6) * 120, y: box.y + 80 + Math.floor(i / 6) * 150 });
        const id = await added(page, before);
        const node = page.locator(SEL.node(id));
        await expect.poll(() => node.locator(`[data-kind="${kind}"]`).count()).toBe(1);
        if (way !== 'drag') await expect.poll(() => node.getAttribute('class')).toContain('selected');
        const stored = (await storedGraph(page)).nodes.find((n) => n.id === id)!;
        expect(stored.data.kind).toBe(kind);
        expect(stored.data.params).toEqual(withDefaults(LAYERS[kind].params, {}));
      }
      // Each add is one undo step.
      await undoButton(page).click();
      await expect.poll(() => nodeCount(page)).toBe(LAYER_KINDS.length - 1);
      await redoButton(page).click();
      await expect.poll(() => nodeCount(page)).toBe(LAYER_KINDS.length);
      await newGraph(page);
    }
    await page.context().close();
  });

  it('connects Embedding → LSTM by dragging and labels the edge with its shape; undo and redo the connection', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    await newGraph(page);
    const ids: Record<string, string> = {};
    for (const kind of ['Input', 'Embedding', 'LSTM']) {
      const before = await nodeIds(page);
      await paletteButton(page, kind).click();
      ids[kind] = await added(page, before);
    }
    // Click-to-add stacks layers diagonally: spread them out by dragging, as a user would.
    const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await dragNode(page, ids.Input, { x: box.x + 200, y: box.y + 60 });
    await dragNode(page, ids.Embedding, { x: box.x + 200, y: box.y + 200 });
    await dragNode(page, ids.LSTM, { x: box.x + 200, y: box.y + 340 });
    await dragConnect(page, ids.Input, ids.Embedding);
    await dragConnect(page, ids.Embedding, ids.LSTM);
    await expect.poll(() => edgeCount(page)).toBe(2);
    const outDim = LAYERS.Embedding.params.outputDim.default;
    await expect.poll(() => labelFrom(page, ids.Embedding)).toBe(`[batch, T, ${outDim}]`);
    await expect.poll(() => page.locator(`${SEL.node(ids.LSTM)} [data-testid="node-shape"]`).innerText()).toBe(`[batch, ${LAYERS.LSTM.params.units.default}]`);
    await undoButton(page).click();
    await expect.poll(() => edgeCount(page)).toBe(1);
    await redoButton(page).click();
    await expect.poll(() => edgeCount(page)).toBe(2);
    await page.context().close();
  });

  it('refuses an invalid connection and shows why, while dragging and after release', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const before = await nodeIds(page);
    await paletteButton(page, 'LSTM').click();
    const lstm = await added(page, before);
    const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await dragNode(page, lstm, { x: box.x + box.width - 200, y: box.y + box.height - 120 });
    const edges = await edgeCount(page);
    // Dense outputs a vector [batch, 4]; an LSTM needs a sequence.
    const from = await centre(page.locator(SEL.sourceHandle('n4')));
    const to = await centre(page.locator(SEL.targetHandle(lstm)));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await expect.poll(() => page.locator(SEL.connectionHint).innerText()).toContain('LSTM needs [batch, time, features]');
    await page.mouse.up();
    await expect.poll(() => page.locator(SEL.status).innerText()).toContain('LSTM needs [batch, time, features]');
    expect(await page.locator(SEL.status).innerText()).toContain('[batch, 4]');
    expect(await edgeCount(page)).toBe(edges);
    await page.context().close();
  });

  it('wraps an LSTM in Bidirectional: the width doubles on the edge, params double; undo/redo', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const total = await totalParams(page);
    await page.locator(`${SEL.node('n3')} .node-head`).click();
    await page.getByRole('button', { name: 'Wrap in Bidirectional' }).click();
    await expect.poll(() => page.locator(SEL.nodeOfKind('Bidirectional')).count()).toBe(1);
    const bidi = (await page.locator(SEL.nodeOfKind('Bidirectional')).getAttribute('data-id'))!;
    await expect.poll(() => labelFrom(page, bidi)).toBe('[batch, 16]');
    await expect.poll(() => page.locator(`${SEL.node(bidi)} [data-testid="merge-mode"]`).innerText()).toBe('concat');
    // The LSTM now sits inside the wrapper (a React Flow sub-flow child).
    expect(await page.locator(`${SEL.node('n3')}`).getAttribute('class')).toContain('react-flow__node');
    expect((await storedGraph(page)).nodes.find((n) => n.id === 'n3')).toMatchObject({ parentId: bidi });
    // Bidirectional(LSTM(8)) = 2 × 2,336; Dense now reads 16 features: 16·4+4 = 68 (was 36).
    await expect.poll(() => totalParams(page)).toBe(total - 2_336 - 36 + 2 * 2_336 + 68);
    await undoButton(page).click();
    await expect.poll(() => page.locator(SEL.nodeOfKind('Bidirectional')).count()).toBe(0);
    await expect.poll(() => labelFrom(page, 'n3')).toBe('[batch, 8]');
    await expect.poll(() => totalParams(page)).toBe(total);
    await redoButton(page).click();
    await expect.poll(() => totalParams(page)).toBe(total + 2_336 + 32);
    await page.context().close();
  });

  it('edits units in the inspector: the summary total changes; undo/redo restore the param', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const total = await totalParams(page);
    await page.locator(`${SEL.node('n3')} .node-head`).click();
    const units = page.getByRole('textbox', { name: 'Units', exact: true });
    await units.fill('16');
    await units.press('Enter');
    // LSTM(16) on 64 features: 4·(16·(64+16)+16) = 5,184; Dense(4) on 16: 68.
    await expect.poll(() => totalParams(page)).toBe(1_280_000 + 5_184 + 68);
    await expect.poll(() => page.locator(SEL.node('n3')).getAttribute('aria-label')).toBe('LSTM, 16 units');
    // An invalid value is flagged while typing and never committed.
    await units.fill('-3');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Units must be between' }).count()).toBe(1);
    await units.press('Enter');
    expect(await totalParams(page)).toBe(1_280_000 + 5_184 + 68);
    await units.press('Escape');
    await undoButton(page).click();
    await expect.poll(() => totalParams(page)).toBe(total);
    await expect.poll(() => page.getByRole('textbox', { name: 'Units', exact: true }).inputValue()).toBe('8');
    await redoButton(page).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Units', exact: true }).inputValue()).toBe('16');
    await page.context().close();
  });

  it('Backspace and Delete typed in fields never delete the node', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    await page.locator(`${SEL.node('n3')} .node-head`).click();
    const units = page.getByRole('textbox', { name: 'Units', exact: true });
    await units.click();
    for (const key of ['End', 'Backspace', 'Backspace', 'Delete', 'Home', 'Delete']) await units.press(key);
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await name.fill('encoder');
    for (const key of ['Backspace', 'Backspace', 'Delete']) await name.press(key);
    expect(await nodeCount(page)).toBe(4);
    expect(await page.locator(SEL.node('n3')).count()).toBe(1);
    await name.press('Enter');
    await expect.poll(() => page.locator(`${SEL.node('n3')} .node-title`).innerText()).toBe('encod');
    // Outside a field, Delete removes the selected layer (and undo brings it back).
    await page.locator(`${SEL.node('n3')} .node-head`).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(3);
    await page.keyboard.press(`${MOD}+z`);
    await expect.poll(() => nodeCount(page)).toBe(4);
    await page.context().close();
  });

  it('a drag is one undo step; a paste and a multi-delete are one step each; Ctrl+Y and Shift+Ctrl+Z redo', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const pos = async (id: string) => (await storedGraph(page)).nodes.find((n) => n.id === id) as unknown as { position: { x: number; y: number } };
    const start = (await pos('n4')).position;
    const c = await centre(page.locator(`${SEL.node('n4')} .node-head`));
    await dragMouse(page, c, { x: c.x + 150, y: c.y + 40 });
    await expect.poll(async () => (await pos('n4')).position.x).not.toBe(start.x);
    await undoButton(page).click();
    await expect.poll(async () => (await pos('n4')).position).toEqual(start);
    // Selection and viewport changes are never steps.
    await page.locator(`${SEL.node('n2')} .node-head`).click();
    await page.mouse.wheel(0, 200);
    await redoButton(page).click(); // the drag comes back
    await expect.poll(async () => (await pos('n4')).position.x).not.toBe(start.x);

    // Copy two layers with the edge between them, paste once: +2 nodes +1 edge, one undo.
    await page.locator(`${SEL.node('n3')} .node-head`).click();
    await page.locator(`${SEL.node('n4')} .node-head`).click({ modifiers: [MOD] });
    await page.keyboard.press(`${MOD}+c`);
    await page.keyboard.press(`${MOD}+v`);
    await expect.poll(() => nodeCount(page)).toBe(6);
    expect(await edgeCount(page)).toBe(4);
    const ids = await nodeIds(page);
    expect(new Set(ids).size).toBe(6);
    await page.keyboard.press(`${MOD}+z`);
    await expect.poll(() => nodeCount(page)).toBe(4);
    await page.keyboard.press(`${MOD}+y`);
    await expect.poll(() => nodeCount(page)).toBe(6);

    // Select all, delete: one step back.
    await focusCanvas(page);
    await page.keyboard.press(`${MOD}+a`);
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(0);
    await page.keyboard.press(`${MOD}+z`);
    await expect.poll(() => nodeCount(page)).toBe(6);
    await page.keyboard.press(`${MOD}+Shift+z`);
    await expect.poll(() => nodeCount(page)).toBe(0);
    await page.context().close();
  });

  it('keyboard only: select a layer, move it with arrows, connect by menu, delete it', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const dense = page.locator(SEL.node('n4'));
    await dense.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => dense.getAttribute('class')).toContain('selected');
    const x0 = ((await storedGraph(page)).nodes.find((n) => n.id === 'n4') as unknown as { position: { x: number } }).position.x;
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => ((await storedGraph(page)).nodes.find((n) => n.id === 'n4') as unknown as { position: { x: number } }).position.x).toBeGreaterThan(x0);
    // Disconnect LSTM → Dense, then reconnect with the "Connect to…" menu on the LSTM.
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(3);
    await page.keyboard.press(`${MOD}+z`);
    await expect.poll(() => nodeCount(page)).toBe(4);
    await page.locator(SEL.node('n3')).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /Disconnect to Dense/ }).click();
    await expect.poll(() => edgeCount(page)).toBe(2);
    await page.getByRole('combobox', { name: 'Connect to…' }).selectOption({ label: 'Dense · dense' });
    await expect.poll(() => edgeCount(page)).toBe(3);
    await expect.poll(() => labelFrom(page, 'n3')).toBe('[batch, 8]');
    // A refused menu connection says why.
    await page.locator(SEL.node('n4')).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('combobox', { name: 'Connect to…' }).selectOption({ label: 'LSTM · lstm' });
    await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(/LSTM/);
    expect(await edgeCount(page)).toBe(3);
    await page.context().close();
  });
  it('drops a recurrent layer into an empty Bidirectional (sub-flow) as one undo step', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    // The GRU first: clicked while an empty Bidirectional is selected, it would go straight inside (wrap.test.ts).
    let before = await nodeIds(page);
    await paletteButton(page, 'GRU').click();
    const gru = await added(page, before);
    before = await nodeIds(page);
    await paletteButton(page, 'Bidirectional').click();
    const bidi = await added(page, before);
    await dragNode(page, gru, await centre(page.locator(`${SEL.node(bidi)} .bidi-drop`)));
    await expect.poll(async () => (await storedGraph(page)).nodes.find((n) => n.id === gru)).toMatchObject({ parentId: bidi });
    await expect.poll(() => page.locator(`${SEL.node(bidi)} .bidi-drop`).count()).toBe(0);
    await undoButton(page).click();
    await expect.poll(async () => (await storedGraph(page)).nodes.find((n) => n.id === gru)).not.toHaveProperty('parentId');
    await page.context().close();
  });

  it('marks a layer in error with its reason on hover; the problems list selects it; the one-click fix clears it', async () => {
    const page = await openEditor(e2e.browser, { fixture: 'invalid/needs-return-sequences' });
    const bad = page.locator(SEL.node('lstm2'));
    await expect.poll(() => bad.locator('.node-badge').count()).toBe(1);
    await bad.locator('.node-badge').hover();
    await expect.poll(() => bad.locator('.node-problem').isVisible()).toBe(true);
    expect(await bad.locator('.node-problem').innerText()).toContain('returnSequences');
    await page.getByRole('tab', { name: /Problems/ }).click();
    const problem = page.getByRole('list', { name: 'Problems' }).getByRole('button', { name: /E_NEEDS_RETURN_SEQUENCES/ });
    await problem.click();
    await expect.poll(() => bad.getAttribute('class')).toContain('selected');
    await expect.poll(() => page.locator(SEL.inspector).locator('h2').innerText()).toBe('LSTM');
    await page.getByRole('button', { name: 'Set returnSequences', exact: true }).click();
    await expect.poll(() => bad.locator('.node-badge').count()).toBe(0);
    await expect.poll(() => labelFrom(page, 'lstm1')).toBe('[batch, T, 16]');
    await page.getByRole('tab', { name: /Summary/ }).click();
    // LSTM(16) on 2 features + LSTM(16) on 16 + Dense(1): 4·(16·18+16) + 4·(16·32+16) + 17
    await expect.poll(() => totalParams(page)).toBe(1_216 + 2_112 + 17);
    await page.context().close();
  });
  it('context menus: wrap a layer, delete a connection, add a layer where the pane was clicked, insert a layer into a connection', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    await page.locator(`${SEL.node('n3')} .node-head`).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Wrap in Bidirectional' }).click();
    await expect.poll(() => page.locator(SEL.nodeOfKind('Bidirectional')).count()).toBe(1);
    await page.locator(SEL.edgeLabel('e1')).evaluate((el) => el.scrollIntoView());
    const edgePath = page.locator(`${SEL.edge('e1')} path`).first();
    await edgePath.click({ button: 'right', force: true });
    await page.getByRole('menuitem', { name: 'Delete connection' }).click();
    await expect.poll(() => page.locator(SEL.edge('e1')).count()).toBe(0);
    const box = (await page.locator(SEL.pane).boundingBox())!;
    const before = await nodeIds(page);
    await page.mouse.click(box.x + 60, box.y + 60, { button: 'right' });
    await page.getByRole('menuitem', { name: 'Add GRU' }).click();
    const id = await added(page, before);
    const b = (await page.locator(SEL.node(id)).boundingBox())!;
    expect(Math.abs(b.x - (box.x + 60))).toBeLessThan(20);
    // Double-click on empty canvas opens the same menu; Escape closes it.
    await page.mouse.dblclick(box.x + box.width - 60, box.y + 40);
    await expect.poll(() => page.getByRole('menuitem', { name: 'Add LSTM' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('menu', { name: 'Context menu' }).count()).toBe(0);
    // Insert a layer into a connection: Embedding → [Dropout] → Bidirectional.
    const e = (await storedGraph(page)).edges as { id: string; source: string }[];
    const fromEmbedding = e.find((x) => x.source === 'n2')!.id;
    await page.locator(`${SEL.edge(fromEmbedding)} path`).first().click({ button: 'right', force: true });
    await page.getByRole('menuitem', { name: 'Insert Dropout' }).click();
    await expect.poll(() => page.locator(SEL.nodeOfKind('Dropout')).count()).toBe(1);
    const dropout = (await page.locator(SEL.nodeOfKind('Dropout')).getAttribute('data-id'))!;
    const after = (await storedGraph(page)).edges as { source: string; target: string }[];
    expect(after.filter((x) => x.source === dropout || x.target === dropout).map((x) => [x.source, x.target].includes('n2'))).toEqual([true, false]);
    await page.context().close();
  });
  it('the Presets menu lists every preset with its description and loads one as an undoable step', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    await page.getByRole('button', { name: /Presets/ }).click();
    const items = page.getByRole('menu', { name: 'Presets' }).getByRole('menuitem');
    const files = (await readdir('presets')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    expect(await items.count()).toBe(files.length);
    for (const name of files) {
      const description = JSON.parse(await readFile(`presets/${name}.json`, 'utf8')).graph.meta.description as string;
      expect(await items.filter({ hasText: name }).first().innerText()).toContain(description);
    }
    await items.filter({ hasText: 'lesson-gru' }).click();
    await expect.poll(() => page.locator(SEL.nodeOfKind('GRU')).count()).toBe(1);
    await expect.poll(() => page.getByRole('menu', { name: 'Presets' }).count()).toBe(0);
    await undoButton(page).click();
    await expect.poll(() => page.locator(SEL.nodeOfKind('LSTM')).count()).toBe(1);
    await page.context().close();
  });
  it('re-routes a connection by dragging its end, and deletes it when dropped on empty canvas (one step each)', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const before = await nodeIds(page);
    await paletteButton(page, 'Dense').click();
    const dense2 = await added(page, before);
    const end = page.locator(`${SEL.edge('e3')} .react-flow__edgeupdater-target`);
    await dragMouse(page, await centre(end), await centre(page.locator(SEL.targetHandle(dense2))));
    await expect.poll(async () => (await storedGraph(page)).edges).toContainEqual(expect.objectContaining({ source: 'n3', target: dense2 }));
    expect(await page.locator(SEL.edge('e3')).count()).toBe(0);
    await undoButton(page).click();
    await expect.poll(() => page.locator(SEL.edge('e3')).count()).toBe(1);
    const box = (await page.locator(SEL.pane).boundingBox())!;
    await dragMouse(page, await centre(end), { x: box.x + 30, y: box.y + box.height - 30 });
    await expect.poll(() => page.locator(SEL.edge('e3')).count()).toBe(0);
    await undoButton(page).click();
    await expect.poll(() => page.locator(SEL.edge('e3')).count()).toBe(1);
    await page.context().close();
  });
  it('every broken fixture opens without a page error, its layers badged and its codes in the Problems list', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.getByRole('tab', { name: /Problems/ }).click();
    const list = page.getByRole('list', { name: 'Problems' });
    for (const [file, expected] of Object.entries(EXPECTED)) {
      const text = await readFile(`tests/fixtures/invalid/${file}`, 'utf8');
      await page.locator(SEL.openFile).setInputFiles({ name: file, mimeType: 'application/json', buffer: Buffer.from(text) });
      await expect.poll(() => page.locator(SEL.status).innerText(), { message: file }).toContain(`Opened ${file}`);
      for (const entry of expected) {
        const [code, where] = entry.split('@');
        const node = where.split('.')[0];
        await expect.poll(() => list.getByRole('button', { name: new RegExp(code) }).count(), { message: `${file} ${code}` }).toBeGreaterThan(0);
        expect(await page.locator(`${SEL.node(node)} .node-badge`).count(), `${file} badge on ${node}`).toBe(1);
      }
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the dock resizes by dragging its top edge, by arrow keys, and with Expand/Shrink, never as an undo step', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const dock = page.getByRole('region', { name: 'Dock' });
    const height = async () => (await dock.boundingBox())!.height;
    const before = await height();
    const undoWasDisabled = await undoButton(page).isDisabled();
    const edge = page.getByRole('separator', { name: /Resize the dock/ });
    const at = await centre(edge);
    await dragMouse(page, at, { x: at.x, y: at.y - 200 });
    await expect.poll(height).toBeGreaterThan(before + 150);
    const dragged = await height();
    await edge.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(height).toBeLessThan(dragged - 20);
    await page.getByRole('button', { name: 'Expand dock' }).click();
    const workspace = (await page.locator('main.workspace').boundingBox())!.height;
    await expect.poll(height).toBeGreaterThan(0.6 * workspace);
    await page.getByRole('button', { name: 'Shrink dock' }).click();
    await expect.poll(height).toBeLessThan(0.3 * workspace);
    expect(await undoButton(page).isDisabled()).toBe(undoWasDisabled);
    await page.context().close();
  });
});
