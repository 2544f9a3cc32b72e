/**
 * The attention panel in Chromium: an encoder–decoder with attention (opened through a share link) is probed from the
 * Inside tab; the panel draws the weights of the example, then, after Show connectivity, connectivity beside them and
 * the sentence of their argmax agreement over the decoder steps that are not padding. No page error. The Inside tab's
 * Stop stops a running with/without-attention pair, as it stops the race.
 */
import { expect, it } from 'vitest';
import { RACE_DEFAULTS } from '../../src/runtime/probes/race-settings.ts';
import { encodeShare } from '../../src/store/persistence.ts';
import { seq2seqDoc, withAttention } from '../fixtures/seq2seq.ts';
import { openEditor, useBrowser } from './harness.ts';

const e2e = useBrowser();

/** Reversal at L = 5: source vocabulary 12 (pad, unk, a–j), target 13 (pad, start, end, a–j). */
function openAttentionGraph() {
  const link = encodeShare(withAttention(seq2seqDoc({ source: 12, target: 13, embed: 8, units: 16, task: 'reversal', seqLen: 5 }), 'Attention'));
  if (!link.ok) throw new Error(link.error);
  return openEditor(e2e.browser, { hash: link.hash, viewport: { width: 1440, height: 1400 } });
}

it('shows the attention weights of the probed example beside its connectivity, with their agreement', async () => {
  const page = await openAttentionGraph();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.getByRole('tab', { name: 'Inside' }).click();
  await page.getByRole('button', { name: 'Probe this graph' }).click();
  const panel = page.getByTestId('panel-attention');
  await expect.poll(() => panel.count(), { timeout: 120_000, interval: 500 }).toBe(1);
  expect(await panel.getByTestId('attention-matrix').count()).toBe(1);
  const sentence = panel.getByTestId('attention-sentence');
  expect(await sentence.textContent()).toContain('Press Show connectivity');
  await panel.getByRole('button', { name: 'Show connectivity' }).click();
  await expect.poll(() => panel.getByTestId('attention-connectivity').count(), { timeout: 120_000, interval: 500 }).toBe(1);
  const text = (await sentence.textContent())!;
  const m = /^Argmax agreement: attention and connectivity peak at the same source step for (\d+) of (\d+) decoder steps \((\d+)%\), so they/.exec(text);
  expect(m, text).not.toBeNull();
  const [agree, of, pct] = m!.slice(1).map(Number);
  // The Inside tab probes at its T slider (L of the reversal); reversal targets have no padding, so every decoder step
  // (L symbols and the end token) is compared.
  expect(of).toBe(RACE_DEFAULTS.seqLen + 1);
  expect(agree).toBeLessThanOrEqual(of);
  expect(pct).toBe(Math.round((100 * agree) / of));
  expect(errors).toEqual([]);
}, 600_000);

it('Stop stops a running with/without-attention pair: its models say stopped, and Stop is off again', async () => {
  const page = await openAttentionGraph();
  await page.getByRole('tab', { name: 'Inside' }).click();
  const stop = page.getByRole('button', { name: 'Stop', exact: true });
  expect(await stop.getAttribute('title')).toBe('No race or attention pair is running.');
  await page.getByRole('button', { name: 'With and without attention' }).click();
  const picker = page.getByRole('group', { name: 'What to show' });
  // The first model has taken training steps (its run shows one) before Stop is pressed.
  await expect.poll(() => picker.textContent(), { timeout: 120_000, interval: 250 }).toMatch(/without attention \(running, step \d+\)/);
  await stop.click();
  const status = page.getByTestId('attention-pair-status');
  await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/stopped \(0 of 2 finished\)\.$/);
  expect(await picker.textContent()).not.toMatch(/running|waiting/);
  expect(await stop.getAttribute('title')).toBe('No race or attention pair is running.');
}, 300_000);
