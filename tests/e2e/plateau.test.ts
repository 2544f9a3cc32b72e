/**
 * Long-lag tasks say what to expect, in a real browser: on the adding-lstm preset (T = 100) the Training tab labels
 * the baseline line with its meaning, shows the measured expectation for an LSTM at this T, and "Try a shorter T"
 * sets the T slider; the expectation follows, and a short run reports where it stands against the baseline, its
 * curve never running through the baseline's label.
 */
import { expect, it } from 'vitest';
import { expectation } from '../../src/datasets/plateau.ts';
import { labelsOverLines, useBrowser } from './harness.ts';

const e2e = useBrowser({ preset: 'adding-lstm', query: { backend: 'wasm' } });

const settings = { task: 'adding', cell: 'LSTM' as const, units: 64, optimizer: 'adam', learningRate: 0.01, batchSize: 50, clipNorm: 1 };

it('labels the baseline, states the measured expectation, and "Try a shorter T" changes T', async () => {
  const at100 = expectation({ ...settings, T: 100 })!;
  expect(at100.shorterT).not.toBeNull();
  await e2e.page.getByRole('tab', { name: 'Training' }).click();
  await expect.poll(() => e2e.page.getByTestId('seq-len').inputValue()).toBe('100');
  await expect.poll(() => e2e.page.getByTestId('loss-chart-baseline-label').textContent()).toBe('baseline 0.1667 (no memory: always predict 1)');
  await expect.poll(() => e2e.page.getByTestId('plateau-expectation').textContent()).toContain(at100.text);
  await expect(e2e.page.getByTestId('plateau-caveat').count()).resolves.toBe(0);

  await e2e.page.getByTestId('try-shorter-t').click();
  const shorter = expectation({ ...settings, T: at100.shorterT! })!;
  await expect.poll(() => e2e.page.getByTestId('seq-len').inputValue()).toBe(String(at100.shorterT));
  await expect.poll(() => e2e.page.getByTestId('plateau-expectation').textContent()).toContain(shorter.text);
  expect(shorter.text).not.toBe(at100.text);

  // A T between the measured ones: the nearest row, and a caveat that says so.
  await e2e.page.getByTestId('seq-len').fill('70');
  await expect.poll(() => e2e.page.getByTestId('plateau-caveat').first().textContent()).toMatch(/^T = 70 was not measured \(measured: [\d, ]+\); the nearest is T = \d+\.$/);

  // The run on screen: where it stands against the baseline, from its own losses.
  await e2e.page.getByTestId('seq-len').fill(String(at100.shorterT));
  await e2e.page.getByTestId('train').click();
  await expect.poll(() => e2e.page.getByTestId('plateau-this-run').textContent(), { timeout: 120_000 })
    .toMatch(/^This run: (still at the baseline after \d+ steps|left the baseline at step \d+)/);
  // The baseline's label and the curves sitting on the baseline never overlap (the label is above the plot, with a key).
  await expect.poll(async () => Number(await e2e.page.locator('[data-testid="loss-chart"] path[data-series="train"]').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(20);
  expect(await labelsOverLines(e2e.page, '[data-testid="loss-chart"]')).toEqual([]);
  await e2e.page.getByTestId('stop').click();
  await expect.poll(() => e2e.page.getByTestId('train-status').textContent(), { timeout: 60_000 }).toBe('stopped');
});
