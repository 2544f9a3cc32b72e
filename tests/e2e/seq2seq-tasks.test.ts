/**
 * The sequence-to-sequence tasks in a real browser: the picker lists them in their own group; choosing spelling to
 * sound fetches the dictionary's chunk then (not on the first visit) and previews words with their phonemes; Train
 * says in one line why a classifier cannot train on it.
 */
import { expect, it } from 'vitest';
import { useBrowser } from './harness.ts';

const e2e = useBrowser({ preset: 'lesson-lstm', query: { backend: 'wasm' } });

const fetched = () => e2e.page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => /\/cmudict-[\w-]+\.js$/.test(n)));

it('lists the pair tasks, fetches the dictionary only when chosen, previews it, and refuses a classifier with the reason', async () => {
  const p = e2e.page;
  await p.getByRole('tab', { name: 'Training' }).click();
  const group = p.locator('[data-testid="task-select"] optgroup[label="sequence to sequence"] option');
  expect(await group.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['addition-text', 'reversal', 'cmudict', 'cmudict-no-stress']);
  expect(await fetched()).toEqual([]);

  await p.getByTestId('task-select').selectOption('cmudict');
  await expect.poll(() => p.getByTestId('dataset-preview').locator('tbody tr').count(), { timeout: 30_000 }).toBe(4);
  const rows = await p.getByTestId('dataset-preview').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  for (const [word, phones] of rows) {
    expect(word).toMatch(/^[A-Z]{2,20}$/);
    expect(phones).toMatch(/^[A-Z]{1,2}[012]?( [A-Z]{1,2}[012]?)*( \| .*)?$/);
    expect(phones).toMatch(/[012]/); // stress marks kept
  }
  expect(await p.getByTestId('dataset-preview').textContent()).toMatch(/split 90\/5\/5 by word/);
  expect((await fetched()).length).toBe(1);

  await p.getByTestId('task-select').selectOption('addition-text');
  await expect.poll(() => p.getByTestId('dataset-preview').textContent()).toMatch(/addition_rnn/);
  await p.getByTestId('train').click();
  await expect.poll(() => p.getByTestId('train-message').textContent(), { timeout: 60_000 }).toMatch(/With one Input, "Addition as text" needs the whole answer at once/);
}, 180_000);
