/**
 * The lesson's toy language tasks (shared/reference/tasks.md §6–§7) and a synthetic 4-topic news look-alike
 * (AG News itself may not be bundled; §10). Sentences are generated from seeded templates, then go through the
 * same tokenizer and vocabulary builder as real text.
 */
import { sampleRng, type Rng } from './rng.ts';
import { textDataset, priorBaseline, type LabelledText } from './labelled-text.ts';
import type { TaskDef } from './types.ts';

const NOUNS = ['film', 'food', 'hotel', 'book', 'song', 'show', 'game', 'room', 'meal', 'trip', 'play', 'album',
  'service', 'story', 'coffee', 'concert', 'course', 'phone', 'car', 'museum'];
const POSITIVE = ['good', 'great', 'nice', 'lovely', 'excellent', 'fun', 'wonderful', 'pleasant', 'brilliant', 'enjoyable'];
const NEGATIVE = ['bad', 'awful', 'boring', 'terrible', 'poor', 'dull', 'horrible', 'weak', 'bland', 'annoying'];

/**
 * §6 Negation: `the {noun} was [not] [very|really] {adjective}`, label = polarity(adjective) XOR "not".
 * Samples come in minimal pairs (2k, 2k+1) that differ only in "not", and pairs alternate polarity, so the four
 * (polarity, not) cells are balanced. A model linear in token counts is capped at 75 % here.
 */
export const negation: TaskDef = {
  id: 'negation',
  title: 'Negation toy',
  summary: '"the film was not good" vs "the film was good": the word "not" flips the label.',
  group: 'toy language',
  make(o) {
    const gen = (i: number): LabelledText => {
      const pair = sampleRng(o.seed, Math.floor(i / 2));
      const positive = Math.floor(i / 2) % 2 === 0;
      const noun = pair.pick(NOUNS);
      const adj = pair.pick(positive ? POSITIVE : NEGATIVE);
      const intens = pair.pick(['', 'very ', 'really ']);
      const not = i % 2 === 1;
      return { text: `the ${noun} was ${not ? 'not ' : ''}${intens}${adj}`, label: positive !== not ? 1 : 0 };
    };
    const all = Array.from({ length: 2400 }, (_, i) => gen(i));
    const train = all.slice(0, 2000);
    return textDataset({
      info: {
        id: 'negation', title: 'Negation toy', description: 'the {noun} was [not] [very|really] {adjective}; positive when the adjective\'s polarity XOR "not" is positive.',
        output: { kind: 'classes', classes: 2, perStep: false, classNames: ['negative', 'positive'] },
        baseline: { ...priorBaseline(train, 2), what: 'the majority class (bag-of-words models top out at 75 %)' }, params: {},
      },
      train, val: all.slice(2000), classNames: ['negative', 'positive'],
    });
  },
};

const NAMES = ['Alice', 'Tom', 'Maria', 'John', 'Ana', 'Pedro', 'Lucy', 'Omar', 'Sara', 'Ben', 'Eva', 'Hugo'];
const SING = ['doctor', 'nurse', 'teacher', 'driver', 'cook', 'pilot', 'farmer', 'writer'];
const PLUR = ['doctors', 'nurses', 'teachers', 'drivers', 'cooks', 'pilots', 'farmers', 'writers'];
const VERBS = ['met', 'saw', 'helped', 'called', 'knew', 'visited'];
const LINKS = ['and the', 'near the', 'with the', 'and the'];
const PREDICATES = ['happy', 'late', 'here', 'tired', 'ready', 'at home'];

/**
 * §7 Agreement: `{Subj} {distractor clause of ≥ L words, whole phrases} {is|are} …`; Subj is one name or "Name and Name".
 * The input ends before the verb; the label is is (0) or are (1). The clause also contains "and" and nouns of
 * both numbers, so token counts do not decide the label; only where "and" sits relative to the subject does.
 */
export const agreement: TaskDef = {
  id: 'agreement',
  title: 'Agreement toy',
  summary: '"Alice and Tom, who met the doctor and the nurses, ___": is or are? Only the subject decides.',
  group: 'toy language',
  seqLen: { default: 6, min: 4, max: 40, label: 'Clause length L' },
  make(o) {
    const L = Math.max(4, Math.min(40, Math.round(o.seqLen ?? 6)));
    const gen = (r: Rng): LabelledText => {
      const plural = r.bool();
      const a = r.pick(NAMES);
      const subj = plural ? `${a} and ${r.pick(NAMES.filter((n) => n !== a))}` : a;
      const noun = () => (r.bool() ? r.pick(SING) : r.pick(PLUR));
      const clause = ['who', r.pick(VERBS), 'the', noun()];
      while (clause.length < L) clause.push(...r.pick(LINKS).split(' '), noun());
      return { text: `${subj} ${clause.join(' ')}`, label: plural ? 1 : 0 };
    };
    const all = Array.from({ length: 3000 }, (_, i) => gen(sampleRng(o.seed, i)));
    const train = all.slice(0, 2500);
    const ds = textDataset({
      info: {
        id: 'agreement', title: 'Agreement toy', description: `Name or "Name and Name", a clause of at least ${L} words with its own "and"s and nouns; predict is/are.`,
        output: { kind: 'classes', classes: 2, perStep: false, classNames: ['is', 'are'] },
        baseline: { ...priorBaseline(train, 2), what: 'the majority class' }, params: { L },
      },
      train, val: all.slice(2500), classNames: ['is', 'are'],
    });
    const verb = ['is', 'are'];
    return { ...ds, show: (i) => ({ input: `${all[i].text} ___ ${PREDICATES[i % PREDICATES.length]}`, target: verb[all[i].label] }) };
  },
};

const TOPICS = ['World', 'Sports', 'Business', 'Sci/Tech'];
const BANKS = [
  ['president', 'minister', 'election', 'talks', 'troops', 'embassy', 'rebels', 'summit', 'parliament', 'peace', 'border', 'refugees', 'ceasefire', 'protest', 'diplomats'],
  ['team', 'coach', 'season', 'match', 'goal', 'league', 'cup', 'player', 'victory', 'champion', 'tournament', 'striker', 'olympic', 'final', 'injury'],
  ['shares', 'profit', 'market', 'bank', 'stocks', 'investors', 'oil', 'prices', 'merger', 'earnings', 'company', 'sales', 'deal', 'economy', 'dollar'],
  ['software', 'internet', 'computer', 'space', 'nasa', 'google', 'microsoft', 'chip', 'scientists', 'wireless', 'web', 'online', 'apple', 'virus', 'researchers'],
];
const PLACES = ['in iraq', 'in china', 'in europe', 'on monday', 'on tuesday', 'this week', 'in japan', 'in brazil', 'in london', 'again'];
const VERBS_NEWS = ['says', 'sees', 'wins', 'faces', 'plans', 'hits', 'rises', 'falls', 'seeks', 'reports', 'warns', 'backs'];
const TEMPLATES = [
  (a: string, b: string, v: string, p: string) => `${a} ${v} ${b} ${p}`,
  (a: string, b: string, v: string, p: string) => `${b} ${p} as ${a} ${v}`,
  (a: string, b: string, v: string) => `${a} and ${b} ${v} new record`,
  (a: string, b: string, v: string, p: string) => `new ${a} ${v} ${p} , ${b} says`,
];

/**
 * A 4-topic news-title look-alike (World, Sports, Business, Sci/Tech, AG News order): two keywords from the
 * topic's bank in one of four templates with shared verbs and places. With probability 0.3 one keyword comes
 * from another topic, so titles are noisy as real ones are (best achievable accuracy ≈ 0.9, not 1).
 */
export const newsTitles: TaskDef = {
  id: 'news-titles',
  title: 'News titles (synthetic, 4 topics)',
  summary: 'A stand-in for AG News titles: keyword banks × templates, 4 classes. Load the real AG News as your own CSV.',
  group: 'toy language',
  seqLen: { default: 40, min: 4, max: 200, label: 'Max tokens' },
  make(o) {
    const maxLen = Math.max(4, Math.min(200, Math.round(o.seqLen ?? 40)));
    const gen = (r: Rng): LabelledText => {
      const label = r.int(0, 4);
      const a = r.pick(BANKS[label]);
      const other = (label + 1 + r.int(0, 3)) % 4;
      const b = r.pick(BANKS[r.next() < 0.3 ? other : label]);
      return { text: r.pick(TEMPLATES)(a, b, r.pick(VERBS_NEWS), r.pick(PLACES)), label };
    };
    const all = Array.from({ length: 6000 }, (_, i) => gen(sampleRng(o.seed, i)));
    const train = all.slice(0, 5000);
    return textDataset({
      info: {
        id: 'news-titles', title: 'News titles (synthetic look-alike of AG News)',
        description: 'Two topic keywords in a template; 30 % of titles borrow one keyword from another topic.',
        output: { kind: 'classes', classes: 4, perStep: false, classNames: TOPICS },
        baseline: { ...priorBaseline(train, 4), what: 'the topic frequencies of the training set' }, params: { maxLen },
      },
      train, val: all.slice(5000), classNames: TOPICS, maxLen,
    });
  },
};
