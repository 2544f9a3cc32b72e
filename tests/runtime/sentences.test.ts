/**
 * The sentence builder (src/runtime/probes/sentences.ts) on three contrasting runs: the race at its defaults, an
 * untrained probe at T = 100 (run here, on wasm), and a race where the LSTM stays at the baseline (the numbers the
 * issue measured on the old defaults). Each sentence must follow the numbers it is given: the same builder, given
 * numbers that say the opposite, must say the opposite.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/graph/index.ts';
import { medianPerStep, gradRatio } from '../../src/runtime/probes/stats.ts';
import { probeGraph, recurrentVariant } from '../../src/runtime/probes/race.ts';
import type { RaceResult } from '../../src/runtime/probes/race-settings.ts';
import { fmtSci, outcome, probeSentences, raceSentences } from '../../src/runtime/probes/sentences.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';

const preset = (name: string) => {
  const r = parseDocument(readFileSync(new URL(`../../presets/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

describe('fmtSci', () => {
  it('writes powers of ten with superscripts and one significant digit', () => {
    expect(fmtSci(3.2e-6)).toBe('3·10⁻⁶');
    expect(fmtSci(1.04e-5)).toBe('10⁻⁵');
    expect(fmtSci(9.7e-4)).toBe('10⁻³');
    expect(fmtSci(0.036)).toBe('0.036');
    expect(fmtSci(0)).toBe('0');
    expect(fmtSci(null)).toBe('—');
    expect(fmtSci(2.5e7)).toBe('3·10⁷');
  });
});

// A race shaped like the measured default runs (docs/vanishing-gradients.md): the SimpleRNN at the baseline, the gated cells learned.
const defaults: RaceResult = {
  task: 'adding', seqLen: 35, steps: 350, baseline: 1 / 6,
  models: [
    { kind: 'SimpleRNN', valLoss: 0.1648, gradRatioInit: 0.034, gradRatioTrained: 4.1e-5, ms: 2000 },
    { kind: 'LSTM', valLoss: 0.0072, gradRatioInit: 6.1e-5, gradRatioTrained: 0.034, ms: 4000 },
    { kind: 'GRU', valLoss: 0.0005, gradRatioInit: 1.2e-7, gradRatioTrained: 0.07, ms: 4000 },
  ],
};
// The measurement of the old defaults (T = 50, 200 steps): the LSTM never left the baseline.
const lstmStuck: RaceResult = {
  task: 'adding', seqLen: 50, steps: 200, baseline: 0.167,
  models: [
    { kind: 'SimpleRNN', valLoss: 0.160, gradRatioInit: 1e-3, gradRatioTrained: 8.7e-5, ms: 1 },
    { kind: 'LSTM', valLoss: 0.161, gradRatioInit: 2e-5, gradRatioTrained: 8.3e-7, ms: 1 },
    { kind: 'GRU', valLoss: 0.014, gradRatioInit: 1e-9, gradRatioTrained: 1.9e-1, ms: 1 },
  ],
};

describe('a race at the defaults', () => {
  const s = raceSentences(defaults);
  it('names the SimpleRNN as the one that stayed at the baseline, with the losses', () => {
    expect(s[0]).toBe('After 350 steps at T = 35: Only the SimpleRNN stayed at the baseline (validation loss 0.165 against 0.167); the LSTM and GRU learned the task (0.0072 and 0.00050).');
  });
  it('gives each model its gradient ratio and loss', () => {
    expect(s).toContain(`In this run the SimpleRNN's gradient at t = 1 is ${fmtSci(4.1e-5)} of its value at t = 35, and its validation loss stayed at the baseline (0.165 against 0.167).`);
    expect(s.find((x) => x.startsWith("In this run the LSTM's"))).toContain('0.034 of its value at t = 35, and its validation loss fell to 0.0072, 4.3% of the baseline 0.167: it learned the task');
  });
  it('compares the trained ratios by the factor in the numbers', () => {
    expect(s).toContain(`After training, the LSTM carries ${Math.round(0.034 / 4.1e-5)}× more of its gradient back to t = 1 than the SimpleRNN: its gated path keeps it.`);
    expect(s).toContain(`After training, the GRU carries ${Math.round(0.07 / 4.1e-5).toLocaleString('en')}× more of its gradient back to t = 1 than the SimpleRNN: its gated path keeps it.`);
  });
  it('says that at initialisation the gated cells vanished faster, and why', () => {
    const init = s.find((x) => x.startsWith('At initialisation'))!;
    expect(init).toContain('of the LSTM and GRU vanished faster than the SimpleRNN\'s (LSTM 6·10⁻⁵ and GRU 10⁻⁷ against 0.034)');
    expect(init).toContain('σ(1) ≈ 0.73');
    expect(init).toContain('update gate near 0.5');
    expect(init).toContain('Training opened the gated paths of the LSTM and GRU');
  });
  it('says the opposite when the numbers say the opposite', () => {
    const flipped: RaceResult = { ...defaults, models: defaults.models.map((m) => ({ ...m, gradRatioInit: m.kind === 'SimpleRNN' ? 1e-9 : 0.5, valLoss: m.kind === 'SimpleRNN' ? 0.001 : 0.16 })) };
    const f = raceSentences(flipped);
    expect(f[0]).toBe('After 350 steps at T = 35: The LSTM and GRU stayed at the baseline (validation loss 0.160 and 0.160 against 0.167); the SimpleRNN learned the task (0.0010).');
    expect(f.some((x) => x.startsWith('At initialisation'))).toBe(false);
  });
});

describe('a race where the LSTM stays at the baseline', () => {
  const s = raceSentences(lstmStuck);
  it('puts the LSTM with the SimpleRNN at the baseline and the GRU with the learners', () => {
    expect(s[0]).toBe('After 200 steps at T = 50: The SimpleRNN and LSTM stayed at the baseline (validation loss 0.160 and 0.161 against 0.167); the GRU learned the task (0.014).');
  });
  it('says the LSTM departs from the textbook and why, and what to try', () => {
    const l = s.find((x) => x.includes('Unlike the textbook picture') && x.includes('LSTM'))!;
    expect(l).toContain(`less (${fmtSci(8.3e-7 / 8.7e-5)} as much)`);
    expect(l).toContain('it has not left the baseline');
    expect(l).toContain('σ(1) ≈ 0.73');
    expect(l).toContain('200 steps were not enough');
    expect(s).toContain(`After training, the GRU carries ${Math.round(0.19 / 8.7e-5).toLocaleString('en')}× more of its gradient back to t = 1 than the SimpleRNN: its gated path keeps it.`);
  });
  it('does not say training opened the LSTM when its ratio fell', () => {
    const onlyLstm: RaceResult = { ...lstmStuck, models: lstmStuck.models.filter((m) => m.kind !== 'GRU') };
    const init = raceSentences(onlyLstm).find((x) => x.startsWith('At initialisation'))!;
    expect(init).not.toContain('Training opened');
  });
});

describe('an untrained probe at T = 100 (measured here)', () => {
  const ratios: Record<string, number | null> = {};
  beforeAll(async () => {
    await initTfNode('wasm');
    const doc = preset('race-adding');
    for (const kind of ['SimpleRNN', 'LSTM', 'GRU'] as const) {
      const { probe, weights } = await probeGraph(recurrentVariant(doc, kind, 16), { seqLen: 100, probeBatch: 16 });
      expect(weights).toBe('initial');
      const d = probe.directions[0];
      ratios[kind] = gradRatio(medianPerStep(d.dh, d.mask, probe.seqLen, probe.batch));
    }
  }, 120_000);
  it('writes each measured ratio, and says the gated cells vanish faster only when they do', () => {
    const models = ['SimpleRNN', 'LSTM', 'GRU'].map((kind) => ({ kind, label: kind, ratio: ratios[kind] }));
    const s = probeSentences(models, 100, false);
    for (const m of models) expect(s).toContain(`At initialisation the ${m.kind}'s gradient at t = 1 is ${fmtSci(m.ratio)} of its value at t = 100.`);
    const faster = s.find((x) => x.startsWith('Here the gated cells vanish faster'));
    const lstmFaster = ratios.LSTM! < ratios.SimpleRNN!, gruFaster = ratios.GRU! < ratios.SimpleRNN!;
    expect(!!faster).toBe(lstmFaster || gruFaster);
    if (faster) {
      expect(faster.includes('σ(1) ≈ 0.73')).toBe(lstmFaster);
      expect(faster.includes('update gate near 0.5')).toBe(gruFaster);
    }
  });
  it('tells a learner that an untrained LSTM at T = 100 is expected to sit at the baseline for a while', () => {
    const s = probeSentences([{ kind: 'LSTM', label: 'LSTM', ratio: ratios.LSTM }], 100, false);
    expect(s[1]).toMatch(/^That is expected for an untrained LSTM: .*0\.73.*may sit at the baseline/);
    // A ratio near 1 (nothing vanished) gets no such excuse.
    expect(probeSentences([{ kind: 'LSTM', label: 'LSTM', ratio: 0.5 }], 100, false)).toHaveLength(1);
  });
});

it('outcome() draws the lines at 0.8 and 0.1 of the baseline', () => {
  expect(outcome(0.8, 1)).toBe('baseline');
  expect(outcome(0.79, 1)).toBe('partly');
  expect(outcome(0.1, 1)).toBe('learned');
  expect(outcome(0.11, 1)).toBe('partly');
});
