/**
 * The guided lesson's step 8 ("Attention: a short path") at its defaults, headless, for seeds 1–5: the preset
 * `reversal-attention` trained without and with its attention (ATTENTION_PAIR_DEFAULTS, the same code the app's
 * worker runs), then the step's own check. Writes docs/data/lesson-attention.json, from which docs/lesson.md's
 * table is generated (scripts/doc-tables.ts).
 *
 *   npx tsx scripts/lesson-attention.ts      (≈ 1–2 min on 2 busy cores)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseDocument } from '../src/graph/index.ts';
import { attentionFacts, checkAttention, firstStepGain } from '../src/lesson/checks.ts';
import { ATTENTION_STEP } from '../src/lesson/steps.ts';
import { attentionPair } from '../src/runtime/probes/attention-pair.ts';
import { initTfNode } from '../src/runtime/setup-node.ts';

await initTfNode('wasm');
const parsed = parseDocument(readFileSync(new URL(`../presets/${ATTENTION_STEP.preset}.json`, import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error(parsed.error);
const runs = [];
for (const seed of [1, 2, 3, 4, 5]) {
  const r = await attentionPair(parsed.doc, { seed });
  const f = attentionFacts(r);
  const v = checkAttention(f);
  const ms = Object.fromEntries(r.models.map((m) => [m.run, Math.round(m.ms)]));
  process.stderr.write(`seed ${seed}: ${v.ok ? 'passes' : 'fails'}: ${v.text}\n`);
  runs.push({ seed, seqLen: r.seqLen, steps: r.steps, units: r.units, baseline: r.baseline, without: f.without, with: f.with, g1Gain: firstStepGain(f), passes: v.ok, ms, loadAvg: +loadavg()[0].toFixed(1) });
}
writeFileSync(new URL('../docs/data/lesson-attention.json', import.meta.url), JSON.stringify({ measured: new Date().toISOString().slice(0, 10), preset: ATTENTION_STEP.preset, runs }, null, 1) + '\n');
