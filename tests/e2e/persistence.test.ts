/**
 * Never losing work (reference/ux.md §5 scenarios 7–9): reload restores graph and viewport, Save → Open round
 * trips, bad files are refused with the graph untouched, v1 files migrate, share links open in a fresh browser,
 * and a second tab never overwrites silently.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION } from '../../src/graph/index.ts';
import {
  dropFileOnCanvas, newContext, nodeCount, openEditor, SEL, storedGraph, useBrowser, waitForCanvas,
} from './harness.ts';

const e2e = useBrowser();

const totalParams = async (page: Page) => Number((await page.locator(SEL.totalParams).innerText()).replace(/,/g, ''));
const viewportTransform = (page: Page) => page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
const unitsField = (page: Page) => page.getByRole('textbox', { name: 'Units', exact: true });

async function setLstmUnits(page: Page, units: string) {
  await page.locator(`${SEL.node('n3')} .node-head`).click();
  await unitsField(page).fill(units);
  await unitsField(page).press('Enter');
}

async function openText(page: Page, name: string, text: string) {
  await page.locator(SEL.openFile).setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

describe('persistence', () => {
  it('reload restores the graph, its params, the training settings with the seed, and the viewport', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    await setLstmUnits(page, '16');
    await expect.poll(() => totalParams(page)).toBe(1_285_252);
    // Pan the view by dragging the empty pane.
    const box = (await page.locator(SEL.pane).boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + box.height - 40);
    await page.mouse.down();
    await page.mouse.move(box.x + 140, box.y + box.height - 90, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await page.evaluate(() => localStorage.getItem('rnn-studio:graph'))) ?? '').toContain('"viewport"');
    const before = await viewportTransform(page);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('rnn-studio:graph')!).graph.viewport);
    const training = ((await storedGraph(page)) as unknown as { training: unknown }).training;
    expect(training).toMatchObject({ seed: expect.any(Number) });
    expect(page.url()).not.toContain('preset=');
    await page.reload();
    await waitForCanvas(page);
    expect(await nodeCount(page)).toBe(4);
    await expect.poll(() => totalParams(page)).toBe(1_285_252);
    expect(await viewportTransform(page)).toBe(before);
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('rnn-studio:graph')!).graph.viewport)).toEqual(stored);
    expect(((await storedGraph(page)) as unknown as { training: unknown }).training).toEqual(training);
    await page.context().close();
  });

  it('Save downloads a versioned file that Open reads back identically, in another browser', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-bilstm-2layer' });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.rnn\.json$/);
    const text = await readFile((await file.path())!, 'utf8');
    const saved = JSON.parse(text);
    expect(saved).toMatchObject({ type: 'rnn-studio-graph', schemaVersion: CURRENT_VERSION });
    const total = await totalParams(page);
    const graph = await storedGraph(page);

    const other = await openEditor(e2e.browser, { preset: 'lesson-gru' });
    await openText(other, file.suggestedFilename(), text);
    await expect.poll(() => other.locator(SEL.status).innerText()).toContain('Opened');
    await expect.poll(() => totalParams(other)).toBe(total);
    const reopened = await storedGraph(other);
    expect(reopened.nodes).toEqual(graph.nodes);
    expect(reopened.edges).toEqual(graph.edges);
    await page.context().close();
    await other.context().close();
  });

  it('refuses corrupt, wrong-version and hostile files with a message; the graph stays as it was', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const total = await totalParams(page);
    const graph = await storedGraph(page);
    const bad: [string, string, RegExp][] = [
      ['corrupt.json', '{"type": "rnn-studio-graph", "schemaVersion": 2, "graph": {"nodes": [', /not a JSON file/],
      ['future.json', JSON.stringify({ type: 'rnn-studio-graph', schemaVersion: 99, graph: { nodes: [], edges: [] } }), /newer RNN Studio/],
      [
        'hostile.json',
        JSON.stringify({
          type: 'rnn-studio-graph', schemaVersion: 2,
          graph: { nodes: [{ id: '<img src=x onerror=alert(1)>', position: { x: 0, y: 0 }, data: { kind: 'LSTM', params: {} } }], edges: [] },
        }),
        /invalid/,
      ],
      ['dangling.json', JSON.stringify({ type: 'rnn-studio-graph', schemaVersion: 2, graph: { nodes: [], edges: [{ id: 'e1', source: 'a', target: 'b' }] } }), /does not exist/],
    ];
    for (const [name, text, message] of bad) {
      await openText(page, name, text);
      await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(message);
      expect(await page.locator(SEL.status).innerText()).toContain(name);
      expect(await nodeCount(page)).toBe(4);
      expect(await totalParams(page)).toBe(total);
      expect(await storedGraph(page)).toEqual(graph);
    }
    expect(await page.locator('img[src=x]').count()).toBe(0);
    await page.context().close();
  });

  it('opens a graph file dropped on the canvas, and refuses a bad one the same way', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    await dropFileOnCanvas(page, 'broken.json', '{"schemaVersion": 2');
    await expect.poll(() => page.locator(SEL.status).innerText()).toMatch(/Could not open broken\.json/);
    expect(await nodeCount(page)).toBe(4);
    const gru = await readFile('presets/lesson-gru.json', 'utf8');
    await dropFileOnCanvas(page, 'lesson-gru.json', gru);
    await expect.poll(() => page.locator(SEL.status).innerText()).toContain('Opened lesson-gru.json');
    await expect.poll(() => page.locator('.react-flow__node:has(> [data-kind="GRU"])').count()).toBe(1);
    expect((await storedGraph(page)).nodes).toEqual(JSON.parse(gru).graph.nodes);
    await page.context().close();
  });

  it('opens a version-1 file by migrating it', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const v1 = {
      schemaVersion: 1,
      seed: 7,
      nodes: [
        { id: 'a', kind: 'Input', params: { inputType: 'features', features: 3 }, x: 0, y: 0 },
        { id: 'b', kind: 'GRU', params: { units: 5 }, x: 0, y: 150 },
        { id: 'c', kind: 'Dense', params: { units: 1, activation: 'linear' }, x: 0, y: 300 },
      ],
      edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }],
    };
    await openText(page, 'old.json', JSON.stringify(v1));
    await expect.poll(() => page.locator(SEL.status).innerText()).toContain('upgraded from file version 1');
    expect(await nodeCount(page)).toBe(3);
    const g = (await storedGraph(page)) as unknown as { training: { seed: number } };
    expect(g.training.seed).toBe(7);
    await expect.poll(() => page.locator(`${SEL.node('b')} [data-testid="node-shape"]`).innerText()).toBe('[batch, 5]');
    await page.context().close();
  });

  it('a share link opens the same graph, settings and seed in a fresh browser', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-bilstm-2layer' });
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const url = await page.locator(SEL.shareUrl).inputValue();
    expect(url).toMatch(/#g=/);
    const graph = await storedGraph(page);
    const total = await totalParams(page);

    const fresh = await newContext(e2e.browser, { width: 1280, height: 800 });
    const other = await fresh.newPage();
    await other.goto(url);
    await waitForCanvas(other);
    await expect.poll(() => totalParams(other)).toBe(total);
    const shared = await storedGraph(other);
    expect(shared.nodes).toEqual(graph.nodes);
    expect(shared.edges).toEqual(graph.edges);
    expect((shared as unknown as { training: unknown }).training).toEqual((graph as unknown as { training: unknown }).training);
    expect(other.url()).not.toContain('#g=');
    await page.context().close();
    await fresh.close();
  });

  it('a second tab that saves makes this tab ask instead of overwriting', async () => {
    const a = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const b = await a.context().newPage();
    await b.goto(a.url());
    await waitForCanvas(b);
    const units = async () => (await storedGraph(a)).nodes.find((n) => n.id === 'n3')!.data.params.units;
    await setLstmUnits(a, '12');
    await expect.poll(units).toBe(12);
    // B, still showing 8, edits: it must not overwrite A's save; it asks.
    await setLstmUnits(b, '20');
    await expect.poll(() => b.locator('[data-testid="conflict"]').isVisible()).toBe(true);
    expect(await units()).toBe(12);
    await b.getByRole('button', { name: "Load the other tab's graph" }).click();
    await expect.poll(() => b.locator(`${SEL.node('n3')}`).getAttribute('aria-label')).toBe('LSTM, 12 units');
    // Once resolved, B autosaves again, and now A is the one that asks.
    await setLstmUnits(b, '24');
    await expect.poll(units).toBe(24);
    await setLstmUnits(a, '30');
    await expect.poll(() => a.locator('[data-testid="conflict"]').isVisible()).toBe(true);
    expect(await units()).toBe(24);
    // "Keep mine" is an explicit overwrite.
    await a.getByRole('button', { name: 'Keep mine (overwrite)' }).click();
    await expect.poll(units).toBe(30);
    await a.context().close();
  });
});
