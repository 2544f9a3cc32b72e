/**
 * A panel whose render throws shows what failed in its own place, and the page stays: the other panels, the canvas
 * and the toolbar are still there and work, there is no page error, the report holds the error, the app version and
 * the graph, "Copy report" puts that text on the clipboard, and "Try again" draws the panel once the fault is gone.
 * The fault is made in the page: Float32Array.prototype.subarray throws while the connectivity panel first draws
 * (it reads its matrix rows with subarray; the worker that computes them is another realm and is not touched).
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { useBrowser } from './harness.ts';

const e2e = useBrowser({ preset: 'lesson-lstm', viewport: { width: 1440, height: 1400 } });
const VERSION = JSON.parse(readFileSync('package.json', 'utf8')).version as string;

it('a panel that throws shows the boundary with a report, not a blank page', async () => {
  const { page } = e2e;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('tab', { name: 'Inside' }).click();
  await page.getByRole('button', { name: 'Probe this graph' }).click();
  const show = page.getByRole('button', { name: 'Show connectivity' });
  await show.waitFor({ timeout: 120_000 });

  await page.evaluate(() => {
    const w = window as unknown as { keptSubarray: unknown };
    w.keptSubarray = Float32Array.prototype.subarray;
    Float32Array.prototype.subarray = () => { throw new Error('subarray broken for the test'); };
  });
  await show.click();
  const crash = page.getByRole('alert', { name: 'the connectivity panel failed' });
  await crash.waitFor({ timeout: 120_000 });
  expect(await crash.textContent()).toContain('The connectivity panel failed (subarray broken for the test)');

  // The rest of the page is there: the other panels, the canvas with its layers, the toolbar.
  expect(await page.getByTestId('panel-gradients').isVisible()).toBe(true);
  expect(await page.locator('.react-flow__node').count()).toBeGreaterThan(0);
  expect(await page.getByRole('button', { name: 'Lesson' }).isVisible()).toBe(true);
  expect(await page.getByTestId('crash').count()).toBe(1);
  expect(errors).toEqual([]);

  await crash.getByText('Report', { exact: true }).click();
  const report = await page.getByTestId('crash-report').inputValue();
  expect(report).toMatch(new RegExp(`^RNN Studio ${VERSION.replace(/\./g, '\\.')}: the connectivity panel failed\\.\\nError: subarray broken for the test\\n`));
  expect(report).toMatch(/\nStack:\nError: subarray broken for the test\n +at /);
  const doc = JSON.parse(readFileSync('presets/lesson-lstm.json', 'utf8')).graph as { nodes: { id: string; data: { kind: string } }[] };
  for (const n of doc.nodes) expect(report).toContain(`${n.id}: ${n.data.kind} `);
  await crash.getByRole('button', { name: 'Copy report' }).click();
  await expect.poll(() => crash.getByRole('status').textContent()).toBe('Copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(report);

  // The fault gone, "Try again" draws the panel.
  await page.evaluate(() => {
    Float32Array.prototype.subarray = (window as unknown as { keptSubarray: typeof Float32Array.prototype.subarray }).keptSubarray;
  });
  await crash.getByRole('button', { name: 'Try again' }).click();
  await page.getByTestId('conn-model').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('crash').count()).toBe(0);
  expect(errors).toEqual([]);
}, 300_000);
