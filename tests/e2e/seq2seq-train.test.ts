/**
 * The encoder–decoder preset in a real browser: Train on addition as text in the worker (state-port layers on
 * tfjs's own loop), Stop, and "try it" decodes a typed sum step by step.
 */
import { expect, it } from 'vitest';
import { trainingStep, useBrowser } from './harness.ts';

const e2e = useBrowser({ preset: 'seq2seq-addition', query: { backend: 'wasm' } });

it('trains the lstm_seq2seq preset on addition and decodes a typed question', async () => {
  const p = e2e.page;
  await p.getByRole('tab', { name: 'Training' }).click();
  await expect.poll(() => p.getByTestId('dataset-preview').textContent()).toMatch(/addition_rnn/);
  await p.getByTestId('train').click();
  await expect.poll(() => trainingStep(p), { timeout: 120_000, interval: 200 }).toBeGreaterThan(2);
  await expect.poll(() => p.getByTestId('engine').textContent()).toMatch(/wasm SIMD kernels/);
  await p.getByTestId('stop').click();
  await expect.poll(() => p.getByTestId('train-status').textContent(), { timeout: 120_000 }).toBe('stopped');
  expect(await p.getByTestId('try-run').textContent()).toBe('Decode');
  await p.getByTestId('try-text').fill('12+3');
  await p.getByTestId('try-run').click();
  // The answer alphabet is digits and the padding space; an untrained decoder may also end at once.
  await expect.poll(() => p.getByTestId('try-result').textContent(), { timeout: 60_000 }).toMatch(/^input ?12\+3model ?([0-9 ]+|\(nothing: the decoder ended at once\))$/);
}, 300_000);
