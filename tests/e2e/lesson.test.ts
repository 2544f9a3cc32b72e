/**
 * The guided lesson in a real browser, as a new user meets it: it opens by itself on a first visit, Escape closes
 * it and the toolbar's Lesson button brings it back; then every step is done by pressing "Do it" and "Next", and
 * each "What you should see" verdict is checked, together with what the step put on screen (the unrolled strip,
 * the Training tab's result, three gradient curves, the gate heatmaps, the race, the shapes on the edges, the
 * exported code, the encoder's gradient with and without attention). Progress survives a reload. A user's own graph is kept aside, never lost.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LESSON_STEPS } from '../../src/lesson/steps.ts';
import { layoutFaults, openEditor, storedGraph, useBrowser, waitForCanvas } from './harness.ts';

const e2e = useBrowser();

const lesson = (page: Page) => page.getByTestId('lesson');
const verdictOf = (page: Page): Locator => page.getByTestId('lesson-verdict');

/** Presses "Do it" on the current step and waits for its verdict; returns its text. */
async function doStep(page: Page, id: string, timeout: number): Promise<string> {
  await expect.poll(() => lesson(page).getAttribute('data-step')).toBe(id);
  await page.getByTestId('lesson-do').click();
  await expect.poll(() => verdictOf(page).getAttribute('data-ok'), { timeout, interval: 500 }).toMatch(/^(true|false)$/);
  const text = (await verdictOf(page).textContent()) ?? '';
  console.log(`lesson step ${id}: ${text}`);
  return text;
}

/**
 * The charts the current step names are where a student can see them: each one (steps.ts `view.focus`) is inside the
 * viewport, not covered (elementFromPoint at its centre lands in it) and outlined. Every number in the verdict is on
 * screen in those charts or in the step's own "What you should see" line. Returns what was checked, for the log.
 */
async function inView(page: Page, id: string, named: string) {
  const focus = LESSON_STEPS.find((s) => s.id === id)!.view.focus;
  expect(focus).toContain(named); // the chart the step is about is among those it arranges
  await expect.poll(() => page.locator('.lesson-focus').count(), { timeout: 10_000 }).toBe(focus.length);
  const seen = await page.evaluate((sels) => sels.map((sel) => {
    const el = document.querySelector(sel)!;
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      sel, outlined: el.classList.contains('lesson-focus'), covered: !hit || !el.contains(hit),
      inside: r.left >= 0 && r.top >= 0 && r.right <= innerWidth + 0.5 && r.bottom <= innerHeight + 0.5 && r.width > 0 && r.height > 0,
      box: [r.left, r.top, r.right, r.bottom].map(Math.round), text: el.textContent ?? '',
    };
  }), focus);
  for (const v of seen) expect({ sel: v.sel, outlined: v.outlined, covered: v.covered, inside: v.inside, box: v.box }).toEqual({ sel: v.sel, outlined: true, covered: false, inside: true, box: v.box });
  const verdict = (await verdictOf(page).textContent())!;
  const expectLine = (await page.getByTestId('lesson-expect').textContent())!.replace(verdict, '');
  const shown = `${seen.map((v) => v.text).join(' ')} ${expectLine}`;
  const numbers = verdict.match(NUMBER) ?? [];
  expect(numbers.filter((n) => !shown.includes(n)), `numbers of the verdict missing from ${focus.join(', ')}`).toEqual([]);
  // And the window as arranged for the step: one-row header and dock bar, no label cut off or wrapped, no control over another.
  expect({ id, ...(await layoutFaults(page)) }).toEqual({ id, headerWraps: false, dockBarWraps: false, wrapped: [], clipped: [], overlapping: [] });
  return numbers.length;
}

/** A number as the app writes one: 0.4542, 79.7, 1,760, 2·10⁻⁷ or 10⁻⁵. */
const NUMBER = /\d+(?:,\d{3})*(?:\.\d+)?(?:·10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?|10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+/g;

/** Step 8 from "Do it" to its ✓: the verdict's ratio is the story's, and the chart overlays both encoder curves. */
async function attentionStep(page: Page) {
  const started = Date.now();
  const text = await doStep(page, 'attention', 300_000);
  console.log(`lesson step attention: ${((Date.now() - started) / 1000).toFixed(0)} s in Chromium`);
  expect(text).toMatch(/^✓ after \d+ steps of reversing \d+ symbols \(baseline [\d.]+\) the validation loss is [\d.]+ with attention and [\d.]+ without, and ‖∂L\/∂h1‖ of the encoder's first step is .* \(with \/ without = ([\d.]+)\): attention is a short path/);
  const ratio = text.match(/with \/ without = ([\d.·⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)\)/)![1];
  await expect.poll(() => page.getByTestId('attention-pair-story').textContent()).toContain(`= ${ratio}: more of the gradient reaches the encoder's first step`);
  await expect.poll(async () => (await page.locator('[data-testid="gradient-chart"] path.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-series')))).sort())
    .toEqual(['with', 'without']);
  await inView(page, 'attention', '[data-testid="attention-pair-story"]');
}

it('step 8 on its own: the graph trained without and with attention, checked against the run', async () => {
  const page = await openEditor(e2e.browser, { query: { backend: 'wasm' }, viewport: { width: 1280, height: 800 } });
  await page.getByRole('button', { name: 'Lesson', exact: true }).click();
  await page.getByRole('list', { name: 'Lesson steps' }).getByRole('button').nth(LESSON_STEPS.length - 1).click();
  await attentionStep(page);
  await page.context().close();
}, 600_000);

describe.each([{ width: 1280, height: 800 }, { width: 1024, height: 700 }])('the lesson at $width×$height', (viewport) => {
  it('opens on a first visit, closes on Escape, and is done end to end with Do it and Next; every verdict is a ✓ and its charts are in view', async () => {
    const page = await openEditor(e2e.browser, { firstVisitLesson: true, query: { backend: 'wasm' }, viewport });
    await expect.poll(() => lesson(page).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => lesson(page).count()).toBe(0);
    await page.getByRole('button', { name: 'Lesson', exact: true }).click();
    await expect.poll(() => lesson(page).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('lesson-expect').textContent()).toContain('What you should see');
    // Every step's button is in view: none scrolls out of the strip.
    const dots = page.getByRole('list', { name: 'Lesson steps' }).getByRole('button');
    for (const box of await dots.evaluateAll((bs) => bs.map((b) => { const r = b.getBoundingClientRect(); const l = b.closest('aside')!.getBoundingClientRect(); return r.left >= l.left && r.right <= l.right; })))
      expect(box).toBe(true);

    // 1. The recurrent cell, unrolled: a strip of steps with padding (mask 0) in view; ✓ says h_t was carried over there.
    let text = await doStep(page, 'cell', 120_000);
    expect(text).toMatch(/^✓ each of the \d+ real tokens of example \d+ changed ht .* at the \d+ padded steps? \(mask 0\) ht was carried over exactly\.$/); // h_t is drawn with a subscript
    const steps = page.locator('[data-testid="unroll-strip"] [data-testid="unroll-step"]');
    expect(await steps.count()).toBeGreaterThanOrEqual(2);
    const masks = await steps.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-mask')));
    expect(masks).toContain('0');
    // Colour bars for x_t and h_t; h_t's is the fixed tanh range.
    const bars = page.locator('[data-testid="unroll-strip"] [data-testid="colour-bar"]');
    expect(await bars.count()).toBe(2);
    expect(await bars.nth(1).locator('.colour-tick').allTextContents()).toEqual(['-1', '1']);
    expect(text).toContain(`at the ${masks.filter((m) => m === '0').length} padded step`);
    expect(await page.locator('.react-flow__node.selected').getAttribute('data-id')).toBeTruthy();
    // The whole strip fits the lesson's width: the last step is inside the panel.
    const last = await steps.last().evaluate((g) => g.getBoundingClientRect().right <= g.closest('aside')!.getBoundingClientRect().right);
    expect(last).toBe(true);
    await inView(page, 'cell', '[data-testid="unroll-strip"]');
    await page.getByTestId('lesson-next').click();

    // 2. Train the classifier on text, then "try it"; the verdict's numbers are the Training tab's.
    text = await doStep(page, 'train', 300_000);
    expect(text).toMatch(/^✓ after \d+ steps on .*, validation loss [\d.]+ against the baseline loss [\d.]+ \(predicting the class frequencies\), and validation accuracy [\d.]+ % against [\d.]+ % for always answering the majority class\. "Try it" read/);
    const [, valLoss, baseLoss] = text.match(/validation loss ([\d.]+) against the baseline loss ([\d.]+)/)!;
    expect(Number(valLoss)).toBeLessThan(Number(baseLoss));
    await expect.poll(() => page.getByTestId('try-result').isVisible()).toBe(true);
    expect(await page.getByTestId('try-unused').count()).toBe(0); // Dense(2): no output stands for no class
    await inView(page, 'train', '[data-testid="final-eval"]');
    await page.getByTestId('lesson-next').click();

    // 3. The gradient through time: three probes, three curves on the log-scale chart.
    text = await doStep(page, 'gradient', 180_000);
    expect(text).toMatch(/^✓ g₁\/gT = .* at T = 10, .* at T = 50 and .* at T = 100: the longer the sequence/);
    await expect.poll(async () => (await page.locator('[data-testid="gradient-chart"] path.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-series')))).sort())
      .toEqual(['T=10', 'T=100', 'T=50']);
    await inView(page, 'gradient', '[data-testid="gradient-chart"]');
    await page.getByTestId('lesson-next').click();

    // 4. The LSTM's gates, with the weights trained in step 2, read from the example the heatmaps show.
    text = await doStep(page, 'gates', 180_000);
    expect(text).toMatch(/^✓ with the trained weights, in example \d+ \(the one in the heatmaps, \d+ real steps\) the forget gate f ranges from .* so c adds up past the ±1/);
    await expect.poll(() => page.locator('[data-testid^="gate-map-"]').count(), { timeout: 60_000 }).toBe(6);
    await expect.poll(() => page.getByRole('group', { name: 'What to show' }).textContent()).toContain('this graph (trained weights)');
    const example = text.match(/in example (\d+)/)![1];
    expect(await page.getByTestId('panel-gates').getAttribute('aria-label')).toContain(`example ${example}`);
    await inView(page, 'gates', '[data-testid="gate-map-c"]');
    await page.getByTestId('lesson-next').click();

    // 5. The race, through the race's own store action; three finished runs; no leftover from step 4.
    text = await doStep(page, 'race', 300_000);
    expect(text).toMatch(/^✓ after \d+ steps at T = \d+ \(baseline [\d.]+\) the SimpleRNN's validation loss [\d.]+ stayed at the baseline, while the LSTM's validation loss .* and the GRU's validation loss .* learned, carrying more of the gradient back/);
    const group = (await page.getByRole('group', { name: 'What to show' }).textContent())!;
    expect(group.match(/\(done, step \d+\)/g)).toHaveLength(3);
    expect(group).not.toContain('this graph');
    await inView(page, 'race', '[data-testid="race-story"]');
    await page.getByTestId('lesson-next').click();

    // 6. Bidirectional and stacked: the shapes named in the verdict are on the canvas's edges; nothing of the race is left on it.
    text = await doStep(page, 'shapes', 60_000);
    expect(text).toMatch(/^✓ \w+ outputs \[batch, T, 128\] = 64 forward \+ 64 backward.*outputs \[batch, 128\]/);
    const labels = await page.locator('[data-testid^="edge-label-"]').allTextContents();
    expect(labels.some((l) => l.startsWith('[batch, T, 128]'))).toBe(true);
    expect(labels.some((l) => l.startsWith('[batch, 128]'))).toBe(true);
    expect(await page.evaluate(() => document.getElementById('inside-gradient-overlay')?.textContent ?? '')).toBe('');
    await inView(page, 'shapes', '.react-flow');
    // Every edge label, whose shape the verdict quotes, is uncovered at its centre: the label takes no pointer events,
    // so what elementFromPoint finds there must be the label or its own edge, never a node, the minimap or a control.
    const covered = await page.locator('[data-testid^="edge-label-"]').evaluateAll((ls) => ls.flatMap((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      const edge = el.getAttribute('data-testid')!.replace('edge-label-', '');
      const own = el.contains(hit) || hit?.closest(`.react-flow__edge[data-id="${edge}"]`) || hit?.matches('.react-flow__pane, .react-flow__edges, .react-flow__edges svg');
      return own ? [] : [`${el.getAttribute('data-testid')} at ${[r.left, r.top, r.right, r.bottom].map(Math.round)} under ${hit?.outerHTML.slice(0, 80)}`];
    }));
    expect(covered).toEqual([]);
    await page.getByTestId('lesson-next').click();

    // 7. Export: the Export tab shows the PyTorch code whose modules the verdict counted.
    text = await doStep(page, 'export', 60_000);
    expect(text).toMatch(/^✓ model\.py \(PyTorch\) builds 4 recurrent modules, one per direction/);
    const code = (await page.getByTestId('export-code').textContent())!;
    expect(code.match(/nn\.LSTM\(|LoopRNN\(/g)).toHaveLength(4);
    await inView(page, 'export', '[data-testid="export-code"]');
    await page.getByTestId('lesson-next').click();

    // 8. Attention: the pair trained in the worker, both encoder curves on the gradient chart.
    await attentionStep(page);

    // Every step dot shows ✓; the progress survives a reload.
    expect(await dots.allTextContents()).toEqual(LESSON_STEPS.map(() => '✓'));
    await page.reload();
    await waitForCanvas(page);
    expect(await lesson(page).count()).toBe(0); // not a first visit any more
    await page.getByRole('button', { name: 'Lesson', exact: true }).click();
    await expect.poll(() => lesson(page).getAttribute('data-step')).toBe('attention');
    expect(await dots.allTextContents()).toEqual(LESSON_STEPS.map(() => '✓'));
    await page.getByRole('button', { name: 'Close the lesson' }).click();
    await expect.poll(() => lesson(page).count()).toBe(0);
    await page.context().close();
  }, 1_200_000);
});

it("asks before replacing the user's own graph, keeps it aside and brings it back", async () => {
  const page = await openEditor(e2e.browser, { preset: 'lesson-gru' });
  // Make the graph the user's own: change the GRU's units in the inspector.
  await page.locator('.react-flow__node[data-id="n3"] .node-head').click();
  const units = page.getByRole('textbox', { name: 'Units', exact: true });
  await units.fill('12');
  await units.press('Enter');
  await expect.poll(async () => (await storedGraph(page)).nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(12);

  await page.getByRole('button', { name: 'Lesson', exact: true }).click();
  await page.getByTestId('lesson-do').click();
  await expect.poll(() => page.getByTestId('lesson-confirm').isVisible()).toBe(true);
  expect((await storedGraph(page)).nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(12);
  await page.getByRole('button', { name: 'Keep it aside and go on' }).click();
  await expect.poll(() => verdictOf(page).getAttribute('data-ok'), { timeout: 120_000, interval: 500 }).toMatch(/^(true|false)$/);
  expect((await storedGraph(page)).nodes.some((n) => n.data.kind === 'SimpleRNN')).toBe(true);

  await page.getByTestId('lesson-bring-back').click();
  await expect.poll(async () => (await storedGraph(page)).nodes.find((n) => n.id === 'n3')?.data.params.units).toBe(12);
  expect((await storedGraph(page)).nodes.find((n) => n.id === 'n3')!.data.kind).toBe('GRU');
  await page.context().close();
}, 300_000);
