/**
 * The training worker (module worker, comlink): tfjs, the model and every tensor live here, so the page never
 * blocks. wasm is the default backend; cpu and webgl can be chosen, and the backend actually in use is reported.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './setup.ts';
import { initTfBrowser } from './setup-browser.ts';
import { browserRuns } from './run-store-browser.ts';
import type { RunLimit } from './runs.ts';
import { TrainSession, type DataChoice, type SessionEvent, type StartRequest } from './train-session.ts';

const STORAGE = 'indexeddb://';
const session = new TrainSession(STORAGE, browserRuns(STORAGE));
let backend: string | null = null;
const ready = async () => (backend ??= await initTfBrowser('wasm'));

/** The GPU behind webgl: "SwiftShader" means software rendering, several times slower than wasm (platform.md trap 7). */
function webglRenderer(): string {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl: WebGLRenderingContext } }).gpgpu?.gl;
  const ext = gl?.getExtension('WEBGL_debug_renderer_info');
  return (gl && ext && String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL))) || 'unknown';
}

const api = {
  /** Selects the backend; returns the one actually in use and the tfjs version. */
  async init(wanted: BackendName): Promise<{ backend: string; tfjs: string; renderer?: string }> {
    backend = await initTfBrowser(wanted);
    return { backend, tfjs: tf.version.tfjs, ...(backend === 'webgl' ? { renderer: webglRenderer() } : {}) };
  },
  async start(req: StartRequest, onEvent: (e: SessionEvent) => void) {
    return session.start(req, await ready(), (e) => void onEvent(e));
  },
  pause: () => session.pause(),
  resume: () => session.resume(),
  stop: () => session.stop(),
  restore: async (docText: string, choice: DataChoice) => (await ready(), session.restore(docText, choice)),
  tryIt: (text?: string) => session.tryIt(text),
  listRuns: async (docText: string, choice: DataChoice) => (await ready(), session.listRuns(docText, choice)),
  restoreRun: async (docText: string, choice: DataChoice, id: string) => (await ready(), session.restoreRun(docText, choice, id)),
  renameRun: async (docText: string, choice: DataChoice, id: string, name: string) => (await ready(), session.renameRun(docText, choice, id, name)),
  deleteRun: async (docText: string, choice: DataChoice, id: string) => (await ready(), session.deleteRun(docText, choice, id)),
  setRunLimit: async (docText: string, choice: DataChoice, limit: RunLimit) => (await ready(), session.setRunLimit(docText, choice, limit)),
  /** Tensors alive in the worker (the UI shows it; tests check it stays flat). */
  numTensors: () => tf.memory().numTensors,
};

export type TrainWorker = typeof api;
Comlink.expose(api);
