/** The export preview's highlighter: lossless, and the right kinds on hand-written snippets. */
import { describe, expect, it } from 'vitest';
import { highlight, languageOf } from '../../src/ui/export/highlight.ts';

const kinds = (code: string, lang: 'python' | 'js') => highlight(code, lang).filter((t) => t.kind !== 'plain').map((t) => `${t.kind}:${t.text}`);

describe('highlight', () => {
  it('tokenises Python', () => {
    expect(kinds('def f(x):  # tanh\n    return "a#b" if x > 1.5e3 else None', 'python')).toEqual([
      'keyword:def', 'comment:# tanh', 'keyword:return', 'string:"a#b"', 'keyword:if', 'number:1.5e3', 'keyword:else', 'literal:None',
    ]);
  });
  it('tokenises JavaScript', () => {
    expect(kinds("const a = tf.input({ name: 'x//y' }); // done\n/* c */ export", 'js')).toEqual([
      'keyword:const', "string:'x//y'", 'comment:// done', 'comment:/* c */', 'keyword:export',
    ]);
  });
  it('gives the text back unchanged', () => {
    const code = 'x = """doc\nstring"""\nprint(x)  # ok\n';
    expect(highlight(code, 'python').map((t) => t.text).join('')).toBe(code);
  });
  it('knows languages by file name', () => {
    expect([languageOf('model.py'), languageOf('model.mjs'), languageOf('README.md')]).toEqual(['python', 'js', null]);
  });
});
