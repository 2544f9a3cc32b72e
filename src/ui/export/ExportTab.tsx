/**
 * The "Export" dock tab: pick a target, read the generated code (highlighted), copy it, download the whole folder
 * (code, weights, predict script, README) as a zip; and import a Keras / TF.js model.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { exportFiles, MAIN_FILE, TARGETS, type Target } from '../../codegen/export.ts';
import { notify, selectCompiled, selectDoc, useStore } from '../../store/index.ts';
import { readingOf, settingsOf } from '../../store/training.ts';
import { openFile } from '../files.ts';
import { buildBundle, downloadZip, SOURCE_LABEL } from './actions.ts';
import { highlight, languageOf } from './highlight.ts';
import './export.css';

const TARGET_LABEL: Record<Target, string> = { pytorch: 'PyTorch', keras: 'Keras', tfjs: 'TF.js' };

export function ExportTab() {
  const doc = useStore(selectDoc);
  const compiled = useStore(selectCompiled);
  const [target, setTarget] = useState<Target>('pytorch');
  const [file, setFile] = useState<string>(MAIN_FILE.pytorch);
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  // A text task's vocabulary (vocab.json, `--text` in the predict script) and a pair task's (decode.py) are part of the
  // export, so the preview shows them too; a task whose data loads on demand shows them once it has loaded.
  const data = settingsOf(doc);
  const [reading, setReading] = useState<Awaited<ReturnType<typeof readingOf>>>({});
  useEffect(() => {
    let live = true;
    readingOf(doc).then((r) => live && setReading(r), () => live && setReading({}));
    return () => {
      live = false;
    };
  }, [data.task, data.seed, data.seqLen]);
  const files = useMemo(
    () => (compiled.ir ? exportFiles(compiled.ir, target, { title: doc.meta?.name ?? 'RNN Studio model', training: doc.training, trained: false, ...reading }) : null),
    [compiled.ir, target, doc.meta?.name, doc.training, reading],
  );
  const shown = files && (files[file] !== undefined ? file : MAIN_FILE[target]);
  const code = files && shown ? files[shown] : '';
  const lang = shown ? languageOf(shown) : null;
  const tokens = useMemo(() => (lang ? highlight(code, lang) : [{ kind: 'plain' as const, text: code }]), [code, lang]);

  const pickTarget = (t: Target) => {
    setTarget(t);
    setFile(MAIN_FILE[t]);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      notify(`Copied ${shown} to the clipboard.`);
    } catch {
      notify('The browser refused the clipboard; select the code and copy it.', 'error');
    }
  };
  const download = async () => {
    if (!compiled.ir) return;
    setBusy(true);
    try {
      const b = await buildBundle(doc, compiled.ir, target);
      await downloadZip(b);
      notify(`Exported ${TARGET_LABEL[target]} with ${SOURCE_LABEL[b.source]}.`);
    } catch (e) {
      notify(`Export failed: ${(e as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const importBar = (
    <div className="export-import">
      <button type="button" className="btn" onClick={() => picker.current?.click()} title="A trained Keras .keras or .h5 file, a Keras model.to_json() or model.to_yaml() file, or a TF.js model.json with its .bin weight files">
        Import model…
      </button>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        accept=".keras,.h5,.json,.yaml,.yml,.bin,application/json"
        data-testid="import-model"
        onChange={(e) => {
          const list = [...(e.target.files ?? [])];
          if (list.length) void openFile(list.find((f) => /\.(json|ya?ml)$/i.test(f.name)) ?? list[0], list);
          e.target.value = '';
        }}
      />
      <span className="export-hint">or drop a .keras, .h5 or model.json file on the canvas</span>
    </div>
  );

  if (!compiled.ir || !files)
    return (
      <div className="export-tab" data-testid="export">
        <div className="dock-empty">Export appears when the model compiles; see Problems.</div>
        {importBar}
      </div>
    );

  return (
    <div className="export-tab" data-testid="export">
      <div className="export-bar">
        <div role="radiogroup" aria-label="Export target" className="export-targets">
          {TARGETS.map((t) => (
            <label key={t} className={t === target ? 'export-target on' : 'export-target'}>
              <input type="radio" name="export-target" value={t} checked={t === target} onChange={() => pickTarget(t)} />
              {TARGET_LABEL[t]}
            </label>
          ))}
        </div>
        <button type="button" className="btn" onClick={() => void copy()}>Copy</button>
        <button type="button" className="btn primary" onClick={() => void download()} disabled={busy} aria-busy={busy}>
          {busy ? 'Preparing…' : 'Download zip'}
        </button>
        {importBar}
      </div>
      <div className="export-body">
        <ul className="export-files" aria-label="Files">
          {[...Object.keys(files), 'model.json', 'weights.bin'].map((name) => (
            <li key={name}>
              {name in files ? (
                <button type="button" className={name === shown ? 'export-file on' : 'export-file'} aria-current={name === shown} onClick={() => setFile(name)}>
                  {name}
                </button>
              ) : (
                <span className="export-file weights" title="Written when you download the zip">{name}</span>
              )}
            </li>
          ))}
        </ul>
        <pre className="export-code" aria-label={`${shown} source`} data-testid="export-code" tabIndex={0}>
          <code>
            {tokens.map((t, i) => (t.kind === 'plain' ? t.text : <span key={i} className={`tok-${t.kind}`}>{t.text}</span>))}
          </code>
        </pre>
      </div>
    </div>
  );
}
