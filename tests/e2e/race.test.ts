/**
 * The race as a new user meets it, at 1024×700: open the race preset, press "Run the race" at the defaults, and
 * within 30 s see three finished results and a sentence naming the SimpleRNN as the one that stayed at the baseline;
 * the Inside view never scrolls sideways; moving the T slider runs the race again at the new T. With
 * UPDATE_SCREENSHOT=1 it rewrites docs/race.png and docs/data/race-browser.json (the time to the three results).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { expect, it } from 'vitest';
import { overflowX, useBrowser } from './harness.ts';

const e2e = useBrowser({ preset: 'race-adding', viewport: { width: 1024, height: 700 } });

it('runs the race at its defaults: three results and the SimpleRNN named as the one at the baseline, within 30 s', async () => {
  await expect.poll(() => e2e.page.getByRole('tab', { name: 'Inside' }).getAttribute('aria-selected')).toBe('true');
  const started = Date.now();
  await e2e.page.getByRole('button', { name: 'Run the race' }).click();
  // Polled beyond 30 s so that a slow run reports its time (and its state) instead of only timing out.
  await expect.poll(() => e2e.page.getByTestId('race-status').textContent(), { timeout: 450_000, interval: 250 }).toContain('all three finished')
    .catch(async (e) => {
      await e2e.page.screenshot({ path: '/tmp/race-e2e-fail.png' });
      throw e;
    });
  const seconds = (Date.now() - started) / 1000;
  console.log(`race at the defaults in the browser: ${seconds.toFixed(1)} s`);
  const sentences = await e2e.page.getByTestId('race-sentence').allTextContents();
  expect(sentences[0]).toMatch(/^After \d+ steps at T = \d+: Only the SimpleRNN stayed at the baseline \(validation loss [\d.]+ against 0\.167\); the LSTM and GRU learned the task/);
  // Three finished models in the legend of the gradient panel, each with its dashed initialisation curve.
  const legend = await e2e.page.locator('[data-testid="gradient-legend"] li').evaluateAll((li) => li.map((l) => l.getAttribute('data-series')));
  expect(legend).toEqual(['SimpleRNN', 'SimpleRNN-init', 'LSTM', 'LSTM-init', 'GRU', 'GRU-init']);
  expect(await e2e.page.locator('[data-testid="gradient-chart"] path.series[stroke-dasharray]').count()).toBe(3);

  // Room to look: with the results shown, nothing scrolls sideways, with the dock under the canvas or over the whole window.
  expect(await overflowX(e2e.page)).toBeLessThanOrEqual(0);
  await e2e.page.getByRole('button', { name: 'Full window' }).click();
  await expect.poll(() => e2e.page.locator('.app').getAttribute('class')).toContain('dock-full');
  expect(await e2e.page.locator('.palette').isVisible()).toBe(false);
  expect(await overflowX(e2e.page)).toBeLessThanOrEqual(0);
  if (process.env.UPDATE_SCREENSHOT) {
    await e2e.page.screenshot({ path: 'docs/race.png' });
    // The time docs/vanishing-gradients.md quotes, with the machine's load when it was taken.
    writeFileSync('docs/data/race-browser.json', JSON.stringify({ date: new Date().toISOString(), seconds: Math.round(seconds * 10) / 10, loadAverage1m: loadavg()[0] }) + '\n');
  }
  // One shortcut gives the window back; the choice is remembered for the next visit.
  await e2e.page.locator('.dock-bar').click({ position: { x: 5, y: 5 } });
  await e2e.page.keyboard.press('Control+Shift+F');
  await expect.poll(() => e2e.page.locator('.app').getAttribute('class')).not.toContain('dock-full');
  expect(await e2e.page.evaluate(() => localStorage.getItem('rnn-studio:dock-full'))).toBe('0');
  await e2e.page.keyboard.press('Control+Shift+F');
  expect(await e2e.page.evaluate(() => localStorage.getItem('rnn-studio:dock-full'))).toBe('1');
  // Last, so that a loaded machine still checks everything above: the bound for the default race.
  expect(seconds).toBeLessThanOrEqual(30);
}, 600_000);

it('moving the T slider runs the race again with the new T', async () => {
  await e2e.page.getByLabel('Race steps').fill('10');
  const slider = e2e.page.getByLabel('Sequence length T');
  const before = Number(await slider.inputValue());
  await slider.focus();
  await e2e.page.keyboard.press('ArrowRight');
  await e2e.page.keyboard.press('ArrowRight');
  const T = Number(await slider.inputValue());
  expect(T).toBeGreaterThan(before);
  await expect.poll(() => e2e.page.getByTestId('race-status').textContent(), { timeout: 10_000 }).toContain(`T = ${T}, `);
  await expect.poll(() => e2e.page.getByTestId('race-status').textContent(), { timeout: 120_000, interval: 250 }).toContain('all three finished');
  expect((await e2e.page.getByTestId('race-sentence').first().textContent())).toContain(`After 10 steps at T = ${T}:`);
  // The curves are the new T long.
  const points = await e2e.page.locator('[data-testid="gradient-chart"] path.series').first().getAttribute('d');
  expect(points!.split('L').length).toBe(T);
  expect(await overflowX(e2e.page)).toBeLessThanOrEqual(0);
}, 300_000);

it('after Stop no model of the race says it is running: the one stopped and those never started say stopped', async () => {
  await e2e.page.getByRole('button', { name: 'Run the race' }).click();
  await expect.poll(() => e2e.page.getByTestId('race-status').textContent(), { timeout: 120_000 }).toContain('training the');
  await e2e.page.getByRole('button', { name: 'Stop' }).click();
  await expect.poll(() => e2e.page.getByTestId('race-status').textContent(), { timeout: 60_000 }).toContain('stopped');
  const picker = (await e2e.page.getByRole('group', { name: 'What to show' }).textContent())!;
  expect(picker).not.toMatch(/running|waiting/);
  expect(picker).toContain('(stopped');
  expect(await e2e.page.getByRole('button', { name: 'Stop' }).getAttribute('title')).toBe('No race or attention pair is running.');
});
