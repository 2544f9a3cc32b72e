/**
 * Versions, not overwrites (issue 21), in a real browser: with the user's graph A autosaved, opening a share link of
 * B, then a preset C, then a lesson step each keep what they replace; "Recent" lists them and one click brings A back
 * exactly as it was stored (undoably). A tab that takes the other tab's graph keeps its own and does not make the
 * other tab ask about its own graph. An autosave the app cannot read is kept as it was and offered as a download
 * whose file equals what was stored.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/graph/index.ts';
import { stepIndex } from '../../src/lesson/steps.ts';
import { encodeShare } from '../../src/store/persistence.ts';
import { baseUrl, newContext, openEditor, SEL, useBrowser, waitForCanvas } from './harness.ts';

const e2e = useBrowser();

const GRAPH_KEY = 'rnn-studio:graph';
/** The lesson's progress (store/lesson.ts PROGRESS_KEY): the lesson resumes at the step it holds. */
const LESSON_PROGRESS_KEY = 'rnn-studio:lesson';

const stored = (page: Page) => page.evaluate((k) => localStorage.getItem(k), GRAPH_KEY);
const storedName = async (page: Page) => JSON.parse((await stored(page)) ?? 'null')?.graph.meta?.name as string | undefined;
const recent = (page: Page) => page.getByRole('menu', { name: 'Recent' });

async function presetFile(name: string) {
  const r = parseDocument(await readFile(`presets/${name}.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
}

describe('versions', () => {
  it('a share link, a preset and a lesson step keep what they replace; Recent restores the autosaved graph exactly', async () => {
    const page = await openEditor(e2e.browser, { preset: 'lesson-gru' });
    // A: the user's own graph, autosaved.
    await page.locator(`${SEL.node('n3')} .node-head`).click();
    const units = page.getByRole('textbox', { name: 'Units', exact: true });
    await units.fill('12');
    await units.press('Enter');
    await expect.poll(async () => JSON.parse((await stored(page))!).graph.nodes.find((n: { id: string }) => n.id === 'n3').data.params.units).toBe(12);
    const a = (await stored(page))!;
    const gru = await presetFile('lesson-gru');

    // B: a share link, opened in the same browser.
    const share = encodeShare({ ...(await presetFile('lesson-bilstm-2layer')), meta: { name: 'Shared B' } });
    if (!share.ok) throw new Error(share.error);
    await page.goto('about:blank');
    await page.goto(`${baseUrl()}/${share.hash}`);
    await waitForCanvas(page);
    await expect.poll(() => storedName(page)).toBe('Shared B');

    // C: a preset link; the lesson will resume at its "shapes" step.
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [LESSON_PROGRESS_KEY, JSON.stringify({ step: stepIndex('shapes'), verdicts: {} })]);
    await page.goto(`${baseUrl()}/?preset=copy-lstm`);
    await waitForCanvas(page);
    const copy = (await presetFile('copy-lstm')).meta?.name;
    await expect.poll(() => storedName(page)).toBe(copy);

    // A lesson step loads its own preset in place of C.
    await page.getByRole('button', { name: 'Lesson', exact: true }).click();
    await expect.poll(() => page.getByTestId('lesson').getAttribute('data-step')).toBe('shapes');
    await page.getByTestId('lesson-do').click();
    await expect.poll(() => page.getByTestId('lesson-verdict').getAttribute('data-ok'), { timeout: 60_000 }).toBe('true');
    const bilstm = (await presetFile('lesson-bilstm-2layer')).meta?.name;
    await expect.poll(() => storedName(page)).toBe(bilstm);
    await page.keyboard.press('Escape'); // closes the lesson

    // Recent lists all three, newest first, with what replaced each; Escape closes it.
    const button = page.getByRole('button', { name: 'Recent ▾' });
    await button.click();
    await expect.poll(() => recent(page).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => recent(page).count()).toBe(0);
    await button.click();
    const items = recent(page).getByRole('menuitem');
    const texts = (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(new RegExp(`^${copy} · .+ Replaced by the lesson's preset lesson-bilstm-2layer\\.$`));
    expect(texts[1]).toMatch(/^Shared B · .+ Replaced by a preset\.$/);
    expect(texts[2]).toMatch(new RegExp(`^${gru.meta?.name} · .+ Replaced by a share link\\.$`));

    // One click brings A back: the stored document deep-equals the one autosaved before the link was opened.
    await items.nth(2).click();
    await expect.poll(() => recent(page).count()).toBe(0);
    await expect.poll(() => storedName(page)).toBe(gru.meta?.name);
    expect(JSON.parse((await stored(page))!)).toEqual(JSON.parse(a));
    await expect.poll(() => page.locator(SEL.node('n3')).getAttribute('aria-label')).toBe('GRU, 12 units');
    // Restoring is itself kept and undoable: the lesson's graph is now the newest version, and Undo brings it back.
    await button.click();
    expect((await items.first().innerText()).replace(/\s+/g, ' ')).toMatch(new RegExp(`^${bilstm} · .+ Replaced by a version from Recent \\(${gru.meta?.name}\\)\\.$`));
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => storedName(page)).toBe(bilstm);
    await page.context().close();
  });

  it('after "Load the other tab\'s graph", the other tab is not asked about its own graph coming back', async () => {
    const a = await openEditor(e2e.browser, { preset: 'lesson-lstm' });
    const b = await a.context().newPage();
    await b.goto(a.url());
    await waitForCanvas(b);
    const setUnits = async (page: Page, value: string) => {
      await page.locator(`${SEL.node('n3')} .node-head`).click();
      const units = page.getByRole('textbox', { name: 'Units', exact: true });
      await units.fill(value);
      await units.press('Enter');
    };
    await setUnits(a, '12');
    await setUnits(b, '20');
    await expect.poll(() => b.getByTestId('conflict').isVisible()).toBe(true);
    await b.getByRole('button', { name: "Load the other tab's graph" }).click();
    await expect.poll(() => b.locator(SEL.node('n3')).getAttribute('aria-label')).toBe('LSTM, 12 units');
    // B's own graph (20 units) is a version in B's Recent.
    await b.getByRole('button', { name: 'Recent ▾' }).click();
    expect(await recent(b).getByRole('menuitem').first().innerText()).toMatch(/Replaced by the other tab's graph\./);
    await b.keyboard.press('Escape');
    // A goes on editing: no question, and its edit is saved.
    await setUnits(a, '14');
    await expect.poll(async () => JSON.parse((await stored(a))!).graph.nodes.find((n: { id: string }) => n.id === 'n3').data.params.units).toBe(14);
    expect(await a.getByTestId('conflict').count()).toBe(0);
    await a.context().close();
  });

  it('an unreadable autosave is kept as it was and offered as a download of exactly what was stored', async () => {
    const context = await newContext(e2e.browser);
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/`);
    await waitForCanvas(page);
    // A graph from a newer version of the app, cut short: not JSON, and not ASCII either.
    const damaged = '{"type":"rnn-studio-graph","schemaVersion":99,"graph":{"meta":{"name":"Mon réseau « long » ✓"},"nodes":[{"id":"n1"';
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [GRAPH_KEY, damaged]);
    await page.reload();
    await waitForCanvas(page);
    const banner = page.getByTestId('unreadable-autosave');
    await expect.poll(() => banner.isVisible()).toBe(true);
    expect(await banner.innerText()).toMatch(/Your autosaved graph could not be read \(.+\)\. It is kept unchanged under Recent, not overwritten\./);
    const download = page.waitForEvent('download');
    await banner.getByRole('button', { name: 'Download it' }).click();
    const file = await download;
    expect(await readFile((await file.path())!, 'utf8')).toBe(damaged);

    // The example graph now autosaves; the damaged text stays listed under Recent after a reload, and downloads the same.
    await expect.poll(async () => parseDocument((await stored(page)) ?? '').ok).toBe(true);
    await page.reload();
    await waitForCanvas(page);
    expect(await banner.count()).toBe(0);
    await page.getByRole('button', { name: 'Recent ▾' }).click();
    const again = page.waitForEvent('download');
    await recent(page).getByRole('menuitem', { name: /Unreadable autosave/ }).click();
    expect(await readFile((await (await again).path())!, 'utf8')).toBe(damaged);
    await context.close();
  });
});
