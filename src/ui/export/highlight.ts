/** A small syntax highlighter for the export preview (Python and JavaScript): text → typed tokens. */

export type TokenKind = 'comment' | 'string' | 'number' | 'keyword' | 'literal' | 'plain';
export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = {
  python: new Set('and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' ')),
  js: new Set('async await break case catch class const continue default delete do else export extends finally for from function if import in instanceof let new of return switch this throw try typeof var void while yield'.split(' ')),
};
const LITERALS = { python: new Set(['True', 'False', 'None', 'self']), js: new Set(['true', 'false', 'null', 'undefined']) };

/** One alternation per language; group order = token kind order below. */
const PATTERNS = {
  python: /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|(\b\d+(?:\.\d+)?(?:e[-+]?\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)/g,
  js: /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|(\b\d+(?:\.\d+)?(?:e[-+]?\d+)?\b)|([A-Za-z_$][A-Za-z0-9_$]*)/g,
};

export type Language = keyof typeof PATTERNS;

export const languageOf = (fileName: string): Language | null => (fileName.endsWith('.py') ? 'python' : /\.m?js$/.test(fileName) ? 'js' : null);

/** Splits source text into tokens; concatenating their texts gives the input back. */
export function highlight(code: string, lang: Language): Token[] {
  const out: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = out[out.length - 1];
    if (kind === 'plain' && last?.kind === 'plain') last.text += text;
    else out.push({ kind, text });
  };
  const re = new RegExp(PATTERNS[lang]);
  let at = 0;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (m.index > at) push('plain', code.slice(at, m.index));
    const [text, comment, str, num, word] = m;
    if (comment) push('comment', text);
    else if (str) push('string', text);
    else if (num) push('number', text);
    else if (word && KEYWORDS[lang].has(word)) push('keyword', text);
    else if (word && LITERALS[lang].has(word)) push('literal', text);
    else push('plain', text);
    at = m.index + text.length;
  }
  if (at < code.length) push('plain', code.slice(at));
  return out;
}
