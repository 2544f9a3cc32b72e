/**
 * Issue 20's "must show" in Chromium: Keras's lstm_seq2seq shape built BY HAND on an empty canvas — two Inputs, two
 * Embeddings, an encoder LSTM with Return state, a decoder LSTM with Initial state inputs whose initial_h and
 * initial_c are dragged from the encoder's h and c ports, a softmax Dense — then trained on addition as text in the
 * worker, and "try it" decodes sums correctly. The Training tab is set as a user would: 2 digits per number (the
 * slider), Adam at 0.01, batches of 128, a 100-epoch cap. Training runs until the accuracy chart's validation value
 * reaches 99 %, then Stop; the final evaluation must decode at least 80 % of the validation questions (never trained
 * on) exactly right. Then three questions of the dataset preview, typed as it shows them ("a+b"), must each decode to
 * their true sum, worked out by the test.
 */
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { centre, nodeCount, nodeIds, openEditor, paletteButton, SEL, storedGraph, useBrowser } from './harness.ts';

const e2e = useBrowser();

/** Drops a palette layer at a fraction of the canvas and returns its id. */
async function place(page: Page, kind: string, fx: number, fy: number): Promise<string> {
  const before = await nodeIds(page);
  const pane = page.locator(SEL.pane);
  const box = (await pane.boundingBox())!;
  await paletteButton(page, kind).dragTo(pane, { targetPosition: { x: Math.round(box.width * fx), y: Math.round(box.height * fy) } });
  await expect.poll(() => nodeCount(page)).toBe(before.length + 1);
  return (await nodeIds(page)).find((id) => !before.includes(id))!;
}

/** Selects a layer and sets its fields in the inspector: numbers typed and committed, switches turned on, selects chosen. */
async function setParams(page: Page, id: string, fields: { numbers?: Record<string, string>; on?: string[]; choose?: Record<string, string> }) {
  await page.locator(`${SEL.node(id)} .node-head`).click();
  for (const [name, value] of Object.entries(fields.numbers ?? {})) {
    const box = page.getByRole('textbox', { name, exact: true });
    await box.fill(value);
    await box.press('Enter');
  }
  for (const name of fields.on ?? []) await page.getByRole('switch', { name, exact: true }).check();
  for (const [name, value] of Object.entries(fields.choose ?? {})) await page.getByRole('combobox', { name, exact: true }).selectOption(value);
}

it('builds lstm_seq2seq by hand (ports dragged), trains it on 2-digit addition to 99 % validation accuracy, and decodes typed questions to their true sums', async () => {
  const page = await openEditor(e2e.browser, { preset: 'lesson-lstm', query: { backend: 'wasm' } });
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect.poll(() => nodeCount(page)).toBe(0);

  const src = await place(page, 'Input', 0.2, 0.12);
  const srcEmb = await place(page, 'Embedding', 0.2, 0.32);
  const enc = await place(page, 'LSTM', 0.2, 0.55);
  const tgt = await place(page, 'Input', 0.6, 0.12);
  const tgtEmb = await place(page, 'Embedding', 0.6, 0.32);
  const dec = await place(page, 'LSTM', 0.6, 0.55);
  const out = await place(page, 'Dense', 0.6, 0.8);

  // Addition with 3 digits: 14 source ids (pad, unknown, 0–9, +, space), 14 target ids (pad, start, end, 0–9, space).
  for (const id of [src, tgt]) await setParams(page, id, { numbers: { 'Vocabulary size': '14' } });
  for (const id of [srcEmb, tgtEmb]) await setParams(page, id, { numbers: { 'Input dim (vocabulary)': '14', 'Output dim': '16' }, on: ['Mask zero'] });
  await setParams(page, enc, { numbers: { Units: '64' }, on: ['Return state'] });
  await setParams(page, dec, { numbers: { Units: '64' }, on: ['Initial state inputs', 'Return sequences'] });
  await setParams(page, out, { numbers: { Units: '14' }, choose: { Activation: 'softmax' } });

  const port = (node: string, p: string) => page.locator(`.react-flow__handle[data-nodeid="${node}"][data-handleid="${p}"]`);
  const handle = (node: string, side: 'source' | 'target') => page.locator(side === 'source' ? SEL.sourceHandle(node) : SEL.targetHandle(node));
  const links: string[] = [];
  const connect = async (from: Locator, to: Locator, what: string) => {
    const [a, b] = [await centre(from), await centre(to)];
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(a.x, a.y + 12, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 12 });
    await page.mouse.move(b.x + 1, b.y, { steps: 2 });
    await page.mouse.up();
    links.push(what);
    await expect.poll(async () => (await storedGraph(page)).edges.length, { message: what }).toBe(links.length);
  };
  await connect(handle(src, 'source'), handle(srcEmb, 'target'), 'source Input → Embedding');
  await connect(handle(tgt, 'source'), handle(tgtEmb, 'target'), 'decoder Input → Embedding');
  await connect(handle(srcEmb, 'source'), handle(enc, 'target'), 'Embedding → encoder');
  await connect(handle(tgtEmb, 'source'), port(dec, 'x'), 'Embedding → decoder x');
  // The bridge: the encoder's final h and c into the decoder's initial states, port to port.
  await connect(port(enc, 'h'), port(dec, 'initial_h'), 'encoder h → decoder initial_h');
  await connect(port(enc, 'c'), port(dec, 'initial_c'), 'encoder c → decoder initial_c');
  await connect(handle(dec, 'source'), handle(out, 'target'), 'decoder → Dense');
  const edges = (await storedGraph(page)).edges as { source: string; target: string; sourceHandle?: string; targetHandle?: string }[];
  expect(edges.filter((e) => e.source === enc && e.target === dec).map((e) => `${e.sourceHandle}→${e.targetHandle}`).sort()).toEqual(['c→initial_c', 'h→initial_h']);
  // No problems left on any layer.
  await expect.poll(() => page.locator('.node-badge').count()).toBe(0);

  // The task and its settings, chosen in the Training tab as a user would: addition with 2 digits (2,272 training
  // questions), Adam at 0.01, batches of 128, at most 100 epochs.
  await page.getByRole('tab', { name: 'Training' }).click();
  await page.getByTestId('task-select').selectOption('addition-text');
  await expect.poll(() => page.getByTestId('dataset-preview').textContent()).toMatch(/addition_rnn/);
  const digits = page.getByTestId('seq-len');
  await digits.focus();
  await digits.press('ArrowLeft');
  await expect.poll(() => page.getByTestId('dataset-preview').textContent()).toMatch(/up to 2 digits each/);
  for (const [field, value] of [['lr', '0.01'], ['batch-size', '128'], ['epochs', '100']]) {
    await page.getByTestId(field).fill(value);
    await page.getByTestId(field).press('Enter');
  }
  // Three questions of the preview, as the table shows them to a person ("a+b"), with their true sums worked out here.
  const rows = await page.getByTestId('dataset-preview').locator('tbody tr td:first-child').allTextContents();
  const questions = rows.slice(0, 3).map((q) => {
    const m = /^(\d{1,2})\+(\d{1,2})$/.exec(q);
    expect(m, q).not.toBeNull();
    return { q, sum: String(Number(m![1]) + Number(m![2])) };
  });

  // Train until the validation accuracy the accuracy chart reports reaches 99 % (of answer characters and end
  // tokens), then Stop. The 100-epoch cap (1,700 steps) ends the run first if it never does, and the poll fails.
  const validation = async () => Number(/validation ([\d.]+)$/.exec((await page.getByTestId('metric-chart').locator('figcaption').textContent()) ?? '')?.[1] ?? 0);
  await page.getByTestId('train').click();
  await expect.poll(() => page.getByTestId('progress-text').textContent(), { timeout: 120_000 }).toMatch(/^step \d+ \/ 1700 /);
  await expect.poll(validation, { timeout: 420_000, interval: 200 }).toBeGreaterThanOrEqual(0.99);
  await page.getByTestId('stop').click();
  await expect.poll(() => page.getByTestId('train-status').textContent(), { timeout: 120_000 }).toBe('stopped');
  // The validation questions decoded step by step: most of them exactly right (they are not in the training set).
  const final = (await page.getByTestId('final-eval').textContent()) ?? '';
  expect(Number(/exactly right ([\d.]+) %/.exec(final)?.[1]), final).toBeGreaterThanOrEqual(80);

  // "Try it" decodes each typed question, greedily from the start token: the answer is the sum.
  expect(await page.getByTestId('try-run').textContent()).toBe('Decode');
  for (const { q, sum } of questions) {
    await page.getByTestId('try-text').fill(q);
    await page.getByTestId('try-run').click();
    const result = page.getByTestId('try-result');
    await expect.poll(() => result.locator('div').first().textContent(), { timeout: 60_000 }).toBe(`input ${q}`);
    // Keras's answers are padded with spaces to 3 characters: the padding is not part of the sum.
    expect((await result.locator('strong').textContent())!.trimEnd(), `${q} (${final})`).toBe(sum);
  }
}, 600_000);
