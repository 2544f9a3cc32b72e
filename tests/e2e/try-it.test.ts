/**
 * "Try it" on the lesson classifier in a real browser: train lesson-lstm briefly on its text task (mail subjects,
 * Dense(4, softmax) on 2 classes), type a subject with a word the vocabulary lacks, classify. The result names the
 * task's 2 classes plus the unused outputs' share, and shows the typed words shaded by their connectivity to the
 * prediction: each word's colour is the one its reported number maps to, the words differ, and the unknown word is marked.
 * Then, on "remember the first token" (whose vocabulary reads an unknown word as padding), that word is struck out, unshaded.
 */
import { expect, it } from 'vitest';
import { tokenize } from '../../src/datasets/vocab.ts';
import { connectivityColour } from '../../src/ui/inside/ColourBar.tsx';
import { trainingStep, useBrowser } from './harness.ts';

const e2e = useBrowser({ preset: 'lesson-lstm', query: { backend: 'wasm' } });

const step = () => trainingStep(e2e.page);
const pct = (s: string) => Number(s.match(/([\d.]+) %/)![1]);

it('shades the typed words by connectivity, with the numbers it reports, and shows the 2 classes and the unused outputs', async () => {
  await e2e.page.getByRole('tab', { name: 'Training' }).click();
  await expect.poll(() => e2e.page.getByTestId('task-select').inputValue()).toBe('spam-subjects');
  await e2e.page.getByTestId('train').click();
  await expect.poll(step, { timeout: 180_000, interval: 250 }).toBeGreaterThanOrEqual(40);
  await e2e.page.getByTestId('stop').click();
  await expect.poll(() => e2e.page.getByTestId('saved-weights').textContent(), { timeout: 60_000 }).toMatch(/Trained weights saved/);

  const sentence = 'Free money for your mortgage zqxwv today!';
  await e2e.page.getByTestId('try-text').fill(sentence);
  await e2e.page.getByTestId('try-run').click();
  const words = e2e.page.getByTestId('try-words').getByTestId('try-word');
  await expect.poll(() => words.count(), { timeout: 30_000 }).toBe(tokenize(sentence).length);

  // The classes of the task, then the unused outputs: together the softmax's 100 %.
  const rows = await e2e.page.locator('.tr-probs li').allTextContents();
  expect(rows.map((r) => r.replace(/[\d.]+ %/, '').trim())).toEqual(['ham', 'spam', 'unused outputs']);
  expect(rows.map(pct).reduce((a, v) => a + v, 0)).toBeCloseTo(100, 0);
  const note = (await e2e.page.getByTestId('try-unused-note').textContent())!;
  expect(note).toMatch(/4 softmax outputs for 2 classes: outputs 3–4 stand for no class/);
  expect(note).toContain(`unused outputs ${rows[2].match(/[\d.]+ %/)![0]}`);
  const verdict = (await e2e.page.getByTestId('try-result').textContent())!;
  const label = verdict.match(/model (ham|spam|no class)/)![1];
  // The words are shaded by their connectivity to the top output: the answered class, or with "no class" (the unused
  // outputs together outweigh every class) whichever single output is largest, a class or an unused one.
  expect(await e2e.page.getByTestId('try-words').textContent()).toMatch(label === 'no class' ? /connectivity to (ham|spam|output \d)/ : new RegExp(`connectivity to ${label}`));

  // Each word: the typed token, its number, and the shade that number maps to (relative to the sentence's largest).
  const shown = await words.evaluateAll((ws) => ws.map((w) => ({
    text: w.textContent, c: Number(w.getAttribute('data-c')), cls: w.className, title: w.getAttribute('title'), bg: getComputedStyle(w).backgroundColor,
  })));
  expect(shown.map((w) => w.text)).toEqual(tokenize(sentence));
  const max = Math.max(...shown.map((w) => w.c));
  expect(max).toBeGreaterThan(0);
  for (const w of shown) {
    expect(w.bg).toBe(connectivityColour(w.c / max));
    expect(w.title).toContain(`= ${w.c.toExponential(2)}`);
  }
  expect(new Set(shown.map((w) => w.bg)).size).toBeGreaterThan(2);
  console.log(`try it: ${verdict}; ${shown.map((w) => `${w.text} ${w.c.toExponential(2)}`).join(', ')}`);
  // The made-up word is not in the vocabulary: marked, and its tooltip says what the model read instead.
  const unknown = shown.filter((w) => w.cls.includes('unknown'));
  expect(unknown.map((w) => w.text)).toEqual(['zqxwv']);
  expect(unknown[0].title).toContain('read as <unk>');
  await expect(e2e.page.getByTestId('try-words-help').getAttribute('title')).resolves.toMatch(/‖∂ logit\/∂x_t‖/);
}, 400_000);

it('on a task whose vocabulary reads an unknown word as padding, that word is struck out and not shaded', async () => {
  // Remember the first token: vocabulary <pad>, C1–C4, d1–d16; an unknown word becomes id 0, which the Embedding masks.
  await e2e.page.getByTestId('task-select').selectOption('first-token');
  await e2e.page.getByTestId('train').click();
  await expect.poll(step, { timeout: 120_000, interval: 250 }).toBeGreaterThanOrEqual(10);
  await e2e.page.getByTestId('stop').click();
  await expect.poll(() => e2e.page.getByTestId('saved-weights').textContent(), { timeout: 60_000 }).toMatch(/Trained weights saved/);
  await e2e.page.getByTestId('try-text').fill('C2 d3 foo d7');
  await e2e.page.getByTestId('try-run').click();
  await expect.poll(() => e2e.page.getByTestId('try-words').textContent(), { timeout: 30_000 }).toContain('struck out: read as padding');
  const shown = await e2e.page.getByTestId('try-word').evaluateAll((ws) => ws.map((w) => ({
    text: w.textContent, masked: w.getAttribute('data-masked'), c: w.getAttribute('data-c'), bg: getComputedStyle(w).backgroundColor, title: w.getAttribute('title'),
  })));
  expect(shown.map((w) => w.text)).toEqual(['C2', 'd3', 'foo', 'd7']);
  expect(shown[2]).toMatchObject({ masked: 'true', c: null, bg: 'rgba(0, 0, 0, 0)' });
  expect(shown[2].title).toContain('treats as padding');
  const real = shown.filter((w) => w.masked === null);
  const max = Math.max(...real.map((w) => Number(w.c)));
  real.forEach((w) => expect(w.bg).toBe(connectivityColour(Number(w.c) / max)));
  // The 4 classes of the task, no unused outputs (its head has exactly 4 units).
  expect(await e2e.page.getByTestId('try-unused').count()).toBe(0);
}, 300_000);
