#!/bin/sh
# Measures the two npm HDF5 readers for reading Keras .h5 files: minified browser bundle size (esbuild) and, in Node,
# the time to load the library and to read every weight of a Keras 2 .h5 fixture. Installs both in a temporary folder
# (the project depends only on the chosen one). Usage: sh scripts/hdf5-readers.sh   (prints one JSON line per reader)
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
cd "$TMP"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent h5wasm@0.10.3 jsfive@0.4.2
/usr/bin/python3 "$ROOT/tests/fixtures/keras/make_keras_files.py" "$TMP/kf"
for r in jsfive h5wasm; do
  echo "import * as m from '$r'; console.log(Object.keys(m).length)" > "entry-$r.mjs"
  "$ROOT/node_modules/.bin/esbuild" "entry-$r.mjs" --bundle --minify --format=esm --platform=browser --outfile="bundle-$r.js" --log-level=error
done
cat > read.mjs <<'JS'
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
const reader = process.argv[2];
const path = process.argv[3];
const t0 = performance.now();
let open;
if (reader === 'jsfive') {
  const hdf5 = await import('jsfive');
  open = (b) => new hdf5.File(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), 'x.h5');
} else {
  const h5wasm = await import('h5wasm/node');
  const { FS } = await h5wasm.ready;
  open = (b) => (FS.writeFile('x.h5', b), new h5wasm.File('x.h5', 'r'));
}
const t1 = performance.now();
const f = open(new Uint8Array(readFileSync(path)));
const attr = (g, k) => (reader === 'jsfive' ? g.attrs[k] : g.attrs[k].value);
const mw = f.get('model_weights');
let values = 0;
for (const l of attr(mw, 'layer_names')) {
  const g = mw.get(l);
  const wn = attr(g, 'weight_names');
  for (const w of Array.isArray(wn) ? wn : []) values += g.get(w.replace(/\0+$/, '')).value.length;
}
const t2 = performance.now();
const bundle = readFileSync(`bundle-${reader}.js`);
console.log(JSON.stringify({ reader, bundleBytes: bundle.length, bundleGzipBytes: gzipSync(bundle).length, loadMs: +(t1 - t0).toFixed(1), readMs: +(t2 - t1).toFixed(1), values, fileBytes: statSync(path).size }));
JS
for r in jsfive h5wasm; do node read.mjs $r "$TMP/kf/func_masked_merges.h5"; done
echo "{\"uptime\": \"$(uptime)\"}"
rm -rf "$TMP"
