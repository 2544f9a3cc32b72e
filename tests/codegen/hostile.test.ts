/**
 * Hostile layer names and model names (quotes, newlines, code, unicode, reserved words, nn.Module attribute names)
 * export to code that compiles and is structurally identical to the code for the same graph without names: the
 * names change identifiers and strings, never statements.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { exportFiles, TARGETS } from '../../src/codegen/export.ts';
import type { GraphDoc } from '../../src/graph/index.ts';
import { irOf, PYTHON, scratchDir } from '../export/helpers.ts';

const HOSTILE = [
  "__import__('os').system('echo pwned')",
  '"; import os; os.system("echo pwned") #',
  "forward\nimport os\nos.system('echo pwned')",
  'class',
  '日本語 café',
  '*/ require("child_process").execSync("echo pwned") //',
  'self',
  'return',
  '\u2028torch\u2029',
];

function graph(names: (string | undefined)[], title: string): GraphDoc {
  const kinds: [string, Record<string, unknown>][] = [
    ['Input', { inputType: 'tokens', vocabSize: 50, length: 0 }],
    ['Embedding', { inputDim: 50, outputDim: 8, maskZero: true }],
    ['Bidirectional', { mergeMode: 'sum' }],
    ['LSTM', { units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid' }],
    ['GRU', { units: 4, returnSequences: true }],
    ['SimpleRNN', { units: 4, returnSequences: true }],
    ['Concatenate', {}],
    ['Dropout', { rate: 0.1 }],
    ['Dense', { units: 3, activation: 'softmax' }],
  ];
  const nodes = kinds.map(([kind, params], i) => ({
    id: `n${i}`,
    position: { x: 0, y: i * 100 },
    ...(kind === 'LSTM' ? { parentId: 'n2' } : {}),
    data: { kind, params, ...(names[i] !== undefined ? { name: names[i] } : {}) },
  })) as GraphDoc['nodes'];
  const e = (s: number, t: number) => ({ id: `e${s}_${t}`, source: `n${s}`, target: `n${t}` });
  return { nodes, edges: [e(0, 1), e(1, 2), e(2, 4), e(2, 5), e(4, 6), e(5, 6), e(6, 7), e(7, 8)], meta: { name: title } };
}

/** The structure of an ES module with identifiers and strings replaced by first-occurrence numbers (variables, properties and strings numbered separately). */
function jsSkeleton(code: string): string {
  const names = new Map<string, number>();
  const strings = new Map<string, number>();
  const props = new Map<string, number>();
  const tag = (seen: Map<string, number>, s: string) => `v${seen.get(s) ?? (seen.set(s, seen.size), seen.size - 1)}`;
  const out: string[] = [];
  const walk = (n: ts.Node) => {
    const isProp = n.parent !== undefined && (ts.isPropertyAccessExpression(n.parent) || ts.isPropertyAssignment(n.parent)) && n.parent.name === n;
    if (ts.isIdentifier(n)) out.push(tag(isProp ? props : names, n.text));
    else if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(`'${tag(strings, n.text)}'`);
    else out.push(ts.SyntaxKind[n.kind]);
    n.forEachChild(walk);
  };
  walk(ts.createSourceFile('m.mjs', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS));
  return out.join(' ');
}

describe('hostile names', () => {
  const hostile = graph(HOSTILE, 'My "model"\n"""\nimport os\n*/ evil()\u2028x');
  const plain = graph([], 'plain');

  it('compile to a valid graph', () => {
    expect(irOf(hostile).layers.length).toBe(8);
  });

  it.each(TARGETS)('%s export compiles and has exactly the statements of the unnamed graph', (target) => {
    const dir = scratchDir(`hostile-${target}`);
    const a = exportFiles(irOf(hostile), target, { title: hostile.meta!.name!, trained: false });
    const b = exportFiles(irOf(plain), target, { title: 'plain', trained: false });
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const name of Object.keys(a)) {
      if (name.endsWith('.md')) continue;
      const [pa, pb] = [join(dir, `hostile-${name}`), join(dir, `plain-${name}`)];
      writeFileSync(pa, a[name]);
      writeFileSync(pb, b[name]);
      if (a[name] !== b[name]) expect(a[name]).not.toMatch(/^\s*(import os|os\.system|evil\(\))/m);
      if (name.endsWith('.py')) {
        execFileSync(PYTHON, ['-m', 'py_compile', pa]);
        const [sa, sb] = execFileSync(PYTHON, [join(import.meta.dirname, 'ast_skeleton.py'), pa, pb], { encoding: 'utf8' }).trim().split('\n');
        expect(sa, `${target}/${name}`).toBe(sb);
      } else {
        execFileSync(process.execPath, ['--check', pa]);
        expect(jsSkeleton(a[name]), `${target}/${name}`).toBe(jsSkeleton(b[name]));
      }
    }
  });
});
