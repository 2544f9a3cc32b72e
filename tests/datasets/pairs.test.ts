import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { alignedTargets, checkFit, collate, END, PAD, START, TASKS, type PairDataset } from '../../src/datasets/index.ts';
import { chainDoc } from '../../src/graph/index.ts';
import { additionQuestions } from '../../src/datasets/pairs.ts';

const make = (id: string, seqLen?: number, seed = 7) => TASKS[id].make({ seed, seqLen }) as PairDataset;
const text = (ids: ArrayLike<number>, vocab: string[]) => Array.from(ids, (i) => vocab[i]);

describe('addition as text (Keras addition_rnn)', () => {
  it('"a+b" padded with spaces to 2·DIGITS+1 and reversed; the answer a+b padded to DIGITS+1', () => {
    const qs = additionQuestions(3, 2000, 1);
    for (const q of qs) {
      expect(q.query).toHaveLength(7);
      expect(q.answer).toHaveLength(4);
      const forward = [...q.query].reverse().join('');
      expect(forward).toBe(`${q.a}+${q.b}`.padEnd(7, ' '));
      expect(q.answer.trimEnd()).toBe(String(q.a + q.b));
      expect(q.a).toBeLessThan(1000);
      expect(q.b).toBeLessThan(1000);
    }
  });

  it('keeps each unordered pair once (a+b and b+a are the same question), as Keras does', () => {
    const keys = additionQuestions(2, 2000, 3).map((q) => [q.a, q.b].sort((x, y) => x - y).join(','));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the task: 50,000 questions at 3 digits, 90/10 split, no validation question in training; triples built by collate', () => {
    const ds = make('addition-text');
    expect(ds.trainSize + ds.valSize).toBe(50_000);
    expect(ds.valSize).toBe(5000);
    const key = (i: number) => ds.show(i).input;
    const train = new Set(Array.from({ length: ds.trainSize }, (_, i) => key(i)));
    for (let i = ds.trainSize; i < ds.trainSize + ds.valSize; i++) expect(train.has(key(i))).toBe(false);
    const s = ds.sample(0);
    const src = text(s.x, ds.sourceVocab).join('');
    const tgt = text(s.y, ds.targetVocab);
    const [a, b] = [...src].reverse().join('').trim().split('+').map(Number);
    expect(tgt.slice(0, 4).join('').trimEnd()).toBe(String(a + b));
    expect(tgt[4]).toBe('<end>');
    expect(ds.info.length).toBe(7);
    expect(ds.maxTargetLen).toBe(5);
  });

  it('a sample reads as written (preview, held-out "try it"): the question not reversed or padded, the answer without padding', () => {
    const ds = make('addition-text', 2);
    for (const i of [0, 1, 2, ds.trainSize]) {
      const { input, target } = ds.show(i);
      const m = /^(\d{1,2})\+(\d{1,2})$/.exec(input);
      expect(m, input).not.toBeNull();
      expect(target).toBe(String(Number(m![1]) + Number(m![2])));
      // The model still reads the reversed, padded question: the typed text encodes to the sample's source.
      expect(ds.encode!(input)).toEqual(Array.from(ds.sample(i).x));
    }
  });

  it('fewer digits: half of all distinct questions (1 digit: 27 of 55)', () => {
    const ds = make('addition-text', 1);
    expect(ds.trainSize + ds.valSize).toBe(27);
    expect(ds.info.length).toBe(3);
  });
});

describe('reversal', () => {
  it('the target is the source reversed, then END; the length is the slider', () => {
    for (const L of [2, 10, 37]) {
      const ds = make('reversal', L);
      for (const i of [0, 1, ds.trainSize]) {
        const s = ds.sample(i);
        expect(s.T).toBe(L);
        const src = text(s.x, ds.sourceVocab);
        const tgt = text(s.y, ds.targetVocab);
        expect(tgt).toEqual([...src].reverse().concat('<end>'));
      }
    }
  });
});

describe('baseline', () => {
  it('reversal: the unigram model of the target (a–j uniform, END once per L+1 tokens) has the entropy computed by hand', () => {
    const L = 10;
    const pEnd = 1 / (L + 1);
    const pSym = L / (10 * (L + 1));
    const entropy = -(pEnd * Math.log(pEnd) + 10 * pSym * Math.log(pSym));
    const b = make('reversal', L).info.baseline;
    expect(b.loss).toBeCloseTo(entropy, 2); // estimated on 5,000 samples
    expect(b.metric).toBeCloseTo(pSym, 2);
  });
});

describe('teacher-forcing triples (collate on a pair task)', () => {
  it('encoder input = source ids; decoder input = START then the target shifted right; target ends in END; PAD = 0 after', () => {
    const ds = make('reversal', 4);
    const b = collate(ds, [0, 1, 2]);
    expect(b.xShape).toEqual([3, 4]);
    expect(b.yShape).toEqual([3, 5]);
    for (let k = 0; k < 3; k++) {
      const s = ds.sample(k);
      expect(Array.from(b.x.subarray(k * 4, k * 4 + 4))).toEqual(Array.from(s.x));
      const y = Array.from(b.y.subarray(k * 5, k * 5 + 5));
      const dIn = Array.from(b.decoderIn!.subarray(k * 5, k * 5 + 5));
      expect(y).toEqual(Array.from(s.y));
      expect(y[4]).toBe(END);
      expect(dIn).toEqual([START, ...y.slice(0, 4)]);
    }
  });

  it('targets of different lengths are post-padded with PAD, and so are their decoder inputs', () => {
    // Hand-made samples with targets of 2, 4 and 1 symbols (as the spelling task has), through the same collate.
    const ds = make('reversal', 3);
    const lengths = [2, 4, 1];
    const fake: PairDataset = { ...ds, sample: (i) => ({ x: [3, 4, 5].slice(0, lengths[i]), T: Math.min(3, lengths[i]), y: [...Array(lengths[i]).fill(7), END] }) };
    const b = collate(fake, [0, 1, 2]);
    expect(b.yShape).toEqual([3, 5]);
    expect(Array.from(b.y)).toEqual([7, 7, END, PAD, PAD, 7, 7, 7, 7, END, 7, END, PAD, PAD, PAD]);
    expect(Array.from(b.decoderIn!)).toEqual([START, 7, 7, PAD, PAD, START, 7, 7, 7, 7, START, 7, PAD, PAD, PAD]);
    expect(Array.from(b.x)).toEqual([3, 4, PAD, 3, 4, 5, 3, PAD, PAD]);
  });

  it('vocabularies: source PAD, UNK, symbols; target PAD, START, END, symbols; unknown typed symbols → UNK', () => {
    const ds = make('addition-text');
    expect(ds.sourceVocab.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(ds.targetVocab.slice(0, 3)).toEqual(['<pad>', '<start>', '<end>']);
    expect(ds.info.input).toEqual({ kind: 'tokens', vocabSize: 14 });
    expect(ds.info.output).toMatchObject({ kind: 'sequence', classes: 14 });
    // Typed as Keras builds its questions: "12+x" padded to 2·3 + 1 = 7 with spaces (13), then reversed; x is UNK.
    expect(ds.encode!('12+x')).toEqual([13, 13, 13, 1, 12, 4, 3]);
  });

  it('a one-Input model must output the whole answer at once (addition_rnn): refused with the steps it needs, else fed the source', () => {
    const tail = (n: number | null, units = 14): Parameters<typeof chainDoc>[0] => [['Input', { inputType: 'tokens', vocabSize: 14, length: 0 }], ['Embedding', { inputDim: 14, outputDim: 4 }],
      ...(n === null ? [] : [['LSTM', { units: 4 }], ['RepeatVector', { n }]] as Parameters<typeof chainDoc>[0]), ['LSTM', { units: 4, returnSequences: true }], ['Dense', { units, activation: 'softmax' }]];
    const fitOf = (n: number | null, units?: number) => checkFit(compile(chainDoc(tail(n, units))).ir!, make('addition-text').info);
    // Per-step over the source's 7 steps, or 5 repeats: not the answer's 3 + 1 characters.
    for (const n of [null, 5]) {
      const fit = fitOf(n);
      expect(fit.ok).toBe(false);
      expect(fit.issues.map((i) => i.code)).toEqual(['F_PER_STEP']);
      expect(fit.issues[0].fix).toMatch(/RepeatVector\(4\)/);
    }
    expect(fitOf(4, 12).issues.map((i) => i.code)).toEqual(['F_CLASSES']);
    expect(fitOf(4)).toMatchObject({ ok: true, issues: [], loss: 'ce', feeds: ['x'], aligned: 4 });
  });

  it('aligned targets: each row without its END, post-padded with PAD (or cut) to the model\'s steps', () => {
    const y = Int32Array.from([7, 8, END, PAD, 9, END, PAD, PAD, 5, 6, 7, END]);
    expect(Array.from(alignedTargets(y, [3, 4], 3))).toEqual([7, 8, PAD, 9, PAD, PAD, 5, 6, 7]);
    expect(Array.from(alignedTargets(y, [3, 4], 2))).toEqual([7, 8, 9, PAD, 5, 6]);
  });
});
