/**
 * The Training tab: dataset picker with preview, hyperparameters and seed (saved in the graph), Train / Pause /
 * Resume / Stop, progress with ETA and ms/step, live loss and metric curves with the baseline, the final
 * evaluation and a "try it" box. Training runs in a worker (src/runtime/train.worker.ts); this tab only renders
 * the training store.
 */
import { memo, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CSV_MAX_BYTES, headsBaseline, loadTask, TASKS, type TaskInfo } from '../../datasets/index.ts';
import { csvColumns } from '../../datasets/csv.ts';
import { selectCompiled, selectDoc, updateTraining, useStore } from '../../store/index.ts';
import {
  isBusy, pauseTraining, previewOf, restoreSaved, resumeTraining, setBackend, setCsv, setCsvTarget, settingsOf, startTraining, stopTraining, tryModel, useTraining,
  type EvalPoint, type StepPoint, type TrainingState,
} from '../../store/training.ts';
import { layerNames, LOSS_NAMES } from '../../compiler/index.ts';
import { ConfusionMatrix } from './ConfusionMatrix.tsx';
import { CurveChart } from './CurveChart.tsx';
import { PlateauHint } from './PlateauHint.tsx';
import { RunsPanel } from './RunsPanel.tsx';
import { TriedWords } from './TriedWords.tsx';
import { PLATEAU_MEANING } from '../../datasets/plateau.ts';
import './training.css';
import { Why, whyDisabled } from '../Why.tsx';

const fmtTime = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

function NumberField(p: { label: string; value: number; min: number; max?: number; step?: number; disabled?: boolean; onChange: (v: number) => void; testId: string }) {
  const [text, setText] = useState(String(p.value));
  useEffect(() => setText(String(p.value)), [p.value]);
  const commit = () => {
    const v = Number(text);
    if (Number.isFinite(v) && v >= p.min && (p.max === undefined || v <= p.max)) {
      if (v !== p.value) p.onChange(v);
    } else setText(String(p.value));
  };
  return (
    <label className="tr-field">
      <span>{p.label}</span>
      <input type="number" value={text} min={p.min} max={p.max} step={p.step ?? 'any'} disabled={p.disabled} data-testid={p.testId}
        onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
    </label>
  );
}

export function TrainingTab() {
  const doc = useStore(selectDoc);
  const compiled = useStore(selectCompiled);
  const csv = useTraining((x) => x.csv);
  const backendWanted = useTraining((x) => x.backendWanted);
  const s = settingsOf(doc);
  // A task whose data ships in its own chunk (the pronouncing dictionary) is fetched when chosen; the preview is
  // made again once it has arrived.
  const [loaded, setLoaded] = useState<{ task: string; error?: string } | null>(null);
  useEffect(() => {
    let live = true;
    loadTask(s.task).then(() => live && setLoaded({ task: s.task }), (e: Error) => live && setLoaded({ task: s.task, error: `The data of this task could not be loaded: ${e.message}` }));
    return () => {
      live = false;
    };
  }, [s.task]);
  const preview = useMemo(() => (loaded?.task === s.task && loaded.error ? { error: loaded.error } : previewOf(doc, csv)), [doc.training, csv, loaded, compiled.outputs.length]);

  // Look for saved weights of this graph + task whenever either changes (and nothing is running).
  const structure = useMemo(() => JSON.stringify([doc.nodes.map((n) => [n.id, n.parentId, n.data]), doc.edges, s.task, s.seqLen]), [doc.nodes, doc.edges, s.task, s.seqLen]);
  useEffect(() => {
    if (compiled.ok && !isBusy(useTraining.getState())) void restoreSaved(doc);
  }, [structure, compiled.ok, backendWanted]);

  const info = 'info' in preview ? preview.info : null;
  return (
    <div className="training" data-testid="training-tab">
      <SetupColumn preview={preview} />
      <RunColumn info={info} canTrain={compiled.ok && !('error' in preview)} />
      <ResultColumn info={info} task={s.task} />
      <RunsPanel />
    </div>
  );
}

type Preview = ReturnType<typeof previewOf>;

/** A model with several outputs on the user's CSV: which column each output trains on (output order). */
function CsvTargets() {
  const csv = useTraining((x) => x.csv);
  const busy = useTraining((x) => isBusy(x));
  const outputs = useStore(useShallow((s) => {
    const names = layerNames(s.doc.nodes);
    return selectCompiled(s).outputs.map((id) => names.get(id) ?? id);
  }));
  const columns = useMemo(() => (csv ? csvColumns(csv.text) : []), [csv?.text]);
  if (!csv || outputs.length < 2) return null;
  return (
    <fieldset className="tr-targets" data-testid="csv-targets">
      <legend>Target column of each output</legend>
      {outputs.map((name, k) => (
        <label key={k} className="tr-field">
          <span>output {k + 1} ({name})</span>
          <select aria-label={`Target column of output ${k + 1}`} value={csv.targets?.[k] ?? ''} disabled={busy} onChange={(e) => setCsvTarget(k, outputs.length, e.target.value)}>
            <option value="">—</option>
            {columns.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      ))}
    </fieldset>
  );
}

/** Dataset, preview and hyperparameters: re-renders on settings changes, not on training steps. */
const SetupColumn = memo(function SetupColumn({ preview }: { preview: Preview }) {
  const doc = useStore(selectDoc);
  const busy = useTraining((x) => isBusy(x));
  const backendWanted = useTraining((x) => x.backendWanted);
  const s = settingsOf(doc);
  const def = TASKS[s.task];
  const [csvError, setCsvError] = useState<string | null>(null);
  return (
    <section className="tr-col tr-setup" aria-label="Dataset and settings">
      <h3>Dataset</h3>
      <label className="tr-field">
        <span>Task</span>
        <select value={s.task} disabled={busy} data-testid="task-select" onChange={(e) => updateTraining({ task: e.target.value, seqLen: TASKS[e.target.value]?.seqLen?.default })}>
          {(['long-lag', 'forecasting', 'toy language', 'corpus', 'sequence to sequence'] as const).map((g) => (
            <optgroup key={g} label={g}>
              {Object.values(TASKS).filter((d) => d.group === g).map((d) => <option key={d.id} value={d.id}>{d.title}</option>)}
            </optgroup>
          ))}
          <option value="csv">My CSV file…</option>
        </select>
      </label>
      {s.task === 'csv' && (
        <label className="tr-field">
          <span>CSV</span>
          <input type="file" accept=".csv,text/csv" disabled={busy} data-testid="csv-file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              // Refuse before reading: a huge file would otherwise be loaded into the page's memory.
              setCsvError(f.size > CSV_MAX_BYTES ? `${f.name} is ${(f.size / 1e6).toFixed(1)} MB; the limit is ${CSV_MAX_BYTES / 1e6} MB. Use a sample of the rows.` : null);
              setCsv(f.size > CSV_MAX_BYTES ? null : { name: f.name, text: await f.text() });
            }} />
        </label>
      )}
      {s.task === 'csv' && csvError && <p className="tr-error" role="alert">{csvError}</p>}
      {s.task === 'csv' && <CsvTargets />}
      {def?.seqLen && (
        <label className="tr-field">
          <span>{def.seqLen.label}: {s.seqLen}</span>
          <input type="range" min={def.seqLen.min} max={Math.min(def.seqLen.max, 400)} value={s.seqLen ?? def.seqLen.default} disabled={busy} data-testid="seq-len"
            onChange={(e) => updateTraining({ seqLen: Number(e.target.value) })} />
        </label>
      )}
      {'error' in preview ? (
        <p className="tr-error" role="alert" data-testid="dataset-error">{preview.error}</p>
      ) : (
        <div className="tr-preview" data-testid="dataset-preview">
          <p>{preview.info.description}</p>
          <p className="tr-muted">
            {preview.trainSize.toLocaleString('en-US')} training / {preview.valSize.toLocaleString('en-US')} validation samples · baseline loss{' '}
            <strong data-testid="baseline">{preview.info.baseline.loss.toFixed(4)}</strong> ({preview.info.baseline.what})
            {preview.info.source && <> · data: {preview.info.source}</>}
          </p>
          <table>
            <thead><tr><th>input</th><th>target</th></tr></thead>
            <tbody>
              {preview.samples.map((x, i) => (
                <tr key={i}><td className="tr-sample">{x.input}</td><td>{x.target}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Hyperparameters</h3>
      <div className="tr-grid">
        <label className="tr-field">
          <span>Optimizer</span>
          <select value={s.optimizer} disabled={busy} data-testid="optimizer" onChange={(e) => updateTraining({ optimizer: e.target.value as 'adam' })}>
            <option value="adam">Adam</option>
            <option value="rmsprop">RMSProp</option>
            <option value="sgd">SGD + momentum 0.9</option>
          </select>
        </label>
        <NumberField label="Learning rate" value={s.learningRate} min={1e-6} max={10} disabled={busy} testId="lr" onChange={(v) => updateTraining({ learningRate: v })} />
        <NumberField label="Batch size" value={s.batchSize} min={1} max={4096} step={1} disabled={busy} testId="batch-size" onChange={(v) => updateTraining({ batchSize: Math.round(v) })} />
        <NumberField label="Epochs" value={s.epochs} min={1} max={1000} step={1} disabled={busy} testId="epochs" onChange={(v) => updateTraining({ epochs: Math.round(v) })} />
        <NumberField label="Clip norm (0 = off)" value={s.clipNorm} min={0} disabled={busy} testId="clip" onChange={(v) => updateTraining({ clipNorm: v })} />
        <NumberField label="Seed" value={s.seed} min={0} max={2 ** 31 - 1} step={1} disabled={busy} testId="seed" onChange={(v) => updateTraining({ seed: Math.round(v) })} />
        <label className="tr-field">
          <span>Backend</span>
          <select value={backendWanted} disabled={busy} data-testid="backend" onChange={(e) => setBackend(e.target.value as 'wasm')}>
            <option value="wasm">wasm (default)</option>
            <option value="cpu">cpu</option>
            <option value="webgl">webgl (slow without a real GPU)</option>
          </select>
        </label>
      </div>
      <p className="tr-muted">Changing layers or their initialisation needs a new run: weights are kept per graph, task and seed, one set per run (Runs).</p>
    </section>
  );
});

/** Controls, progress and live curves: the only part that re-renders with every frame of training. */
function RunColumn({ info, canTrain }: { info: TaskInfo | null; canTrain: boolean }) {
  const t = useTraining(useShallow((x) => ({ status: x.status, progress: x.progress, steps: x.steps, evals: x.evals, outputs: x.outputs, message: x.message, fitIssues: x.fitIssues, backendInUse: x.backendInUse, engine: x.engine, backendWanted: x.backendWanted, tfjsVersion: x.tfjsVersion })));
  const doc = useStore(selectDoc);
  const compiledOk = useStore((x) => selectCompiled(x).ok);
  const busy = isBusy(t);
  const p = t.progress;
  const eta = p && p.step > 0 ? (p.totalSteps - p.step) * p.msPerStep : null;
  const metricName = info?.output.kind === 'regression' ? 'MSE' : 'accuracy';
  const lossTrain = useMemo(() => t.steps.map((x) => ({ step: x.step, value: x.loss })), [t.steps]);
  const lossVal = useMemo(() => t.evals.map((x) => ({ step: x.step, value: x.loss })), [t.evals]);
  const metricTrain = useMemo(() => t.steps.map((x) => ({ step: x.step, value: x.metric })), [t.steps]);
  const metricVal = useMemo(() => t.evals.map((x) => ({ step: x.step, value: x.metric })), [t.evals]);
  const clippedCount = useMemo(() => t.steps.filter((x) => x.clipped).length, [t.steps]);
  const baselineNote = PLATEAU_MEANING[settingsOf(doc).task];
  const trainWhy = canTrain ? null : 'Fix the problems with the model or the data first (see Problems and the dataset above).';
  return (
    <section className="tr-col tr-run" aria-label="Run">
        <div className="tr-controls">
          {!busy && <button data-testid="train" {...whyDisabled('train-why', trainWhy)} onClick={() => void startTraining(doc)}>Train</button>}
          {!busy && <Why id="train-why" reason={trainWhy} />}
          {t.status === 'running' && <button data-testid="pause" onClick={pauseTraining}>Pause</button>}
          {t.status === 'paused' && <button data-testid="resume" onClick={resumeTraining}>Resume</button>}
          {busy && <button data-testid="stop" onClick={stopTraining}>Stop</button>}
          <span className="tr-muted" data-testid="engine">
            engine {t.engine ?? '(starts with the run)'} in a worker · backend {t.backendInUse ?? `${t.backendWanted} (not started)`}{t.tfjsVersion ? ` · tfjs ${t.tfjsVersion}` : ''}
          </span>
        </div>
        {t.backendInUse?.includes('SwiftShader') && <p className="tr-warning">webgl is running on SwiftShader (software, no GPU): wasm is several times faster here.</p>}
        {!compiledOk && <p className="tr-error">The graph has problems; fix them (see Problems) to train.</p>}
        <div className="tr-progress" aria-live="polite">
          <progress max={p?.totalSteps ?? 1} value={p?.step ?? 0} data-testid="progress" />
          <span data-testid="progress-text">
            {t.status === 'starting' ? 'starting…' : p
              ? `step ${p.step} / ${p.totalSteps} · epoch ${p.epoch + 1} batch ${p.batch}/${p.batchesPerEpoch} · ${p.msPerStep.toFixed(0)} ms/step (${(1000 / Math.max(1, p.msPerStep)).toFixed(1)} steps/s)${eta !== null && busy ? ` · ${fmtTime(eta)} left` : ''}`
              : 'not started'}
          </span>
          <span className={`tr-status tr-status-${t.status}`} data-testid="train-status">{t.status}</span>
        </div>
        {t.message && <p className={t.status === 'nan' || t.status === 'error' ? 'tr-error' : 'tr-muted'} role="alert" data-testid="train-message">{t.message}</p>}
        {t.fitIssues.filter((i) => i.severity === 'warning').map((i) => <p key={i.code} className="tr-warning">{i.message} {i.fix}</p>)}
        <div className="tr-charts">
          <CurveChart testId="loss-chart" label={t.outputs ? 'total loss (Σ weight · loss)' : `loss (${info?.output.kind === 'regression' ? 'MSE' : 'cross-entropy'})`} log
            train={lossTrain} val={lossVal}
            baseline={t.outputs && info?.heads ? headsBaseline(info.heads, t.outputs) : info?.baseline.loss} baselineNote={baselineNote} totalSteps={p?.totalSteps ?? 1} />
          {t.outputs?.map((o, i) => (
            <OutputCurve key={o.name} index={i} output={o} steps={t.steps} evals={t.evals} baseline={info?.heads?.[o.head].baseline} totalSteps={p?.totalSteps ?? 1} />
          ))}
          {metricName === 'accuracy' && (
            <CurveChart testId="metric-chart" label="accuracy"
              train={metricTrain} val={metricVal}
              baseline={info?.baseline.metric} baselineNote={baselineNote} totalSteps={p?.totalSteps ?? 1} />
          )}
        </div>
        <PlateauHint baseline={info?.baseline.loss} />
        {t.steps.length > 0 && (
          <p className="tr-muted" data-testid="grad-stats">
            gradient norm (before clipping) last {t.steps[t.steps.length - 1].gradNorm.toPrecision(3)} · clipped {clippedCount} of {t.steps.length} steps
          </p>
        )}
      </section>

  );
}

/** One output's own loss (unweighted, as Keras logs `<name>_loss`), named by its layer and the target it learns. */
function OutputCurve({ index, output: o, steps, evals, baseline, totalSteps }: {
  index: number; output: NonNullable<TrainingState['outputs']>[number]; steps: StepPoint[]; evals: EvalPoint[]; baseline?: number; totalSteps: number;
}) {
  const train = useMemo(() => steps.map((x) => ({ step: x.step, value: x.losses?.[index] ?? NaN })), [steps, index]);
  const val = useMemo(() => evals.map((x) => ({ step: x.step, value: x.losses?.[index] ?? NaN })), [evals, index]);
  return (
    <CurveChart testId={`output-chart-${index}`} label={`${o.name} → ${o.target}: ${LOSS_NAMES[o.loss]}, weight ${o.weight}`} log
      train={train} val={val} baseline={baseline} totalSteps={totalSteps} />
  );
}

function ProbRow({ label, p, testId }: { label: string; p: number; testId?: string }) {
  return <li data-testid={testId}><span>{label}</span><meter min={0} max={1} value={p} /> {(100 * p).toFixed(1)} %</li>;
}

/** Why a class list does not add up to 100 %: a softmax head wider than the task's classes. */
function UnusedNote({ from, to, p, classes }: { from: number; to: number; p: number; classes: number }) {
  const range = to > from ? `outputs ${from}–${to} stand` : `output ${from} stands`;
  return (
    <p className="tr-muted" data-testid="try-unused-note">
      The final Dense has {to} softmax outputs for {classes} classes: {range} for no class of this task. The percentages are the
      softmax's own, so the classes share {(100 * (1 - p)).toFixed(1)} % and the unused outputs {(100 * p).toFixed(1)} %.
    </p>
  );
}

/** Saved weights, final evaluation and the "try it" box. */
function ResultColumn({ info, task }: { info: TaskInfo | null; task: string }) {
  const pairTask = info?.output.kind === 'sequence';
  const t = useTraining(useShallow((x) => ({ status: x.status, saved: x.saved, final: x.final, tryResult: x.tryResult, trainedFrom: x.trainedFrom, importedWeights: x.importedWeights, step: x.progress?.step })));
  const [tryText, setTryText] = useState('');
  const busy = isBusy(t);
  const metricName = info?.output.kind === 'regression' ? 'MSE' : 'accuracy';
  const classNames = info?.output.kind === 'classes' ? (info.output.classNames ?? Array.from({ length: info.output.classes }, (_, k) => String(k))) : [];
  const trainedIsCurrent = t.trainedFrom !== null;
  const tryWhy = busy ? 'Wait until training has finished.' : !trainedIsCurrent ? 'Train this graph first (or open one with weights): "try it" runs the trained model.' : null;
  return (
    <section className="tr-col tr-eval" aria-label="Evaluation">
      <h3>Result</h3>
      {t.saved && (
        <p className="tr-saved" data-testid="saved-weights">
          {t.saved.restored ? 'Trained weights restored' : 'Trained weights saved'} for this graph: {t.saved.steps} steps, validation loss {t.saved.valLoss.toFixed(4)}
          {metricName === 'accuracy' ? `, accuracy ${(100 * t.saved.valMetric).toFixed(1)} %` : ''} ({new Date(t.saved.savedAt).toLocaleString()}).
        </p>
      )}
      {t.importedWeights && !t.saved && (
        <p className="tr-saved" data-testid="imported-weights">Weights imported with this graph (not trained here): "try it" runs them.</p>
      )}
      {t.final && (
        <p data-testid="final-eval">
          Validation{t.step !== undefined ? ` after ${t.step} steps` : ''}: loss <strong>{t.final.loss.toFixed(4)}</strong>, {metricName} <strong>{metricName === 'accuracy' ? `${(100 * t.final.metric).toFixed(1)} %` : t.final.metric.toFixed(4)}</strong>
          {info && <> (baseline loss {info.baseline.loss.toFixed(4)}{info.baseline.metric !== undefined ? `, majority class ${(100 * info.baseline.metric).toFixed(1)} %` : ''})</>}
          {t.final.decoded && (
            <span data-testid="final-decoded">
              . Decoded step by step ({t.final.decoded.samples} samples): token error rate <strong>{(100 * t.final.decoded.per).toFixed(1)} %</strong>,
              exactly right <strong>{(100 * (1 - t.final.decoded.wer)).toFixed(1)} %</strong>
            </span>
          )}
        </p>
      )}
      {t.final?.confusion && <ConfusionMatrix matrix={t.final.confusion} names={classNames} />}
      <h3>Try it</h3>
      <form className="tr-try" onSubmit={(e) => { e.preventDefault(); void tryModel(tryText); }}>
        {info?.input.kind === 'tokens' || task === 'chars' ? (
          <input value={tryText} onChange={(e) => setTryText(e.target.value)} placeholder={task === 'chars' ? 'start of a name (optional)' : pairTask ? 'type a source to decode' : 'type a sentence'} aria-label="Text to try" data-testid="try-text" />
        ) : null}
        <button type="submit" {...whyDisabled('try-why', tryWhy)} data-testid="try-run">{task === 'chars' ? 'Generate a name' : pairTask ? 'Decode' : info?.input.kind === 'tokens' ? 'Classify' : 'Run on a new sample'}</button>
        {info?.input.kind === 'tokens' && task !== 'chars' && (
          <button type="button" {...whyDisabled('try-why', tryWhy)} onClick={() => void tryModel()}>Held-out sample</button>
        )}
        <Why id="try-why" reason={tryWhy} />
      </form>
      {t.tryResult && (
        <div className="tr-try-result" data-testid="try-result">
          <div><span className="tr-muted">input</span> {t.tryResult.input}</div>
          {t.tryResult.target !== undefined && <div><span className="tr-muted">expected</span> {t.tryResult.target}</div>}
          <div><span className="tr-muted">model</span> <strong>{t.tryResult.output}</strong></div>
          {t.tryResult.probs && (
            <ul className="tr-probs">
              {t.tryResult.probs.map((q) => <ProbRow key={q.label} label={q.label} p={q.p} />)}
              {t.tryResult.unused && <ProbRow label={`unused output${t.tryResult.unused.to > t.tryResult.unused.from ? 's' : ''}`} p={t.tryResult.unused.p} testId="try-unused" />}
            </ul>
          )}
          {t.tryResult.unused && <UnusedNote {...t.tryResult.unused} classes={t.tryResult.probs?.length ?? 0} />}
          {t.tryResult.shading && ('error' in t.tryResult.shading
            ? <p className="tr-muted" data-testid="try-words-error">{t.tryResult.shading.error}</p>
            : <TriedWords shading={t.tryResult.shading} />)}
        </div>
      )}
    </section>
  );
}
