/**
 * The graph's kept training runs as the Training tab lists them (src/runtime/runs.ts, kept by the training worker):
 * list, restore, rename, delete, compare and the storage limit. Module-level actions on their own small store, so a
 * list refresh never re-renders the live curves.
 */
import { create } from 'zustand';
import { serializeDocument, type GraphDoc } from '../graph/index.ts';
import type { RunLimit, RunsView } from '../runtime/runs.ts';
import { choiceOf, ensureBackend, getWorker, isBusy, showRestored, useTraining } from './training.ts';

export interface RunsState {
  view: RunsView | null;
  /** The last action's failure (IndexedDB refused, a run deleted in another tab, a bad limit), one line. */
  error: string | null;
  /** Runs ticked for comparison, in the order ticked. */
  compared: string[];
}

export const useRuns = create<RunsState>()(() => ({ view: null, error: null, compared: [] }));

/** Runs `f` with the worker and the graph's data choice; the list it returns (or reloads) is shown, a failure is one line. */
async function withRuns(doc: GraphDoc, f: (docText: string, choice: ReturnType<typeof choiceOf>) => Promise<RunsView | void>) {
  try {
    await ensureBackend();
    const docText = serializeDocument(doc);
    const choice = choiceOf(doc, useTraining.getState().csv);
    const view = (await f(docText, choice)) ?? (await getWorker().listRuns(docText, choice));
    const ids = new Set(view.runs.map((r) => r.id));
    useRuns.setState((s) => ({ view, error: null, compared: s.compared.filter((id) => ids.has(id)) }));
  } catch (e) {
    useRuns.setState({ error: (e as Error).message });
  }
}

/** Reloads the list of the graph's runs (weights stored before runs existed are adopted as one). */
export const loadRuns = (doc: GraphDoc) => withRuns(doc, async () => {});

/** Makes a run's weights the ones "try it", the Inside tab and exports use. */
export const restoreRun = (doc: GraphDoc, id: string) => {
  if (isBusy(useTraining.getState())) return Promise.resolve();
  return withRuns(doc, async (docText, choice) => {
    showRestored(docText, await getWorker().restoreRun(docText, choice, id));
    useTraining.setState({ tryResult: null });
  });
};

export const renameRun = (doc: GraphDoc, id: string, name: string) => withRuns(doc, (docText, choice) => getWorker().renameRun(docText, choice, id, name));

/** Deletes a run's weights; when they are the ones in use, "try it" has none until another run is restored. */
export const deleteRun = (doc: GraphDoc, id: string) => {
  if (isBusy(useTraining.getState())) return Promise.resolve();
  return withRuns(doc, async (docText, choice) => {
    const inUse = useRuns.getState().view?.active === id;
    const r = await getWorker().deleteRun(docText, choice, id);
    if (inUse) showRestored(docText, r);
  });
};

export const setRunLimit = (doc: GraphDoc, limit: RunLimit) => withRuns(doc, (docText, choice) => getWorker().setRunLimit(docText, choice, limit));

export function toggleCompared(id: string) {
  useRuns.setState((s) => ({ compared: s.compared.includes(id) ? s.compared.filter((x) => x !== id) : [...s.compared, id] }));
}
