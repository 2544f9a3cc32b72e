/**
 * The CSV loader against random and mutated files: it never throws, and every answer is either a clear message or a
 * dataset whose samples can all be read (finite numbers, labels inside the classes, shown rows as text).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvDataset, type CsvResult } from '../../src/datasets/csv.ts';

const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
const VALID = [
  `text,label\n${rows(30, (i) => `"free, ${i % 3 ? 'money' : 'lunch'} now ${i}",${i % 2 ? 'spam' : 'ham'}`)}\n`,
  `x1,x2,x3,label\n${rows(25, (i) => `${i},${(i * 0.5).toFixed(2)},-${i},${i % 3}`)}\n`,
  `a,b,label\r\n${rows(20, (i) => `${i}e-3,${i},${(i * 1.37).toFixed(3)}`).replaceAll('\n', '\r\n')}`,
  `\uFEFFText,Label,extra\n${rows(15, (i) => `mot ${i} éà 日本,${i % 4},"x""y"`)}`,
];
for (const v of VALID) if (!parseCsvDataset(v, { seed: 1 }).ok) throw new Error(`seed CSV does not parse: ${v.slice(0, 40)}`);

/** What must hold for any answer. */
function checkAnswer(text: string, r: CsvResult, maxLen?: number) {
  if (!r.ok) {
    expect(r.error).toMatch(/^\S.{10,}[.)]$/s); // a sentence, not a stack trace or an empty string
    // Messages quote the file, so these may appear only when the file has them.
    for (const bad of ['undefined', '[object ', 'NaN']) if (!text.includes(bad)) expect(r.error).not.toContain(bad);
    return;
  }
  const { dataset: d } = r;
  expect(d.trainSize + d.valSize).toBe(r.rows);
  const out = d.info.output;
  for (let i = 0; i < Math.min(d.trainSize + d.valSize, 40); i++) {
    const s = d.sample(i);
    expect(Array.from(s.x as Float32Array).every(Number.isFinite)).toBe(true);
    if (maxLen && d.info.input.kind === 'tokens') expect(s.T).toBeLessThanOrEqual(maxLen);
    for (const y of Array.from(s.y)) {
      expect(Number.isFinite(y)).toBe(true);
      if (out.kind === 'classes') expect(Number.isInteger(y) && y >= 0 && y < out.classes).toBe(true);
    }
    const shown = d.show(i);
    expect(typeof shown.input).toBe('string');
    expect(typeof shown.target).toBe('string');
  }
}
const load = (text: string, maxLen?: number) => {
  let r: CsvResult | undefined;
  expect(() => (r = parseCsvDataset(text, { seed: 7, maxLen, name: 'fuzz.csv' }))).not.toThrow();
  checkAnswer(text, r!, maxLen);
  return r!;
};

const CSV_CHARS = [',', '"', '\n', '\r', ' ', '\t', ';', 'a', 'b', '1', '0', '.', '-', 'e', 'label', 'text', 'x1', 'NaN', 'Infinity', '1e309', '__proto__', 'constructor', '\u2028', '\uFEFF', '日'];
const cell = fc.oneof(fc.constantFrom('', ' ', '1', '-0', '3.5', 'NaN', 'Infinity', '1e309', '0x10', 'a', '"', '""', 'a,b', '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 6 }));

describe('CSV files, fuzzed', () => {
  it('random text of CSV-ish pieces: never a throw, always a message or a readable dataset', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...CSV_CHARS), { maxLength: 80 }).map((a) => a.join('')), fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }), (t, maxLen) => void load(t, maxLen)), { numRuns: 2000 });
  });

  it('random tables (header with text/label or not, ragged rows, hostile cells and labels)', () => {
    const header = fc.array(fc.oneof(fc.constantFrom('text', 'label', 'Label ', 'x1', 'x2', '__proto__', 'constructor', ''), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 5 });
    const table = fc.tuple(header, fc.array(fc.array(cell, { minLength: 0, maxLength: 6 }), { minLength: 0, maxLength: 40 }), fc.constantFrom('\n', '\r\n', '\r'));
    fc.assert(
      fc.property(table, ([h, body, eol]) => void load([h.join(','), ...body.map((r) => r.map((c) => (/[",\n\r]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','))].join(eol))),
      { numRuns: 2000 },
    );
  });

  it('single mutations of valid files (a character replaced, inserted or deleted, a cut, a line repeated)', () => {
    const mutate = fc.tuple(fc.nat(VALID.length - 1), fc.nat(4), fc.nat(), fc.constantFrom(...CSV_CHARS)).map(([w, op, i, ch]) => {
      const s = VALID[w];
      const at = i % s.length;
      if (op === 0) return s.slice(0, at) + ch + s.slice(at + 1);
      if (op === 1) return s.slice(0, at) + ch + s.slice(at);
      if (op === 2) return s.slice(0, at) + s.slice(at + 1);
      if (op === 3) return s.slice(0, at);
      const lines = s.split('\n');
      return [...lines, lines[i % lines.length]].join('\n');
    });
    fc.assert(fc.property(mutate, fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }), (t, maxLen) => void load(t, maxLen)), { numRuns: 2000 });
  });

  it('a value that is finite as a double but not as a float32 is named, not turned into Infinity', () => {
    const r = load(VALID.find((v) => v.startsWith('x1'))!.replace(/\n0,[^,\n]*/, '\n0,0.01e309'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/Row 2, column "x2" is 0\.01e309, beyond what a float32 holds/);
  });

  it('a lone quote (which once threw a TypeError) and an unclosed quote are named', () => {
    expect(load('"')).toEqual({ ok: false, error: 'Row 1 has a quote that is not closed properly (quoted field unterminated). Put a cell with commas in "…", and write a quote inside it as "".' });
    expect(load(`text,label\n${rows(11, (i) => `t${i},a`)}\n"oops,b\nmore,b`)).toMatchObject({ ok: false, error: expect.stringMatching(/^Row 13 has a quote that is not closed properly/) });
    expect(load(',,\n,,\n')).toMatchObject({ ok: false, error: expect.stringMatching(/^No "label" column/) });
  });

  it('labels named after Object members are ordinary classes', () => {
    const r = load(`text,label\n${rows(12, (i) => `t ${i},${['constructor', '__proto__', 'toString'][i % 3]}`)}`);
    expect(r.ok && r.dataset.info.output).toMatchObject({ kind: 'classes', classes: 3, classNames: ['__proto__', 'constructor', 'toString'] });
  });
});
