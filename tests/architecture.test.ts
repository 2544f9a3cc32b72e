/**
 * Module boundaries (STYLE.md §2), enforced by reading every import with the TypeScript parser (so code inside
 * template strings, comments and JSDoc does not count, and `import type` is told apart from value imports):
 * - the core (graph, layers, compiler, codegen) imports no React, React Flow, d3 or tfjs values, no Node built-ins
 *   (the browser runs it too), and reaches no other src folder than the core;
 * - the UI imports no tfjs values (tensors live in runtime, behind the worker);
 * - the CLI and the browser use the same core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './fixtures/graphs.ts';

const SRC = join(ROOT, 'src');
const CORE = ['graph', 'layers', 'compiler', 'codegen'];

interface ImportRef {
  spec: string;
  typeOnly: boolean;
  line: number;
}

/** Every module a source file pulls in: static imports and re-exports, `import()`, and `require()`. */
function importsOf(fileName: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (lit: ts.Expression, typeOnly: boolean) => {
    if (ts.isStringLiteralLike(lit)) out.push({ spec: lit.text, typeOnly, line: sf.getLineAndCharacterOfPosition(lit.getStart()).line + 1 });
  };
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      // `import type X`, or `import { type A, type B }` with no default/namespace part: erased at compile time.
      const allTypes = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      const allTypes = n.isTypeOnly || (!!n.exportClause && ts.isNamedExports(n.exportClause) && n.exportClause.elements.length > 0 && n.exportClause.elements.every((e) => e.isTypeOnly));
      add(n.moduleSpecifier, allTypes);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      add(n.moduleReference.expression, n.isTypeOnly);
    } else if (ts.isCallExpression(n) && n.arguments.length === 1 && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
      add(n.arguments[0], false);
    } else if (ts.isImportTypeNode(n)) {
      return; // `typeof import('x')` in a type position
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const FORBIDDEN_IN_CORE = [/^react(-dom)?($|\/)/, /^@xyflow\//, /^d3($|-|\/)/, /^@tensorflow\//];
const NODE_BUILTIN = /^node:|^(fs|path|url|util|os|child_process|module|crypto)(\/|$)/;

/** Boundary violations of one file, as readable strings (empty when clean). */
function violations(file: string, text: string): string[] {
  const rel = relative(SRC, file);
  const folder = rel.split(/[\\/]/)[0];
  const bad: string[] = [];
  for (const imp of importsOf(file, text)) {
    const at = `${rel}:${imp.line} imports '${imp.spec}'`;
    if (CORE.includes(folder)) {
      if (!imp.typeOnly && FORBIDDEN_IN_CORE.some((r) => r.test(imp.spec))) bad.push(`${at} (a value import; core code may only \`import type\` it)`);
      if (NODE_BUILTIN.test(imp.spec)) bad.push(`${at} (a Node built-in; the browser runs the core too)`);
      if (imp.spec.startsWith('.')) {
        const target = relative(SRC, resolve(dirname(file), imp.spec)).split(/[\\/]/)[0];
        if (!CORE.includes(target)) bad.push(`${at} (core code reaches outside the core, into src/${target})`);
      }
    }
    if (folder === 'ui' && !imp.typeOnly && /^@tensorflow\//.test(imp.spec)) bad.push(`${at} (the UI never imports tfjs values)`);
  }
  return bad;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('the checker itself', () => {
  const f = join(SRC, 'layers', 'x.ts');
  it.each([
    [`import * as tf from '@tensorflow/tfjs';`, 1],
    [`import { useState } from 'react';`, 1],
    [`import { ReactFlow } from '@xyflow/react';`, 1],
    [`import { scaleLinear } from 'd3-scale';`, 1],
    [`import * as d3 from 'd3';`, 1],
    [`export { tensor } from '@tensorflow/tfjs';`, 1],
    [`const tf = await import('@tensorflow/tfjs');`, 1],
    [`const tf = require('@tensorflow/tfjs');`, 1],
    [`import { type Tensor, tensor } from '@tensorflow/tfjs';`, 1],
    [`import { readFileSync } from 'node:fs';`, 1],
    [`import { buildModel } from '../runtime/build.ts';`, 1],
    [`import type * as tfjs from '@tensorflow/tfjs';`, 0],
    [`import { type Tensor } from '@tensorflow/tfjs';`, 0],
    [`export type { Tensor } from '@tensorflow/tfjs';`, 0],
    [`type T = typeof import('@tensorflow/tfjs');`, 0],
    ['const code = `import * as tf from \'@tensorflow/tfjs\';`;', 0],
    [`// import * as tf from '@tensorflow/tfjs';`, 0],
    [`import { compile } from '../compiler/index.ts';`, 0],
  ])('%s → %i violation(s)', (src, n) => {
    expect(violations(f, src)).toHaveLength(n);
  });
  it('applies the UI rule to src/ui only', () => {
    expect(violations(join(SRC, 'ui', 'A.tsx'), `import * as tf from '@tensorflow/tfjs';`)).toHaveLength(1);
    expect(violations(join(SRC, 'ui', 'A.tsx'), `import { useState } from 'react';`)).toHaveLength(0);
    expect(violations(join(SRC, 'runtime', 'a.ts'), `import * as tf from '@tensorflow/tfjs';`)).toHaveLength(0);
  });
});

describe('the source tree', () => {
  const files = sourceFiles(SRC);

  it.each(CORE)('src/%s has files and keeps its boundaries', (folder) => {
    const own = files.filter((f) => relative(SRC, f).startsWith(folder + '/'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('src/ui imports no tfjs values', () => {
    const ui = files.filter((f) => relative(SRC, f).startsWith('ui/'));
    expect(ui.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the CLI and the browser app use the same core compiler and document code', () => {
    const users = (folder: string, target: string) =>
      files.filter((f) => relative(SRC, f).startsWith(folder)).some((f) => importsOf(f, readFileSync(f, 'utf8')).some((i) => resolve(dirname(f), i.spec).startsWith(join(SRC, target))));
    for (const target of ['compiler', 'graph']) {
      expect(users('cli/', target), `cli → ${target}`).toBe(true);
      expect(users('store/', target) || users('ui/', target), `app → ${target}`).toBe(true);
    }
  });
});

/** Import cycles among the given files (type imports count: they still tie the files together), each as `a → b → a`. */
function cycles(files: string[]): string[] {
  const known = new Set(files);
  const deps = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, 'utf8')).filter((i) => i.spec.startsWith('.')).map((i) => resolve(dirname(f), i.spec)).filter((t) => known.has(t))]));
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]) => {
    state.set(f, 'open');
    for (const t of deps.get(f)!) {
      if (state.get(t) === 'open') found.push([...path.slice(path.indexOf(t)), t].map((p) => relative(SRC, p)).join(' → '));
      else if (!state.has(t)) visit(t, [...path, t]);
    }
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f, [f]);
  return found;
}

describe('import cycles', () => {
  it('the checker finds a cycle through a type import', () => {
    const dir = join(ROOT, 'tests', 'fixtures', 'cycle');
    expect(cycles(sourceFiles(dir))).toEqual(['../tests/fixtures/cycle/a.ts → ../tests/fixtures/cycle/b.ts → ../tests/fixtures/cycle/a.ts']);
  });

  it.each(['cli', 'compiler', 'graph', 'layers', 'codegen', 'store'])('src/%s has none (the CLI commands depend on command.ts, main.ts on the commands)', (folder) => {
    expect(cycles(sourceFiles(join(SRC, folder)))).toEqual([]);
  });
});
