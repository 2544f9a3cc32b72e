/**
 * How far a spelling-to-sound model gets in a fixed time (issue 20):
 *
 *   npx tsx scripts/g2p-minutes.ts <graph.json> <minutes> [--test-words N] [train flags…]
 *
 * runs `rnn-studio train <graph.json> --minutes M --json` (the CLI's code, in this process), which trains on the
 * graph's task (CMUdict) for M minutes of wall-clock time and then decodes the test split greedily (all of it, or N
 * words evenly spaced over it) and reports PER and WER. The summary goes to docs/data/g2p-<M>min.json, and
 * docs/data/g2p-minutes.json is rebuilt from every docs/data/g2p-*min.json: the table of docs/seq2seq.md
 * (`<!-- table:g2p-minutes … -->`, `npx tsx scripts/doc-tables.ts`).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './doc-tables.ts';
import { cliJson, type TrainSummary } from './train-json.ts';

export interface G2pRun extends TrainSummary {
  graph: string;
  minutes: number;
  test: { per: number; wer: number; words: number; testSize: number; sample: string; decoding: string; seconds: number };
}

const DATA = join(ROOT, 'docs', 'data');

async function run() {
  const [graph, minutesArg, ...rest] = process.argv.slice(2);
  const minutes = Number(minutesArg);
  if (!graph || !(minutes > 0)) throw new Error('usage: npx tsx scripts/g2p-minutes.ts <graph.json> <minutes> [--test-words N] [train flags…]');
  const r = await cliJson<G2pRun>(['train', graph, '--minutes', String(minutes), '--eval-every', '500', ...rest]);
  if (!r.test) throw new Error(`${graph}: no test-split scores (is its task a sequence-to-sequence task with a test split?)`);
  const { losses: _losses, ...summary } = r;
  writeFileSync(join(DATA, `g2p-${minutes}min.json`), JSON.stringify({ ...summary, graph }, null, 1) + '\n');
  const runs = readdirSync(DATA).filter((f) => /^g2p-[\d.]+min\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(DATA, f), 'utf8')) as G2pRun).sort((a, b) => a.minutes - b.minutes);
  writeFileSync(join(DATA, 'g2p-minutes.json'), JSON.stringify({ runs }, null, 1) + '\n');
  process.stderr.write(`wrote docs/data/g2p-${minutes}min.json and docs/data/g2p-minutes.json (${runs.length} run(s))\n`);
}

await run();
