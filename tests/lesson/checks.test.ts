/**
 * The lesson's "What you should see" checks, fed contrasting runs: each check passes on a run that shows the step's
 * point and says "not this time, because …" with the run's own numbers when it does not.
 */
import { describe, expect, it } from 'vitest';
import {
  attentionFacts, checkAttention, checkExport, checkGates, checkGradient, checkRace, checkShapes, checkStrip, checkTrain, num,
} from '../../src/lesson/checks.ts';
import { attentionPairSentences } from '../../src/runtime/probes/sentences.ts';
import type { AttentionPairResult } from '../../src/runtime/probes/attention-pair-settings.ts';

describe('num', () => {
  it.each([[0, '0'], [0.034, '0.034'], [1.7, '1.7'], [0.1666, '0.17'], [3.2e-6, '3.2·10⁻⁶'], [1e-14, '1·10⁻¹⁴'], [25000, '2.5·10⁴']])('%s → %s', (x, s) => {
    expect(num(x)).toBe(s);
  });
});

describe('step 1: the unrolled strip', () => {
  const base = { layer: 'simple_rnn', example: 3, length: 5 };
  it('passes when real steps change h and masked steps carry it', () => {
    const v = checkStrip({ ...base, change: [0.4, 0.2, 0.3, 0.1, 0.25, 0, 0, 0], mask: [1, 1, 1, 1, 1, 0, 0, 0] });
    expect(v.ok).toBe(true);
    expect(v.text).toBe('each of the 5 real tokens of example 3 changed h_t (by at least 0.1 in some unit), and at the 3 padded steps (mask 0) h_t was carried over exactly.');
  });
  it('says "the only real token" for one', () => {
    expect(checkStrip({ ...base, length: 1, change: [0.4, 0, 0], mask: [1, 0, 0] }).text).toBe('the only real token of example 3 changed h_t (by at least 0.4 in some unit), and at the 2 padded steps (mask 0) h_t was carried over exactly.');
  });
  it('fails when a masked step moved h, naming the step and the size', () => {
    const v = checkStrip({ ...base, change: [0.4, 0.2, 0.3, 0.1, 0.25, 0.05, 0, 0], mask: [1, 1, 1, 1, 1, 0, 0, 0] });
    expect(v).toEqual({ ok: false, text: 'not this time, because h_t changed by 0.05 at masked step t = 6.' });
  });
  it('fails when the shown steps hold no padding', () => {
    const v = checkStrip({ ...base, length: 12, change: [0.4, 0.2, 0.3, 0.1], mask: [1, 1, 1, 1] });
    expect(v.text).toBe('not this time, because example 3 has 12 real tokens, so the 4 steps shown hold no padding to skip.');
  });
  it('fails without a mask, and when a real step left h unchanged', () => {
    expect(checkStrip({ ...base, change: [0.4, 0.2], mask: null }).text).toBe('not this time, because simple_rnn sees no mask here, so no step is skipped (every one of the 2 steps changed h_t).');
    expect(checkStrip({ ...base, change: [0.4, 0, 0.2], mask: [1, 1, 1] }).text).toBe('not this time, because h_t did not change at real step t = 2.');
  });
});

describe('step 2: the classifier', () => {
  const base = { task: 'Mail subjects', steps: 120, baselineLoss: 0.6722, baselineAccuracy: 0.602, tried: { input: 'win money now', output: 'spam (81.0 %)' } };
  it('passes below the baseline loss and above the majority class, naming both, and the try-it answer', () => {
    const v = checkTrain({ ...base, valLoss: 0.5191, accuracy: 0.803 });
    expect(v).toEqual({ ok: true, text: 'after 120 steps on Mail subjects, validation loss 0.5191 against the baseline loss 0.6722 (predicting the class frequencies), and validation accuracy 80.3 % against 60.2 % for always answering the majority class. "Try it" read “win money now” and answered spam (81.0 %).' });
  });
  it('fails when the validation loss is above the baseline loss, even with the accuracy above the majority class (the issue\'s Dense(4) run)', () => {
    const v = checkTrain({ ...base, valLoss: 0.7587, accuracy: 0.70 });
    expect(v).toEqual({ ok: false, text: 'not this time, because after 120 steps on Mail subjects the validation loss 0.7587 against the baseline loss 0.6722 (predicting the class frequencies) is not below it: the model predicts worse than the class frequencies alone (validation accuracy 70.0 % against 60.2 % for always answering the majority class).' });
  });
  it('fails at the majority class, with both numbers', () => {
    const v = checkTrain({ ...base, valLoss: 0.66, accuracy: 0.61 });
    expect(v.ok).toBe(false);
    expect(v.text).toBe('not this time, because after 120 steps on Mail subjects the validation accuracy 61.0 % against 60.2 % for always answering the majority class is not 5 points above it yet (validation loss 0.6600 against the baseline loss 0.6722 (predicting the class frequencies)); more steps would help.');
  });
  it('fails when try it did not run', () => {
    expect(checkTrain({ ...base, valLoss: 0.3, accuracy: 0.9, tried: null }).text).toMatch(/^not this time, because .*validation accuracy 90\.0 % .*but "try it" has not run/);
  });
});

describe('step 3: the gradient through time', () => {
  it('passes when g₁/g_T falls with T below 10⁻², in any order of probing', () => {
    const v = checkGradient({ curves: [{ T: 50, ratio: 2e-7 }, { T: 10, ratio: 0.04 }, { T: 100, ratio: 3e-13 }] });
    expect(v).toEqual({ ok: true, text: 'g₁/g_T = 0.04 at T = 10, 2·10⁻⁷ at T = 50 and 3·10⁻¹³ at T = 100: the longer the sequence, the less of the gradient reaches the first step.' });
  });
  it('fails when a longer T keeps more of the gradient', () => {
    expect(checkGradient({ curves: [{ T: 10, ratio: 0.04 }, { T: 50, ratio: 0.09 }, { T: 100, ratio: 1e-3 }] }).text)
      .toBe('not this time, because g₁/g_T at T = 50 (0.09) is not below T = 10 (0.04).');
  });
  it('fails when the gradient falls but has not vanished', () => {
    expect(checkGradient({ curves: [{ T: 10, ratio: 0.9 }, { T: 50, ratio: 0.5 }, { T: 100, ratio: 0.2 }] }).text)
      .toBe('not this time, because g₁/g_T fell (0.9 at T = 10, 0.5 at T = 50 and 0.2 at T = 100) but is still 0.2 at T = 100, not below 0.01.');
  });
});

describe('step 4: the gates', () => {
  const base = { example: 29, steps: 12, fMin: 0.7, fMax: 0.94, fMean: 0.81, cMaxAbs: 6.9, hMaxAbs: 0.83 };
  it('passes for trained weights whose forget gate lets c add up past ±1', () => {
    expect(checkGates({ ...base, weights: 'trained' })).toEqual({
      ok: true, text: 'with the trained weights, in example 29 (the one in the heatmaps, 12 real steps) the forget gate f ranges from 0.7 to 0.94 (mean 0.81); the cell state c reaches ±6.9 and h ±0.83: f keeps most of c from step to step, so c adds up past the ±1 that bounds h = o·tanh(c).',
    });
  });
  it('fails on initial weights, on a forgetful gate, and on a cell state within ±1', () => {
    expect(checkGates({ ...base, weights: 'initial' }).text).toMatch(/^not this time, because these are the initial weights \(train this graph in step 2 first\): in example 29 \(the one in the heatmaps, 12 real steps\) the forget gate f ranges from 0\.7/);
    expect(checkGates({ ...base, weights: 'trained', fMin: 0.1, fMean: 0.4 }).text).toMatch(/\(mean 0\.4\).*: on average f keeps only 0\.4 of c per step\.$/);
    expect(checkGates({ ...base, weights: 'trained', cMaxAbs: 0.9 }).text).toMatch(/c reaches ±0\.9 and h ±0\.83: c stays within the ±1 that bounds h\.$/);
  });
});

describe('step 5: the race', () => {
  const model = (kind: 'SimpleRNN' | 'LSTM' | 'GRU', valLoss: number, gradRatioTrained: number | null) => ({ kind, valLoss, gradRatioInit: 1e-3, gradRatioTrained, ms: 3000 });
  const race = (s: number, l: number, g: number, ratios: [number, number, number] = [1e-6, 0.02, 0.3]) => ({
    task: 'adding', baseline: 0.167, seqLen: 35, steps: 350,
    models: [model('SimpleRNN', s, ratios[0]), model('LSTM', l, ratios[1]), model('GRU', g, ratios[2])],
  });
  it('passes at the textbook result, with the gradient gains', () => {
    expect(checkRace(race(0.16, 0.0021, 0.0013))).toEqual({
      ok: true, text: 'after 350 steps at T = 35 (baseline 0.167) the SimpleRNN\'s validation loss 0.160 stayed at the baseline, while the LSTM\'s validation loss 0.0021 and the GRU\'s validation loss 0.0013 learned, carrying more of the gradient back to the first step than the SimpleRNN (g₁/g_T LSTM 2·10⁴×, GRU 3·10⁵×).',
    });
  });
  it('fails when the LSTM stays at the baseline, and says why gated cells can be slow', () => {
    expect(checkRace(race(0.16, 0.161, 0.014)).text).toBe('not this time, because after 350 steps at T = 35 (baseline 0.167) the LSTM\'s validation loss 0.161 stayed above 0.1 × baseline: gated cells start with their gates half closed and may need more steps.');
  });
  it('fails when the gated cells learn but carry less than 100× the gradient', () => {
    expect(checkRace(race(0.16, 0.002, 0.001, [1e-3, 0.024, 0.5])).text).toBe('not this time, because after 350 steps at T = 35 (baseline 0.167) the gated cells learned, but their trained g₁/g_T is not 100× the SimpleRNN\'s (LSTM 24×, GRU 500×).');
  });
  it('fails when the SimpleRNN bridges the lag, or a model did not finish', () => {
    expect(checkRace(race(0.02, 0.001, 0.001)).text).toMatch(/the SimpleRNN's validation loss 0\.020 got below 0\.8 × baseline/);
    expect(checkRace({ ...race(0.16, 0.001, 0.001), models: race(0.16, 0.001, 0.001).models.filter((m) => m.kind !== 'LSTM') }).text).toBe('not this time, because LSTM did not finish.');
  });
});

describe('step 6: shapes', () => {
  const bi = (dims: (number | null)[], returnSequences: boolean, mergeMode = 'concat') => ({ name: 'bi', units: 64, mergeMode, returnSequences, dims });
  it('passes when concat doubles the width, in the edges\' notation', () => {
    expect(checkShapes({ layers: [bi([null, 128], true), { ...bi([128], false), name: 'bi_2' }] }).text)
      .toBe('bi outputs [batch, T, 128] = 64 forward + 64 backward, one vector per step for the next layer; bi_2 outputs [batch, 128] = 64 forward + 64 backward, only the last state.');
  });
  it('fails on a width that does not follow the merge mode, or no Bidirectional', () => {
    expect(checkShapes({ layers: [bi([64], false)] }).text).toBe('not this time, because bi outputs [batch, 64], not 128 features (64 units, merge concat).');
    expect(checkShapes({ layers: [bi([64], false, 'sum')] }).ok).toBe(true);
    expect(checkShapes({ layers: [bi([null, 128], false)] }).text).toBe('not this time, because bi outputs [batch, T, 128] with returnSequences off.');
    expect(checkShapes({ layers: [] }).ok).toBe(false);
  });
});

describe('step 7: export', () => {
  it('passes with one module per direction and names the input sizes', () => {
    expect(checkExport({ target: 'PyTorch', file: 'model.py', directions: 4, modules: 4, inputSizes: [128, 128, 128, 128] }).text)
      .toBe('model.py (PyTorch) builds 4 recurrent modules, one per direction, reading 128, 128, 128 and 128 input features; Download zip adds the weights and a predict script.');
  });
  it('fails when the code has fewer modules than the model has directions', () => {
    expect(checkExport({ target: 'PyTorch', file: 'model.py', directions: 4, modules: 2, inputSizes: [128, 128] }))
      .toEqual({ ok: false, text: 'not this time, because model.py builds 2 recurrent modules for the model\'s 4 recurrent directions.' });
  });
});

describe('step 8: attention, a short path', () => {
  // A pair run as the runtime returns it: encoder curves over L = 4 steps (t = 1 first).
  const run = (withLoss: number, withG1: number): AttentionPairResult => ({
    task: 'reversal', seqLen: 4, units: 8, learningRate: 0.01, batchSize: 32, clipNorm: 1, steps: 50, seed: 1, baseline: 2.4,
    models: [
      { run: 'without', valLoss: 1.8, encoder: 'encoder', encoderGrad: [0.02, 0.05, 0.08, 0.1], ms: 1 },
      { run: 'with', valLoss: withLoss, encoder: 'encoder', encoderGrad: [withG1, 0.2, 0.2, 0.1], ms: 1 },
    ],
  });
  it('reads ‖∂L/∂h_1‖ from the first encoder step of each model', () => {
    expect(attentionFacts(run(0.3, 0.4))).toEqual({ seqLen: 4, steps: 50, baseline: 2.4, without: { valLoss: 1.8, g1: 0.02 }, with: { valLoss: 0.3, g1: 0.4 } });
  });
  it('passes when attention learns better and brings more gradient to the first step, quoting the ratio', () => {
    expect(checkAttention(attentionFacts(run(0.3, 0.4)))).toEqual({
      ok: true, text: 'after 50 steps of reversing 4 symbols (baseline 2.400) the validation loss is 0.300 with attention and 1.800 without, and ‖∂L/∂h_1‖ of the encoder\'s first step is 0.4 with attention and 0.02 without (with / without = 20): attention is a short path from every output step to every input step.',
    });
  });
  it('fails when the pair is the other way round (the model without attention learned better)', () => {
    const r = run(0.3, 0.4);
    const swapped = { ...r, models: r.models.map((m) => ({ ...m, run: m.run === 'with' ? 'without' as const : 'with' as const })) };
    expect(checkAttention(attentionFacts(swapped))).toEqual({ ok: false, text: 'not this time, because after 50 steps of reversing 4 symbols (baseline 2.400) the validation loss is 1.800 with attention and 0.300 without: not below 0.5 × the loss without attention.' });
  });
  it('fails when the loss is only a little better', () => {
    expect(checkAttention(attentionFacts(run(1.0, 0.4))).ok).toBe(false);
  });
  it('fails when less gradient reaches the first step with attention', () => {
    expect(checkAttention(attentionFacts(run(0.3, 0.01))).text).toMatch(/is 0\.01 with attention and 0\.02 without \(with \/ without = 0\.5\): attention did not bring more gradient to the first step\.$/);
  });
  it('fails when a model did not finish', () => {
    const r = run(0.3, 0.4);
    expect(checkAttention(attentionFacts({ ...r, models: r.models.slice(0, 1) }))).toEqual({ ok: false, text: 'not this time, because the model with attention did not finish.' });
  });
  it('the Inside tab\'s sentence quotes the same ratio as the verdict', () => {
    const s = attentionPairSentences(run(0.3, 0.4));
    expect(s[1]).toMatch(/^‖∂L\/∂h_1‖ with attention \/ ‖∂L\/∂h_1‖ without = 0\.4 \/ 0\.02 = 20: more of the gradient/);
    expect(attentionPairSentences(run(0.3, 0.01))[1]).toMatch(/= 0\.5: here the direct path of attention does not bring more/);
  });
});
