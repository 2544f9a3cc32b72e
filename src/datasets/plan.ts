/**
 * Everything a training run needs before any tensor exists, shared by the CLI and the worker: compile the graph
 * with the run seed (so every initializer seed derives from it), make the dataset with the same seed, check the fit.
 */
import { compile, DEFAULT_SEED, type ModelIR } from '../compiler/index.ts';
import type { GraphDoc } from '../graph/types.ts';
import { checkFit, headsBaseline, type FitResult } from './fit.ts';
import { TASKS } from './index.ts';
import type { Dataset } from './types.ts';

export interface RunPlan {
  ir: ModelIR;
  ds: Dataset;
  fit: FitResult;
  seed: number;
  taskId: string;
  seqLen?: number;
}

export type PlanResult = ({ ok: true } & RunPlan) | { ok: false; error: string; fit?: FitResult };

export interface PlanOptions {
  task?: string;
  seqLen?: number;
  seed?: number;
  /** An already-made dataset (the user's CSV); overrides `task`. */
  dataset?: Dataset;
}

export function planRun(doc: GraphDoc, o: PlanOptions = {}): PlanResult {
  const seed = o.seed ?? doc.training?.seed ?? DEFAULT_SEED;
  const c = compile({ ...doc, training: { ...doc.training, seed } });
  if (!c.ir)
    return { ok: false, error: `The graph has problems:\n${c.diagnostics.filter((d) => d.severity === 'error').map((d) => `  ${d.code}: ${d.message} Fix: ${d.fix}`).join('\n')}` };
  const taskId = o.dataset ? 'csv' : (o.task ?? doc.training?.task);
  if (!taskId) return { ok: false, error: `No task chosen. Pick one of: ${Object.keys(TASKS).join(', ')}.` };
  const def = TASKS[taskId];
  if (!o.dataset && !def) return { ok: false, error: `Unknown task "${taskId}". Tasks: ${Object.keys(TASKS).join(', ')}.` };
  const seqLen = o.seqLen ?? (o.task === undefined || o.task === doc.training?.task ? doc.training?.seqLen : undefined);
  const ds = o.dataset ?? def.make({ seed, seqLen });
  const fit = checkFit(c.ir, ds.info);
  if (!fit.ok)
    return {
      ok: false, fit,
      error: `The model does not fit "${ds.info.title}":\n${fit.issues.filter((i) => i.severity === 'error').map((i) => `  ${i.code}: ${i.message} Fix: ${i.fix}`).join('\n')}`,
    };
  return { ok: true, ir: c.ir, ds: fit.outputs ? weightedBaseline(ds, fit) : ds, fit, seed, taskId, seqLen: seqLen ?? def?.seqLen?.default };
}

/** A task with several targets: its baseline is that of each target, weighted as the model weighs its outputs (Σ w · baseline). */
export function weightedBaseline(ds: Dataset, fit: FitResult): Dataset {
  const heads = ds.info.heads!;
  const loss = headsBaseline(heads, fit.outputs!);
  const what = `${ds.info.baseline.what.replace(/, loss weights 1$/, '')}, weighted ${fit.outputs!.map((o) => `${o.weight} · ${o.target}`).join(' + ')}`;
  return { ...ds, info: { ...ds.info, baseline: { ...ds.info.baseline, loss, what } } };
}
