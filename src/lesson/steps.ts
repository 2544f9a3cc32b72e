/**
 * The guided lesson as data: eight steps through the RNN lesson (the recurrent cell, a text classifier, the
 * vanishing gradient, the LSTM's gates, the race, bidirectional and stacked models, export, attention), each with the preset
 * it loads, what "Do it" does, the settings it uses (kept small so a step takes seconds) and what the learner
 * should see. The actions live in store/lesson.ts, the checks in checks.ts; this module is plain data.
 */
import { ATTENTION_PAIR_DEFAULTS as A } from '../runtime/probes/attention-pair-settings.ts';
import { RACE_DEFAULTS as R } from '../runtime/probes/race-settings.ts';

export type LessonStepId = 'cell' | 'train' | 'gradient' | 'gates' | 'race' | 'shapes' | 'export' | 'attention';

export interface LessonStep {
  id: LessonStepId;
  title: string;
  /** Paragraphs, in the app's own words. `_t` style subscripts are written out as Unicode. */
  body: string[];
  /** The preset "Do it" loads first (never over the user's own graph without asking); none = keep the graph. */
  preset?: string;
  /** The "Do it" button's longer description (its title). */
  doIt: string;
  /** What the learner should see; the check (checks.ts) says whether this run shows it. */
  expect: string;
  /** The settings the step uses, said in the UI because they are smaller than a real run's. */
  uses: string;
  /**
   * How the window is arranged once the step has run: the dock over the whole window (beside the lesson) or the
   * canvas in view, and the charts the step talks about (CSS selectors), scrolled into view and outlined.
   */
  view: { dockFull: boolean; focus: string[] };
}

const id = (testId: string) => `[data-testid="${testId}"]`;

/** Step 2's training run. */
export const TRAIN_STEPS = 120;
/** Step 3's lengths. */
export const GRADIENT_LENGTHS = [10, 50, 100] as const;
/** Step 1: how many time steps the strip unrolls. */
export const STRIP_STEPS = 8;

export const LESSON_STEPS: LessonStep[] = [
  {
    id: 'cell',
    title: 'A recurrent cell reads a sequence',
    body: [
      'A recurrent network reads a sentence one token at a time. At step t the cell takes the token\'s vector x_t and the state it produced one step earlier, and computes the new state: s_t = φ(W·x_t + H·s_{t−1} + b).',
      'W (input weights), H (recurrent weights) and b are the same at every step: the one SimpleRNN node on the canvas is this cell, unrolled over time in the strip below. Padding tokens at the end of a short text are masked: the cell skips them and carries its state over.',
    ],
    preset: 'lesson-rnn-masked',
    doIt: 'Load the masked SimpleRNN classifier, select its SimpleRNN layer and unroll it over the first steps of one example',
    expect: 'Every real token changes h_t; at a padded step (mask 0) h_t is carried over unchanged.',
    uses: `the shortest of the 32 probe examples, its first ${STRIP_STEPS} steps; the layer's current weights`,
    view: { dockFull: false, focus: [id('unroll-strip')] },
  },
  {
    id: 'train',
    title: 'Train the lesson\'s classifier on text',
    body: [
      'The last state of the recurrent layer summarises the whole text; a Dense layer with softmax turns it into class probabilities. The classifier below is the lesson\'s LSTM with one output per class of its task (spam or ham): Embedding → LSTM(8) → Dense(2).',
      'Training adjusts W, H and b by backpropagation through every step at once. Then "try it" runs the trained model on a text it has not seen.',
    ],
    preset: 'lesson-lstm-spam',
    doIt: `Train the LSTM classifier for ${TRAIN_STEPS} steps on its text task, then classify a held-out sample with "try it"`,
    expect: 'The validation loss ends below the baseline loss (predicting the class frequencies), the validation accuracy clearly above always answering the majority class, and "try it" answers.',
    uses: `${TRAIN_STEPS} steps of batch 16 (less than one epoch); the Training tab shows the run`,
    view: { dockFull: true, focus: [id('final-eval'), id('try-result')] },
  },
  {
    id: 'gradient',
    title: 'The gradient through time',
    body: [
      'To learn from something early in a sequence, the loss\'s gradient has to travel back through every step. In a SimpleRNN each step back multiplies it by H and by φ\' ≤ 1, so it usually shrinks by a similar factor per step: it vanishes exponentially.',
      'The Inside tab plots ‖∂L/∂h_t‖ against t on a log scale, one curve per length T. g₁/g_T is how much of the gradient at the last step reaches the first.',
    ],
    preset: 'adding-simplernn',
    doIt: `Probe the SimpleRNN on the adding problem at T = ${GRADIENT_LENGTHS.join(', ')}`,
    expect: 'The longer the sequence, the smaller g₁/g_T: it falls from T = 10 to 50 to 100, to below 10⁻² at T = 100.',
    uses: 'the initial weights (or those the Training tab saved for this graph), 32 probe examples per length',
    view: { dockFull: true, focus: [id('gradient-chart'), id('gradient-legend')] },
  },
  {
    id: 'gates',
    title: 'The LSTM\'s gates',
    body: [
      'An LSTM carries a second state, the cell state c, past the squashing of every step. Its forget gate f (between 0 and 1) decides per unit how much of c_{t−1} to keep; the input gate i how much of the new candidate to write; the output gate o how much of c to show as h.',
      'The heatmaps in the Inside tab show each gate over time (x = step, y = unit) for one example; the rows f and c show the forget gate and the cell state.',
    ],
    preset: 'lesson-lstm-spam',
    doIt: 'Probe the LSTM classifier with the weights trained in step 2 and show its gate heatmaps',
    expect: 'With the trained weights the forget gate keeps most of c from one step to the next (mean f above 0.5), so the cell state adds up past the ±1 that bounds h.',
    uses: 'the weights step 2 saved for this graph, 32 probe examples',
    view: { dockFull: true, focus: [id('gate-map-c'), id('gate-readout')] },
  },
  {
    id: 'race',
    title: 'The race',
    body: [
      'The race trains a SimpleRNN, an LSTM and a GRU version of the same graph on the same data and seed. The adding problem needs the two marked numbers of a long sequence: a model that cannot carry them to the end predicts the average and stays at the baseline.',
      'The Inside tab overlays the three gradient curves, trained (solid) and at initialisation (dashed).',
    ],
    preset: 'race-adding',
    doIt: 'Run the race: SimpleRNN, LSTM and GRU trained side by side on the adding problem',
    expect: 'The SimpleRNN stays at the baseline (≥ 0.8 × baseline); the LSTM and the GRU learn (≤ 0.1 × baseline) and carry at least 100× more of the gradient back to the first step.',
    uses: `the race's defaults: T = ${R.seqLen}, ${R.units} units, ${R.optimizer === 'adam' ? 'Adam' : R.optimizer} ${R.learningRate}, batch ${R.batchSize}, clipping ${R.clipNorm}, ${R.steps} steps per model, seed ${R.seed}`,
    view: { dockFull: true, focus: [id('race-story')] },
  },
  {
    id: 'shapes',
    title: 'GRU, bidirectional and stacked models',
    body: [
      'A GRU has two gates (update z and reset r) and no separate cell state, so it has three weight blocks to the LSTM\'s four. A bidirectional layer runs one copy of its cell forwards and one backwards and joins their outputs; stacking needs returnSequences on the lower layer, so it passes a state for every step.',
      'Every edge on the canvas shows the shape it carries: (batch, steps, features) or (batch, features).',
    ],
    preset: 'lesson-bilstm-2layer',
    doIt: 'Load the two-layer bidirectional LSTM and read the shapes on its edges',
    expect: 'Each Bidirectional(LSTM(64)) outputs 2 × 64 features; the lower one a vector per step, the upper one only its last state.',
    uses: 'the compiler\'s shape inference (no training)',
    view: { dockFull: false, focus: ['.react-flow'] },
  },
  {
    id: 'export',
    title: 'Take it away',
    body: [
      'The Export tab writes the model as PyTorch, Keras or TF.js code, with its weights and a predict script that gives the same numbers as the app.',
    ],
    doIt: 'Open the Export tab with the PyTorch code of the graph on the canvas',
    expect: 'The PyTorch model builds one recurrent module per direction of every recurrent layer.',
    uses: 'the graph on the canvas, PyTorch target',
    view: { dockFull: true, focus: [id('export-code')] },
  },
  {
    id: 'attention',
    title: 'Attention: a short path',
    body: [
      'An encoder–decoder reads a sequence with one LSTM (the encoder) and writes another with a second one (the decoder), which starts from the encoder\'s final states. Reversing a sequence is hard for it: the first input symbol is the last one out, so without attention its gradient must come back through every later encoder step and the decoder\'s initial state.',
      'Attention lets every decoder step look at every encoder step directly: a short path. The Inside tab trains this graph twice, without and with its attention, and plots ‖∂L/∂h_t‖ of the encoder over its steps for both.',
    ],
    preset: 'reversal-attention',
    doIt: 'Train the encoder–decoder on reversal without its attention and with it, then probe the encoder\'s gradient over its steps',
    expect: `With attention the validation loss ends at most half of the loss without it, and more of the gradient reaches the encoder's first step.`,
    uses: `reversal of L = ${A.seqLen} symbols, LSTMs of ${A.units} units, Adam ${A.learningRate}, batch ${A.batchSize}, ${A.steps} steps per model, seed ${A.seed}`,
    view: { dockFull: true, focus: [id('attention-pair-story'), id('gradient-chart')] },
  },
];

/** Step 8, which the measuring script runs too. */
export const ATTENTION_STEP = LESSON_STEPS.find((s) => s.id === 'attention')!;

export const stepIndex = (id: LessonStepId) => LESSON_STEPS.findIndex((s) => s.id === id);
