/**
 * The table of broken graphs (tests/fixtures/invalid/*.json) and exactly the diagnostics each must produce:
 * code and node, nothing missing and nothing extra (a cascade of follow-up errors is a bug too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canConnect, compile } from '../../src/compiler/index.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { DIAGNOSTICS } from '../../src/layers/index.ts';
import { edge, FIXTURE_DIR, node } from '../fixtures/graphs.ts';
import { EXPECTED } from '../fixtures/invalid/expected.ts';

const DIR = join(FIXTURE_DIR, 'invalid');

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

it('every fixture file has an expectation and every expectation a file', () => {
  expect(files).toEqual(Object.keys(EXPECTED).sort());
});

describe.each(files)('%s', (file) => {
  const parsed = parseDocument(readFileSync(join(DIR, file), 'utf8'));

  it('is a well-formed file (the problem is in the model, not the file)', () => {
    expect(parsed.ok).toBe(true);
  });

  it('gives exactly the expected diagnostics, each naming its node with a fix', () => {
    if (!parsed.ok) return;
    const r = compile(parsed.doc);
    expect(r.ok).toBe(false);
    expect(r.ir).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code}@${d.nodeId}${d.param ? `.${d.param}` : ''}`)).toEqual(EXPECTED[file]);
    const ids = new Set(parsed.doc.nodes.map((n) => n.id));
    for (const d of r.diagnostics) {
      expect(DIAGNOSTICS[d.code], d.code).toBeTruthy();
      expect(ids.has(d.nodeId!), d.code).toBe(true);
      expect(d.message.length, d.code).toBeGreaterThan(15);
      expect(d.fix.length, d.code).toBeGreaterThan(10);
      expect(d.fix, d.code).not.toBe(d.message);
    }
  });
});

it('explains the fix in terms of the graph: returnSequences names the previous layer', () => {
  const parsed = parseDocument(readFileSync(join(DIR, 'needs-return-sequences.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  expect(compile(parsed.doc).diagnostics[0].fix).toBe('Set returnSequences on the previous LSTM so it outputs every timestep.');
});

describe('canConnect refuses the same mistakes before they are made, with the reason shown to the user', () => {
  const doc = {
    nodes: [
      node('in', 'Input', { inputType: 'features', features: 2 }),
      node('l1', 'LSTM', { units: 4 }),
      node('l2', 'LSTM', { units: 4 }),
      node('emb', 'Embedding'),
      node('bi', 'Bidirectional'),
      node('bi_in', 'GRU', {}, 'bi'),
    ],
    edges: [edge('in', 'l1')],
  };
  it.each([
    ['l1', 'l2', 'E_NEEDS_RETURN_SEQUENCES'],
    ['in', 'emb', 'E_EMBEDDING_NEEDS_IDS'],
    ['l1', 'l1', 'E_CYCLE'],
    ['l2', 'in', 'E_INPUT_HAS_INPUT'],
    ['in', 'l1', 'E_DUPLICATE'],
    ['l2', 'l1', 'E_TOO_MANY_INPUTS'],
    ['in', 'bi_in', 'E_WRAPPED_HAS_EDGES'],
    ['in', 'gone', 'E_BAD_EDGE'],
  ])('%s → %s: %s', (source, target, code) => {
    const r = canConnect(doc, { source, target });
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
  });
  it.each([
    ['in', 'l2'],
    ['in', 'bi'],
  ])('%s → %s is allowed', (source, target) => {
    expect(canConnect(doc, { source, target })).toEqual({ ok: true });
  });
});
