/**
 * "Numbers in the docs": every marked table and value in README.md and docs/*.md equals what
 * scripts/doc-tables.ts renders from its JSON (docs/data/), and the rewriter itself finds and fixes drift.
 */
import { describe, expect, it } from 'vitest';
import { at, mdTable, renderDoc, renderDocs, TABLES } from '../../scripts/doc-tables.ts';

describe('docs: marked tables and values match their JSON', () => {
  it('README.md and docs/*.md have no drift (fix: npx tsx scripts/doc-tables.ts)', () => {
    const drifts = renderDocs();
    expect(drifts.map((d) => `${d.file}: ${d.marker}\n--- on the page\n${d.now}--- from the JSON\n${d.want}`)).toEqual([]);
  });
});

describe('scripts/doc-tables.ts', () => {
  const data = { probe: { probeFusedOverStep: 0.63, note: 'x' }, list: [{ v: 1524.5 }] };
  const read = (src: string) => {
    if (src !== 'docs/data/x.json') throw new Error(`ENOENT ${src}`);
    return data;
  };

  it('rewrites a drifted inline value and reports it; an equal one is left alone', () => {
    const page = 'a <!-- value src=docs/data/x.json key=probe.probeFusedOverStep -->0.45<!-- /value --> b <!-- value src=docs/data/x.json key=list.0.v -->1524.5<!-- /value -->';
    const r = renderDoc(page, read, 'p.md');
    expect(r.text).toBe('a <!-- value src=docs/data/x.json key=probe.probeFusedOverStep -->0.63<!-- /value --> b <!-- value src=docs/data/x.json key=list.0.v -->1524.5<!-- /value -->');
    expect(r.drifts).toEqual([{ file: 'p.md', marker: 'value src=docs/data/x.json key=probe.probeFusedOverStep', now: '0.45', want: '0.63' }]);
    expect(renderDoc(r.text, read).drifts).toEqual([]);
    // A marker quoted in inline code is documentation, not a marker.
    const quoted = 'write `<!-- value src=docs/data/none.json key=a -->…<!-- /value -->` and `<!-- table:NAME src=x.json -->` … `<!-- /table -->`';
    expect(renderDoc(quoted, read)).toEqual({ text: quoted, drifts: [] });
  });

  it('rewrites a marked table from its renderer and keeps the text around it', () => {
    const results = [
      { preset: 'LSTM', seqLen: 200, env: 'node', backend: 'wasm', oursMs: 140, oursMin: 135, oursMax: 160, stockMs: 1524.6, stockMin: 718, stockMax: 1802, pytorchMs: 306, pytorchMin: 303, pytorchMax: 308, pytorchThreads: 1, oursOverStock: 0.09, oursOverPytorch: 0.46,
        fusedMs: 205.4, fusedMin: 200, fusedMax: 230, oursOverFused: 0.68, kernelsPerStep: 130, recurrentKernelsPerStep: 13 },
    ];
    const page = 'before\n<!-- table:bench-full src=b.json -->\n| stale | 1524 |\n<!-- /table -->\nafter\n';
    const r = renderDoc(page, () => ({ results }), 'p.md');
    // The median is printed once, from the JSON (1524.6 → 1525, never 1524 in one place and 1525 in another).
    expect(r.text).toBe('before\n<!-- table:bench-full src=b.json -->\n' +
      '| preset | T | env/backend | stock ms | fused ms | ours ms | PyTorch ms | ours/stock | ours/fused | ours/PyTorch | kernels: step / recurrent layer |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
      '| LSTM | 200 | node/wasm | 1525 (718–1802) | 205 (200–230) | 140 (135–160) | 306 (303–308) 1t | 0.09 (10.9× faster) | 0.68 | 0.46 | 130 / 13 |\n<!-- /table -->\nafter\n');
    expect(r.drifts).toHaveLength(1);
  });

  it('refuses an unknown renderer, a missing key, a missing file and an unclosed marker, naming the file and marker', () => {
    expect(() => renderDoc('<!-- table:nope src=docs/data/x.json -->\n<!-- /table -->', read, 'p.md')).toThrow(/p\.md: table:nope .*no renderer "nope"/);
    expect(() => renderDoc('<!-- value src=docs/data/x.json key=probe.missing -->1<!-- /value -->', read, 'p.md')).toThrow(/no "probe.missing"/);
    expect(() => renderDoc('<!-- value src=docs/data/x.json key=probe -->1<!-- /value -->', read, 'p.md')).toThrow(/not a number or text/);
    expect(() => renderDoc('<!-- value src=docs/data/y.json key=a -->1<!-- /value -->', read, 'p.md')).toThrow(/ENOENT docs\/data\/y\.json/);
    expect(() => renderDoc('<!-- table:bench-full src=docs/data/x.json -->\n| a |\n', read, 'p.md')).toThrow(/1 "<!-- table:" markers but 0/);
  });

  it('at() does not walk into inherited properties; mdTable writes a header, separator and rows', () => {
    expect(() => at({}, 'constructor')).toThrow(/no "constructor"/);
    expect(mdTable(['a', 'b'], [[1, 'x']])).toBe('| a | b |\n| --- | --- |\n| 1 | x |');
    expect(Object.keys(TABLES)).toEqual(expect.arrayContaining(['bench-full', 'bench-summary', 'bench-other']));
  });
});
