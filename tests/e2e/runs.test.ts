/**
 * Kept runs in a real browser (IndexedDB): train the lesson LSTM 200 steps on the negation toy and note "try it"'s
 * probabilities; train again and Stop after the first step; the 200-step run is still listed, survives a reload, and
 * restoring it gives the same probabilities as right after it finished. Then the limit refuses a third run, deleting nothing.
 */
import { expect, it } from 'vitest';
import { useBrowser, waitForCanvas } from './harness.ts';

const e2e = useBrowser({ preset: 'lesson-lstm', query: { backend: 'wasm' } });
const page = () => e2e.page;
const status = () => page().getByTestId('train-status').textContent();
const rows = () => page().getByTestId('run-row');
const stepsOfRows = async () => (await rows().getByTestId('run-steps').allTextContents()).map((t) => Number(t.match(/^\d+/)![0]));

/** "Try it" on a fixed sentence: the probability of each class, as the meters hold them (full precision). */
async function tryProbs(): Promise<string[]> {
  expect(await page().getByTestId('try-result').count()).toBe(0); // each new set of weights clears the last answer
  await page().getByTestId('try-text').fill('the film was not good');
  await expect.poll(() => page().getByTestId('try-run').isEnabled(), { timeout: 60_000 }).toBe(true);
  await page().getByTestId('try-run').click();
  await expect.poll(() => page().locator('.tr-probs meter').count(), { timeout: 30_000 }).toBeGreaterThan(1);
  return page().locator('.tr-probs meter').evaluateAll((ms) => ms.map((m) => String((m as HTMLMeterElement).value)));
}

it('a one-step run after a 200-step run keeps the 200-step run, which restores to the same predictions', async () => {
  await page().getByRole('tab', { name: 'Training' }).click();
  await page().getByTestId('task-select').selectOption('negation');
  for (const [id, v] of [['batch-size', '10'], ['epochs', '1']]) {
    await page().getByTestId(id).fill(v);
    await page().getByTestId(id).press('Enter');
  }
  await expect.poll(() => page().getByTestId('runs-empty').count(), { timeout: 60_000 }).toBe(1);

  // Run 1: 2,000 training samples in batches of 10, one epoch: 200 steps.
  await page().getByTestId('train').click();
  await expect.poll(status, { timeout: 300_000, interval: 500 }).toBe('done');
  expect(await page().getByTestId('progress-text').textContent()).toMatch(/^step 200 \/ 200 /);
  await expect.poll(stepsOfRows, { timeout: 30_000 }).toEqual([200]);
  const first = await tryProbs();
  const firstId = (await rows().first().getAttribute('data-run-id'))!;

  // Run 2: Stop during its first step. Recording for the Inside tab is off, so the first step follows "running" at
  // once, and the page clicks Stop as soon as it shows "running" (one whole-set batch per step: a long first step).
  await page().getByRole('tab', { name: 'Inside' }).click();
  await page().getByLabel('Training tab: record every N steps').fill('0');
  await page().getByRole('tab', { name: 'Training' }).click();
  await page().getByTestId('batch-size').fill('2000');
  await page().getByTestId('batch-size').press('Enter');
  await page().getByTestId('epochs').fill('50');
  await page().getByTestId('epochs').press('Enter');
  await page().evaluate(() => {
    const watch = new MutationObserver(() => {
      if (document.querySelector('[data-testid="train-status"]')?.textContent !== 'running') return;
      watch.disconnect();
      document.querySelector<HTMLButtonElement>('[data-testid="stop"]')!.click();
    });
    watch.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page().getByTestId('train').click();
  await expect.poll(status, { timeout: 120_000 }).toBe('stopped');
  expect(await page().getByTestId('train-message').textContent()).toMatch(/^Stopped after step 1 \(Stop was pressed during step [12]\)/);
  const stoppedAt = 1;
  await expect.poll(stepsOfRows, { timeout: 30_000 }).toEqual([200, stoppedAt]);
  const second = await tryProbs();
  expect(second).not.toEqual(first); // not vacuous: the weights in use are now the short run's
  expect(await rows().nth(1).getByTestId('run-in-use').count()).toBe(1);

  // Both runs are kept across a reload.
  await page().reload();
  await waitForCanvas(page());
  await page().getByRole('tab', { name: 'Training' }).click();
  await expect.poll(stepsOfRows, { timeout: 60_000 }).toEqual([200, stoppedAt]);

  // Restore the 200-step run: "try it" answers as it did right after that run.
  await rows().first().getByTestId('run-restore').click();
  await expect.poll(() => rows().first().getByTestId('run-in-use').count(), { timeout: 60_000 }).toBe(1);
  await expect.poll(() => page().getByTestId('saved-weights').textContent(), { timeout: 60_000 }).toMatch(/Trained weights restored for this graph: 200 steps/);
  expect(await rows().first().getAttribute('data-run-id')).toBe(firstId);
  const restored = await tryProbs();
  expect(restored).toEqual(first);
  console.log(`try it on "the film was not good": after run 1 ${first.join(', ')}; after the ${stoppedAt}-step run ${second.join(', ')}; run 1 restored ${restored.join(', ')}`);

  // Compare: both ticked, a table and their validation curves.
  for (const i of [0, 1]) await rows().nth(i).getByTestId('run-compare').check();
  await expect.poll(() => page().getByTestId('runs-compare').locator('tr.differs th').allTextContents()).toEqual(expect.arrayContaining(['Steps', 'Batch size', 'Validation loss']));
  expect(Number(await page().locator('[data-testid="runs-compare-curves"] path[data-points]').first().getAttribute('data-points'))).toBe(2); // validation at steps 100, 200

  // A limit of 2 runs: a third run is refused before it starts, and both runs stay.
  await page().getByTestId('runs-limit-count').fill('2');
  await page().getByTestId('runs-limit-count').press('Enter');
  await expect.poll(() => page().getByTestId('runs-full').count(), { timeout: 30_000 }).toBe(1);
  await page().getByTestId('train').click();
  await expect.poll(status, { timeout: 60_000 }).toBe('error');
  expect(await page().getByTestId('train-message').textContent()).toMatch(/This graph keeps 2 runs .* the limit is 2 runs, so a new run would not be kept\. .*no run was deleted/);
  expect(await stepsOfRows()).toEqual([200, stoppedAt]);
  expect(await tryProbs()).toEqual(first); // the refused run left the run in use as it was

  // Rename the long run; delete the short one (after the confirmation), which makes room under the limit.
  await rows().first().getByTestId('run-rename').click();
  await rows().first().getByTestId('run-name-input').fill('long run');
  await rows().first().getByTestId('run-name-input').press('Enter');
  await expect.poll(() => rows().first().getByTestId('run-name').textContent(), { timeout: 30_000 }).toBe('long run');
  page().once('dialog', (d) => void d.accept());
  await rows().nth(1).getByTestId('run-delete').click();
  await expect.poll(stepsOfRows, { timeout: 30_000 }).toEqual([200]);
  expect(await page().getByTestId('runs-full').count()).toBe(0);
}, 600_000);
