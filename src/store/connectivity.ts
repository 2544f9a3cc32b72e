/**
 * The connectivity panel's state (P6 connectivity, P7 time attribution, P9 past the training length): the details of
 * the active run on the chosen example and, side by side, of a second model — another run of the race or a preset
 * on the same data. Computed on demand in the Inside worker; undo never touches it.
 */
import { create } from 'zustand';
import { serializeDocument, type GraphDoc } from '../graph/index.ts';
import type { DetailsMessage } from '../runtime/probes/details.ts';
import { getWorker, selectActiveRun, useInside } from './inside.ts';
import { presetByName } from './presets.ts';

export type { DetailsMessage };

export interface DetailsView extends DetailsMessage {
  label: string;
  colour: string;
}

export interface ConnectState {
  left: DetailsView | null;
  right: DetailsView | null;
  /** The second model: '' none, `run:<id>` (another run of the race) or `preset:<name>`. */
  compare: string;
  /** The output the panel's select shows (an index into the outputs; a model with several heads). */
  output: number;
  /** The hovered output step (an index into the rows), shared by both models. */
  hoverRow: number | null;
  busy: boolean;
  error: string | null;
}

export const useConnect = create<ConnectState>()(() => ({ left: null, right: null, compare: '', output: 0, hoverRow: null, busy: false, error: null }));
export const setCompare = (compare: string) => useConnect.setState({ compare });
export const setOutput = (output: number) => useConnect.setState({ output });
export const setHoverRow = (hoverRow: number | null) => {
  if (useConnect.getState().hoverRow !== hoverRow) useConnect.setState({ hoverRow });
};

const PRESET_COLOUR = '#e69f00';

/** Computes the details of the active run (and of the compared model) for the Inside tab's example, P6 of output `output`. */
export async function showConnectivity(doc: GraphDoc, seqLen: number, output = 0) {
  const inside = useInside.getState();
  const run = selectActiveRun(inside);
  if (!run) return;
  const { compare } = useConnect.getState();
  useConnect.setState({ busy: true, error: null });
  try {
    const left = { ...(await getWorker().details(run.id, inside.example, output)), label: run.label, colour: run.colour };
    let right: DetailsView | null = null;
    if (compare.startsWith('run:')) {
      const other = inside.runs.find((r) => r.id === compare.slice(4));
      if (other) right = { ...(await getWorker().details(other.id, inside.example, output)), label: other.label, colour: other.colour };
    } else if (compare.startsWith('preset:')) {
      const preset = presetByName(compare.slice(7));
      if (!preset) throw new Error(`No preset "${compare.slice(7)}".`);
      const d = await getWorker().graphDetails(serializeDocument(preset.doc), { task: doc.training?.task, seqLen }, inside.example, output);
      right = { ...d, label: `${preset.doc.meta?.name ?? preset.name} (${d.weights} weights)`, colour: PRESET_COLOUR };
    }
    useConnect.setState({ left, right, busy: false, hoverRow: null });
  } catch (e) {
    useConnect.setState({ busy: false, error: (e as Error).message });
  }
}

/** For tests and a new document: forget what was shown. */
export const resetConnect = () => useConnect.setState({ left: null, right: null, hoverRow: null, busy: false, error: null });
