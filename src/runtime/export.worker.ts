/**
 * The export worker (module worker, comlink): builds the graph's tfjs model with the best weights there are —
 * trained (saved by the training session), imported (saved by `storeImported`), or the seeded initial ones — and
 * hands back the TF.js `model.json` + `weights.bin` as plain data. tfjs stays off the page.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { compile, type ModelIR } from '../compiler/index.ts';
import { parseDocument } from '../graph/index.ts';
import { buildModel } from './build.ts';
import { modelWithWeights, type WeightBytes } from './model-io.ts';
import { modelFiles, type ModelFiles } from './save.ts';
import { initTfBrowser } from './setup-browser.ts';
import { IMPORTED_TASK, weightsKey, type DataIdentity, type WeightsSource } from './weights-key.ts';

let ready: Promise<string> | null = null;
const init = () => (ready ??= initTfBrowser('wasm'));

function irOf(docText: string): ModelIR {
  const r = parseDocument(docText);
  if (!r.ok) throw new Error(r.error);
  const c = compile(r.doc);
  if (!c.ir) throw new Error('The graph has problems; fix them (see Problems) before exporting.');
  return c.ir;
}

const STORE = 'indexeddb://';

/** The first saved model among `keys` whose weights fit the IR, copied into a fresh build. */
async function fromStore(ir: ModelIR, keys: string[]): Promise<tf.LayersModel | null> {
  let stored: Record<string, unknown> = {};
  try {
    stored = await tf.io.listModels();
  } catch {
    return null; // no IndexedDB (private window): nothing saved
  }
  for (const key of keys) {
    if (!(STORE + key in stored)) continue;
    const saved = await tf.loadLayersModel(STORE + key);
    const model = buildModel(ir, { initialize: false });
    model.setWeights(saved.getWeights());
    saved.dispose();
    return model;
  }
  return null;
}

export type { WeightsSource };

const api = {
  /** `model.json` + `weights.bin` for the graph, and where the weights came from. */
  async weightsFor(docText: string, data: DataIdentity): Promise<ModelFiles & { source: WeightsSource }> {
    await init();
    const ir = irOf(docText);
    const trained = await fromStore(ir, [weightsKey(ir, data)]);
    const imported = trained ? null : await fromStore(ir, [weightsKey(ir, { task: IMPORTED_TASK })]);
    const model = trained ?? imported ?? modelWithWeights(ir);
    try {
      const files = await modelFiles(model);
      return Comlink.transfer({ ...files, source: trained ? 'trained' : imported ? 'imported' : 'initial' }, [files.weights.buffer]);
    } finally {
      model.dispose();
    }
  },
  /** Checks imported weights against the graph and keeps them (IndexedDB) for exports of this graph. */
  async storeImported(docText: string, weights: WeightBytes): Promise<void> {
    await init();
    const ir = irOf(docText);
    const model = modelWithWeights(ir, weights);
    try {
      await model.save(STORE + weightsKey(ir, { task: IMPORTED_TASK }));
    } finally {
      model.dispose();
    }
  },
};

export type ExportWorker = typeof api;
Comlink.expose(api);
