/**
 * The "look inside" worker: probes and the race run here, off the main thread, on the wasm backend. Results cross
 * as plain objects whose typed arrays are transferred (STYLE.md §2: no tensor leaves the runtime).
 */
import * as Comlink from 'comlink';
import { parseDocument } from '../../graph/index.ts';
import { initTfBrowser } from '../setup-browser.ts';
import { detailBuffers, graphDetails, runDetails } from './details.ts';
import type { RaceResult } from './race-settings.ts';
import { attentionPair, type AttentionPairEvent } from './attention-pair.ts';
import type { AttentionPairOptions, AttentionPairResult } from './attention-pair-settings.ts';
import { probeGraph, race, unrollGraph, type ProbeMessage, type RaceEvent, type RaceOptions } from './race.ts';

let ready: Promise<string> | null = null;
const start = () => (ready ??= initTfBrowser('wasm'));

const docOf = (text: string) => {
  const r = parseDocument(text);
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

/** Every typed-array buffer inside a probe message, to transfer instead of copy. */
const buffers = (p: ProbeMessage): ArrayBuffer[] =>
  p.directions.flatMap((d) => [d.dh, d.dc, d.mask, ...Object.values(d.gates), d.jacobian?.frobenius, d.jacobian?.sigmaMax])
    .filter((a): a is Float32Array | Uint8Array => a !== undefined && a !== null)
    .map((a) => a.buffer as ArrayBuffer);

let stopRequested = false;

const api = {
  /** Probes the graph with its saved trained weights (IndexedDB, from the Training tab) or its initial ones. */
  async probe(docText: string, opts: { task?: string; seqLen?: number; probeBatch?: number }) {
    const backend = await start();
    const { probe, weights } = await probeGraph(docOf(docText), { ...opts, storage: 'indexeddb://' });
    return Comlink.transfer({ probe, weights, backend }, buffers(probe));
  },
  /** One recurrent layer unrolled over the first steps of one probe example (x_t, h_t, mask), as typed arrays. */
  async unroll(docText: string, opts: { layerId?: string; steps: number; task?: string; seqLen?: number }) {
    await start();
    const u = await unrollGraph(docOf(docText), { ...opts, storage: 'indexeddb://' });
    return Comlink.transfer(u, [u.x.buffer, u.h.buffer, ...(u.mask ? [u.mask.buffer] : [])] as ArrayBuffer[]);
  },
  /** Trains the SimpleRNN, LSTM and GRU variants side by side; events go to `onEvent` (a Comlink proxy). */
  async race(docText: string, opts: RaceOptions, onEvent: (e: RaceEvent) => void): Promise<RaceResult> {
    await start();
    stopRequested = false;
    return race(docOf(docText), opts, (e) => void onEvent(e.type === 'probe' ? Comlink.transfer(e, buffers(e.probe)) : e), () => stopRequested);
  },
  /** Trains the graph without and with its attention, one after the other; events go to `onEvent`. */
  async attentionPair(docText: string, opts: AttentionPairOptions, onEvent: (e: AttentionPairEvent) => void): Promise<AttentionPairResult> {
    await start();
    stopRequested = false;
    return attentionPair(docOf(docText), opts, (e) => void onEvent(e.type === 'probe' ? Comlink.transfer(e, buffers(e.probe)) : e), () => stopRequested);
  },
  stop() {
    stopRequested = true;
  },
  /** Connectivity (of output `output`), time attribution and the run past the training length for one example of a kept run. */
  async details(run: string, example: number, output: number) {
    await start();
    const d = await runDetails(run, example, output);
    return Comlink.transfer(d, detailBuffers(d));
  },
  /** The same for another graph (a preset) on the data of the current graph. */
  async graphDetails(docText: string, opts: { task?: string; seqLen?: number }, example: number, output: number) {
    await start();
    const d = await graphDetails(docOf(docText), { ...opts, storage: 'indexeddb://' }, example, output);
    return Comlink.transfer(d, detailBuffers(d));
  },
};

export type InsideWorker = typeof api;
Comlink.expose(api);
