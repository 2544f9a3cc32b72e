/**
 * One form field generated from a param spec: numbers with their range, enums as selects, booleans as toggles,
 * help text under each. Numbers validate as typed and commit on blur or Enter (Escape reverts); an invalid draft
 * is never committed. Fields carry nodrag/nokey/nowheel so canvas gestures and shortcuts leave them alone.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import type { ParamValue } from '../../graph/index.ts';
import { checkParam, type ParamSpec } from '../../layers/index.ts';

const FIELD = 'nodrag nokey nowheel';

export function parseDraft(spec: ParamSpec, draft: string): { value?: ParamValue; error: string | null } {
  if (spec.type !== 'int' && spec.type !== 'float') return { error: null };
  const t = draft.trim();
  const v = t === '' ? NaN : Number(t);
  const error = checkParam(spec, Number.isNaN(v) ? (t as unknown as number) : v);
  return error ? { error } : { value: v, error: null };
}

export function ParamField({ name, spec, value, onCommit }: { name: string; spec: ParamSpec; value: ParamValue; onCommit: (v: ParamValue) => void }) {
  const id = useId();
  const help = `${id}-help`;
  const label = (
    <label htmlFor={id} className="field-label">
      {spec.label}
      <code className="field-key" aria-hidden>
        {name}
      </code>
    </label>
  );
  if (spec.type === 'bool')
    return (
      <div className="field field-bool">
        <input id={id} className={`${FIELD} toggle`} type="checkbox" role="switch" checked={value === true} aria-describedby={help} onChange={(e) => onCommit(e.target.checked)} />
        {label}
        <p id={help} className="field-help">{spec.help}</p>
      </div>
    );
  if (spec.type === 'enum')
    return (
      <div className="field">
        {label}
        <select id={id} className={FIELD} value={String(value)} aria-describedby={help} onChange={(e) => onCommit(e.target.value)}>
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <p id={help} className="field-help">{spec.help}</p>
      </div>
    );
  return <NumberField key={String(value)} id={id} spec={spec} value={value} label={label} onCommit={onCommit} />;
}

function NumberField({ id, spec, value, label, onCommit }: { id: string; spec: ParamSpec; value: ParamValue; label: React.ReactNode; onCommit: (v: ParamValue) => void }) {
  const [draft, setDraft] = useState(String(value));
  const { value: parsed, error } = parseDraft(spec, draft);
  const help = `${id}-help`;
  const err = `${id}-error`;
  const commit = () => {
    if (!error && parsed !== undefined && parsed !== value) onCommit(parsed);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') setDraft(String(value));
  };
  const range = spec.type === 'int' || spec.type === 'float' ? `${spec.min} – ${spec.max}` : '';
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      {label}
      <input
        id={id}
        className={FIELD}
        type="text"
        inputMode={spec.type === 'int' ? 'numeric' : 'decimal'}
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${err} ${help}` : help}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={onKeyDown}
      />
      {error && (
        <p id={err} className="field-error" role="alert">
          {error}
        </p>
      )}
      <p id={help} className="field-help">
        {spec.help} <span className="field-range">Range {range}.</span>
      </p>
    </div>
  );
}
