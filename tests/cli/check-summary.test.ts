/**
 * `rnn-studio check` and `summary`, as a user runs them: exit codes (0 valid, 1 invalid model, 2 unreadable file),
 * the node and the fix in every message, reference totals from `summary --json`, and never a stack trace.
 * Most cases call `main()` in-process (fast); a few spawn the real binary.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { FIXTURE_DIR, loadPresets, PRESET_DIR, REFERENCE_TOTALS, ROOT } from '../fixtures/graphs.ts';
import { EXPECTED } from '../fixtures/invalid/expected.ts';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const STACK = /\n\s+at |Error:|node:internal/;
const preset = (f: string) => join(PRESET_DIR, f);
const invalid = (f: string) => join(FIXTURE_DIR, 'invalid', f);
const tmp = mkdtempSync(join(tmpdir(), 'rnn-studio-cli-'));
const tmpFile = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('summary --json gives the reference total for every preset', () => {
  it.each(loadPresets().map((p) => p.file).filter((f) => f in REFERENCE_TOTALS))('%s', async (file) => {
    expect(await main(['summary', '--json', preset(file)])).toBe(0);
    const s = JSON.parse(out);
    expect(s.totalParams).toBe(REFERENCE_TOTALS[file]);
    expect(s.trainableParams).toBe(REFERENCE_TOTALS[file]);
    expect(Object.keys(s.layers[0]).sort()).toEqual(['kind', 'name', 'outputShape', 'params']);
    expect(s.layers.reduce((a: number, l: { params: number }) => a + l.params, 0)).toBe(s.totalParams);
  });
});

it('summary prints the Keras layout', async () => {
  expect(await main(['summary', preset('lesson-rnn-titles.json')])).toBe(0);
  expect(out).toContain(' Layer (type)                     Output Shape              Param #');
  expect(out).toMatch(/ simple_rnn \(SimpleRNN\)\s+\(None, 16\)\s+1,296\n/);
  expect(out).toContain('Total params: 1,281,364\nTrainable params: 1,281,364\nNon-trainable params: 0');
});

it('summary of a broken graph exits 1 and points to check', async () => {
  expect(await main(['summary', invalid('cycle.json')])).toBe(1);
  expect(err).toMatch(/run "rnn-studio check .*cycle\.json"/);
  expect(err).toContain('E_CYCLE');
});

it('check exits 0 on every preset', async () => {
  for (const { file } of loadPresets()) {
    out = '';
    expect(await main(['check', preset(file)]), file).toBe(0);
    expect(out).toMatch(/: OK \(\d+ layers\)/);
  }
});

describe('check exits 1 on broken graphs, naming each node and its fix', () => {
  it.each(Object.entries(EXPECTED))('%s', async (file, expected) => {
    expect(await main(['check', invalid(file)])).toBe(1);
    for (const e of expected) {
      const [code, where] = e.split('@');
      const nodeId = where.split('.')[0];
      expect(out).toMatch(new RegExp(`error ${code} at node "${nodeId}" \\(.+\\): .+\\n  fix: .+`));
    }
    expect(out.match(/^error /gm)).toHaveLength(expected.length);
    expect(err).toBe('');
  });

  it('--json lists the same diagnostics with their titles', async () => {
    expect(await main(['check', '--json', invalid('needs-return-sequences.json')])).toBe(1);
    expect(JSON.parse(out)).toEqual({
      ok: false,
      diagnostics: [expect.objectContaining({ code: 'E_NEEDS_RETURN_SEQUENCES', nodeId: 'lstm2', title: 'Recurrent layer fed a single vector', fix: 'Set returnSequences on the previous LSTM so it outputs every timestep.' })],
    });
  });
});

describe('check exits 2 when the file cannot be used, with one clear line', () => {
  it.each([
    ['a missing file', () => join(tmp, 'nope.json'), /Cannot read .*nope\.json: no such file\./],
    ['a folder', () => tmp, /it is a folder/],
    ['no argument', () => undefined, /Missing the graph file argument/],
    ['text that is not JSON', () => tmpFile('notes.json', 'hello'), /not a JSON file/],
    ['an empty file', () => tmpFile('empty.json', ''), /not a JSON file/],
    ['JSON that is neither a graph nor a model', () => tmpFile('hello.json', '{"hello": 1}'), /neither a Keras model JSON/],
    ['a JSON array', () => tmpFile('list.json', '[1, 2]'), /expected a JSON object/],
    ['JSON null', () => tmpFile('null.json', 'null'), /expected a JSON object/],
    ['a newer version', () => tmpFile('v9.json', '{"type":"rnn-studio-graph","schemaVersion":9,"graph":{"nodes":[],"edges":[]}}'), /newer RNN Studio/],
    ['an unknown kind', () => tmpFile('kind.json', '{"type":"rnn-studio-graph","schemaVersion":2,"graph":{"nodes":[{"id":"a","position":{"x":0,"y":0},"data":{"kind":"ConvLSTM2D","params":{}}}],"edges":[]}}'), /nodes\.0\.data\.kind/],
    ['a polluting key', () => tmpFile('proto.json', '{"type":"rnn-studio-graph","schemaVersion":2,"graph":{"nodes":[{"id":"a","position":{"x":0,"y":0},"data":{"kind":"Dense","params":{"__proto__":{"x":1}}}}],"edges":[]}}'), /reserved name/],
  ])('%s', async (_what, path, message) => {
    const args = ['check', path()].filter((a): a is string => a !== undefined);
    expect(await main(args)).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/^rnn-studio check: /);
    expect(err).not.toMatch(STACK);
    expect(out).toBe('');
  });

  it('an unknown option or command also exits 2 with usage', async () => {
    expect(await main(['check', '--fast', preset('char-lstm.json')])).toBe(2);
    expect(err).toMatch(/Usage: rnn-studio check </);
    err = '';
    expect(await main(['chek', 'x.json'])).toBe(2);
    expect(err).toMatch(/unknown command "chek"/);
  });
});

describe('the real binary', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'rnn-studio.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

  it('summary --json on a preset: exit 0 and the lesson total', () => {
    const r = run('summary', '--json', 'presets/lesson-bilstm-2layer.json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).totalParams).toBe(2_758_148);
  });

  it('check on a broken graph: exit 1, node and fix on stdout', () => {
    const r = run('check', 'tests/fixtures/invalid/bidi-two-children.json');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('error E_BIDI_MULTIPLE at node "bi" (Bidirectional)');
    expect(r.stdout).toContain('fix: Move all but one layer out of it.');
  });

  it('check on a missing and on a malformed file: exit 2, one line, no stack trace', () => {
    for (const path of ['presets/none.json', tmpFile('bad.json', '{"schemaVersion": 2,')]) {
      const r = run('check', path);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('runs as `npx rnn-studio`, as the README says', () => {
    const r = spawnSync('npx', ['--no-install', 'rnn-studio', 'check', 'presets/char-lstm.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('presets/char-lstm.json: OK (3 layers)');
  });
});
