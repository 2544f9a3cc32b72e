/**
 * No developer text on screen (issue 22): every string the app can show — string and template literals and JSX text
 * in the browser's code, and the presets' names and descriptions — is scanned for source paths and script commands
 * ("src/…/x.ts", "scripts/…", "npx …", "npm run …", "tsx …") and for the code's own constant names. The CLI
 * (src/cli, for a terminal) and the exported files (src/codegen, where a command is the point) are not screen text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SKIP = ['src/cli', 'src/codegen'];

/**
 * What a student should never read: a path into the sources, a command to type, or a constant's name in a sentence
 * (a string that is only a name, like a backend flag 'WASM_HAS_SIMD_SUPPORT', is a key in the code, not text).
 */
const PATH_OR_COMMAND = /\b(?:src|scripts|tests)\/[\w./-]+|\bnpx\s|\bnpm (?:run|test|start|install)\b|\btsx\s+\S+\.ts\b/;
const CONSTANT = /\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b/; // RACE_DEFAULTS, MAIN_FILE, …
const isDeveloperText = (t: string) => PATH_OR_COMMAND.test(t) || (/\s/.test(t.trim()) && CONSTANT.test(t));

const files = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
  const p = `${dir}/${e.name}`;
  if (SKIP.includes(p)) return [];
  return e.isDirectory() ? files(p) : /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
});

/** Every piece of text a source file can put on screen: string literals, template pieces, JSX text. */
function screenText(path: string): { line: number; text: string }[] {
  const src = ts.createSourceFile(path, readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: { line: number; text: string }[] = [];
  const visit = (n: ts.Node) => {
    // Module specifiers ('./x.ts') and `new URL('…', import.meta.url)` are code, not text.
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || (ts.isNewExpression(n) && n.expression.getText() === 'URL')) return;
    if (ts.isCallExpression(n) && n.expression.getText() === 'import') return;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n) || ts.isJsxText(n))
      out.push({ line: src.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: n.text });
    n.forEachChild(visit);
  };
  visit(src);
  return out;
}

describe('no developer text on screen', () => {
  it('the scanner finds what the issue saw (it can fail)', () => {
    const said = ['settings: RACE_DEFAULTS in src/runtime/probes/race-settings.ts', 'run npx tsx scripts/measure-runs.ts'];
    for (const s of said) expect(isDeveloperText(s)).toBe(true);
    expect(isDeveloperText('Embedding(20000, 64) → LSTM(8) → Dense(2, softmax); try it with Ctrl+K')).toBe(false);
  });

  it('in the strings of the browser code', () => {
    const hits = files('src').flatMap((f) => screenText(f).filter((s) => isDeveloperText(s.text)).map((s) => `${f}:${s.line}: ${s.text.trim().slice(0, 120)}`));
    expect(hits).toEqual([]);
  });

  it("in the presets' names and descriptions", () => {
    const hits = readdirSync(join(ROOT, 'presets')).flatMap((f) => {
      const meta = JSON.parse(readFileSync(join(ROOT, 'presets', f), 'utf8')).graph.meta ?? {};
      return [meta.name, meta.description].filter((t): t is string => typeof t === 'string' && isDeveloperText(t)).map((t) => `${f}: ${t}`);
    });
    expect(hits).toEqual([]);
  });
});
