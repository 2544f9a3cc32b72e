/**
 * What to expect on a long-lag task (adding, copy, temporal order): the measured stay at the baseline for this cell
 * and T (src/datasets/plateau.ts, from src/datasets/data/plateaus.json), where the choice is outside the table, what
 * the run on screen has done so far, and "try a shorter T".
 */
import { useMemo } from 'react';
import { expectation, leftBaselineAt, PLATEAUS, recurrentOf } from '../../datasets/plateau.ts';
import { selectCompiled, selectDoc, updateTraining, useStore } from '../../store/index.ts';
import { isBusy, settingsOf, useTraining } from '../../store/training.ts';

export function PlateauHint({ baseline }: { baseline: number | undefined }) {
  const doc = useStore(selectDoc);
  const compiled = useStore(selectCompiled);
  const s = settingsOf(doc);
  const busy = useTraining((x) => isBusy(x));
  const steps = useTraining((x) => x.steps);
  const rec = compiled.ir ? recurrentOf(compiled.ir) : null;
  const e = rec && s.seqLen !== undefined ? expectation({ task: s.task, T: s.seqLen, ...rec, optimizer: s.optimizer, learningRate: s.learningRate, batchSize: s.batchSize, clipNorm: s.clipNorm }) : null;
  const plateau = e !== null;
  const left = useMemo(() => (!plateau || baseline === undefined ? null : leftBaselineAt(steps.map((x) => x.loss), baseline)), [plateau, steps, baseline]);
  if (!e) return null;
  return (
    <div className="tr-plateau" data-testid="plateau-expectation">
      <p><strong>What to expect.</strong> {e.text}</p>
      {e.caveats.map((c) => <p key={c} className="tr-warning" data-testid="plateau-caveat">{c}</p>)}
      {steps.length > 0 && (
        <p className="tr-muted" data-testid="plateau-this-run">
          This run: {left !== null ? `left the baseline at step ${left}` : `still at the baseline after ${steps.length} steps`} (left = the mean training loss of 20 steps below half the baseline).
        </p>
      )}
      {e.shorterT !== null && (
        <button type="button" disabled={busy} data-testid="try-shorter-t" onClick={() => updateTraining({ seqLen: e.shorterT! })}>
          Try a shorter T (T = {e.shorterT})
        </button>
      )}
      <p className="tr-muted">Measured {PLATEAUS.measured} with the same trainer, headless, over several seeds.</p>
    </div>
  );
}
