/**
 * The race's words against the race's own runs (issue 22): at T = 40 and T = 80, seeds 1–3, on wasm, everything the
 * Inside tab writes about a race (the sentences above the panels and the gradient legend's g₁/g_T lines, both from
 * the same builders the UI calls) is read back into claims. The test fails on two contradictory claims about one
 * model ("stayed at / has not left the baseline" against "learned", "fell to", "keeps it", "opened") and on one
 * number shown twice with two values (a model's g₁/g_T at initialisation or after training, its validation loss).
 * The checker itself is first shown to catch both faults on the texts the issue quoted.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/graph/index.ts';
import { dropModels, race, type RaceEvent } from '../../src/runtime/probes/race.ts';
import type { RaceResult } from '../../src/runtime/probes/race-settings.ts';
import { outcome, raceSentences, ratioLegend } from '../../src/runtime/probes/sentences.ts';
import { gradRatio, medianPerStep } from '../../src/runtime/probes/stats.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';

const KINDS = ['SimpleRNN', 'LSTM', 'GRU'];
const kindsIn = (s: string) => KINDS.filter((k) => new RegExp(`\\b${k}\\b`).test(s));

type Claim = { model: string; state: 'baseline' | 'left' };
type Value = { key: string; value: string };

/** What the texts say about each model: whether it left the baseline, and the numbers they give for it. */
function readClaims(sentences: string[], legend: { label: string; text: string }[]) {
  const claims: Claim[] = [];
  const values: Value[] = [];
  const say = (models: string[], state: Claim['state']) => models.forEach((model) => claims.push({ model, state }));
  for (const s of sentences) {
    // Headline: "The X and Y stayed at the baseline (validation loss a and b against c); the Z learned the task (d)."
    for (const part of s.replace(/^After \d+ steps at T = \d+: /, '').split('; ')) {
      const m = part.match(/^(?:Only the|The|the) (.+?) (stayed at the baseline|learned the task|got part of the way) \((?:validation loss )?(.+?)(?: against .+)?\)\.?$/);
      if (!m) continue;
      const models = kindsIn(m[1]);
      say(models, m[2] === 'stayed at the baseline' ? 'baseline' : 'left');
      m[3].split(/, | and /).forEach((v, i) => models[i] && values.push({ key: `${models[i]} validation loss`, value: v }));
    }
    const own = s.match(/^In this run the (\w+)'s gradient at t = 1 is (\S+) (?:times|of)/);
    if (own) {
      values.push({ key: `${own[1]} g₁/g_T trained`, value: own[2] });
      const loss = s.match(/its validation loss (stayed at the baseline \(|fell to )([\d.]+)/);
      if (loss) {
        say([own[1]], loss[1].startsWith('stayed') ? 'baseline' : 'left');
        values.push({ key: `${own[1]} validation loss`, value: loss[2] });
      }
    }
    const carries = s.match(/the (\w+) carries/);
    if (carries && /has not left the baseline/.test(s)) say([carries[1]], 'baseline');
    if (carries && /its gated path keeps it/.test(s)) say([carries[1]], 'left');
    const init = s.match(/^At initialisation the gradient of .+? vanished faster than the SimpleRNN's \((.+?) against (\S+)\)/);
    if (init) {
      values.push({ key: 'SimpleRNN g₁/g_T initialisation', value: init[2] });
      for (const m of init[1].matchAll(/(\w+) (\S+?)(?=,| and |$)/g)) values.push({ key: `${m[1]} g₁/g_T initialisation`, value: m[2] });
    }
    // "Training opened the gated paths of the LSTM and GRU"; without "of …", about every model the sentence names.
    const opened = s.match(/Training opened the gated paths?(?: of (.+?) \()?/);
    if (opened) say(kindsIn(opened[1] ?? s).filter((k) => k !== 'SimpleRNN'), 'left');
  }
  for (const l of legend) {
    const v = l.text.match(/^g₁\/g_T = (\S+)/);
    const [kind, when] = l.label.split(', ');
    if (v) values.push({ key: `${kind} g₁/g_T ${when.startsWith('init') ? 'initialisation' : 'trained'}`, value: v[1] });
  }
  return { claims, values };
}

/** The faults: a model said to stay at the baseline and to have left it; a key with two different values. */
function faults(sentences: string[], legend: { label: string; text: string }[]): string[] {
  const { claims, values } = readClaims(sentences, legend);
  const out: string[] = [];
  for (const k of KINDS) {
    const states = new Set(claims.filter((c) => c.model === k).map((c) => c.state));
    if (states.size > 1) out.push(`${k}: said both to stay at the baseline and to leave it`);
  }
  const byKey = new Map<string, Set<string>>();
  for (const v of values) byKey.set(v.key, (byKey.get(v.key) ?? new Set()).add(v.value));
  for (const [key, vs] of byKey) if (vs.size > 1) out.push(`${key} shown as ${[...vs].join(' and ')}`);
  return out;
}

describe('the checker', () => {
  it('catches the contradiction and the two values the issue saw at T = 80', () => {
    const said = [
      "Unlike the textbook picture, after training the LSTM carries less (0.5 as much) of its gradient back to t = 1 than the SimpleRNN here, and it has not left the baseline: …, and 400 steps were not enough to open it.",
      "At initialisation the gradient of the LSTM and GRU vanished faster than the SimpleRNN's (LSTM 10⁻⁹ and GRU 9·10⁻¹⁸ against 10⁻⁵), the opposite of the textbook picture: …. Training opened the gated path (compare the dashed initialisation curves).",
    ];
    expect(faults(said, [{ label: 'GRU, initialisation (step 0)', text: 'g₁/g_T = zero' }])).toEqual([
      'LSTM: said both to stay at the baseline and to leave it',
      'GRU g₁/g_T initialisation shown as 9·10⁻¹⁸ and zero',
    ]);
  });
});

const SEEDS = [1, 2, 3];
const LENGTHS = [40, 80];

describe.each(LENGTHS)('the race at T = %i', (T) => {
  const runs: { seed: number; result: RaceResult; legend: { label: string; text: string }[] }[] = [];
  beforeAll(async () => {
    await initTfNode('wasm');
    const r = parseDocument(readFileSync(new URL('../../presets/race-adding.json', import.meta.url), 'utf8'));
    if (!r.ok) throw new Error(r.error);
    for (const seed of SEEDS) {
      const legend: { label: string; text: string }[] = [];
      const first = new Set<string>();
      const onEvent = (e: RaceEvent) => {
        // The gradient legend's lines, as the Inside tab writes them: the dashed first snapshot and the final probe.
        if (e.type === 'snapshot' && !first.has(e.run)) {
          first.add(e.run);
          const g = e.snapshot.layers[0].gradNorm;
          legend.push({ label: `${e.run}, initialisation (step ${e.snapshot.step})`, text: ratioLegend(gradRatio(g), g.length) });
        }
        if (e.type === 'probe') {
          const d = e.probe.directions[0];
          const g = medianPerStep(d.dh, d.mask, e.probe.seqLen, e.probe.batch);
          legend.push({ label: `${e.run}, trained`, text: ratioLegend(gradRatio(g), g.length) });
        }
      };
      const result = await race(r.doc, { seqLen: T, seed }, onEvent);
      dropModels();
      runs.push({ seed, result, legend });
    }
  }, 900_000);

  it.each(SEEDS)('seed %i: no contradictory sentences, no number with two values, each model placed where its loss is', (seed) => {
    const run = runs.find((x) => x.seed === seed)!;
    const sentences = raceSentences(run.result);
    console.log(`T = ${T}, seed ${seed}:\n  ${sentences.join('\n  ')}\n  ${run.legend.map((l) => `${l.label}: ${l.text}`).join('\n  ')}`);
    expect(faults(sentences, run.legend)).toEqual([]);
    const { claims, values } = readClaims(sentences, run.legend);
    for (const m of run.result.models) {
      // Every model is placed, and where its validation loss puts it; both of its ratios are shown.
      const states = new Set(claims.filter((c) => c.model === m.kind).map((c) => c.state));
      expect([...states]).toEqual([outcome(m.valLoss, run.result.baseline) === 'baseline' ? 'baseline' : 'left']);
      expect(values.filter((v) => v.key === `${m.kind} g₁/g_T trained`).length).toBeGreaterThanOrEqual(2);
      expect(values.some((v) => v.key === `${m.kind} g₁/g_T initialisation`)).toBe(true);
    }
  });
});
