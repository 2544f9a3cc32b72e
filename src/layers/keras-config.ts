/**
 * Reading a Keras / TF.js layer config into a kind's params: the helpers every registry entry's `keras.read` uses.
 * A config is untrusted data; anything a kind cannot reproduce exactly is refused by name with one line.
 */
import type { LayerKind, Params } from '../graph/types.ts';

export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The one-line reason a model cannot be imported; the importers catch it and return its message. */
export class Refusal extends Error {}
export function refuse(msg: string): never {
  throw new Refusal(msg);
}

export type KerasFormat = 'tfjs' | 'keras2' | 'keras3';

/** What a kind's config reader knows besides the config. */
export interface KerasReadCtx {
  /** The layer's name in the file and its Keras class, for messages. */
  layer: string;
  className: string;
  format: KerasFormat;
  warn(line: string): void;
  /** The layers that take this one's output (an Input reads its vocabulary from the Embedding it feeds). */
  consumers: { name: string; className: string; config: Json }[];
}

/** What a config reader returns: the params, and for a wrapper the layer it holds (read by that layer's own kind). */
export interface KerasRead {
  params: Params;
  inner?: { name: string; kind: LayerKind; className: string; config: Json };
}

export const num = (c: Json, k: string, layer: string, def?: number): number =>
  typeof c[k] === 'number' ? (c[k] as number) : c[k] == null && def !== undefined ? def : refuse(`Layer ${layer}: ${k} must be a number.`);
export const flag = (c: Json, k: string, def: boolean): boolean => (typeof c[k] === 'boolean' ? (c[k] as boolean) : def);

/** An option that must have one value (e.g. stateful=false); anything else is refused with its name. */
export function mustBe(c: Json, cx: KerasReadCtx, k: string, allowed: unknown[], why = ''): void {
  if (!(k in c) || c[k] === null && allowed.includes(false)) return;
  if (!allowed.includes(c[k])) refuse(`Layer ${cx.layer} (${cx.className}) has ${k}=${JSON.stringify(c[k])}, which RNN Studio does not support${why ? `: ${why}` : ''}.`);
}

/** A built-in activation by name (Keras 3 may wrap it as `{class_name: "function", config: name}`). */
export function activation(c: Json, k: string, cx: KerasReadCtx, allowed: readonly string[]): string {
  const v = c[k] ?? 'linear';
  const name = isObj(v) && typeof v.class_name === 'string' && v.class_name === 'function' ? v.config : v;
  if (typeof name !== 'string') return refuse(`Layer ${cx.layer} (${cx.className}) has a custom ${k}; only built-in activations are supported.`);
  if (!allowed.includes(name)) refuse(`Layer ${cx.layer} (${cx.className}) has ${k}=${JSON.stringify(name)}; supported: ${allowed.join(', ')}.`);
  return name;
}

/** A Map, so a class name such as `constructor` finds nothing rather than Object's prototype. */
const INITIALIZERS = new Map(Object.entries({
  GlorotUniform: 'glorotUniform', glorot_uniform: 'glorotUniform', GlorotNormal: 'glorotNormal', glorot_normal: 'glorotNormal',
  HeUniform: 'heUniform', he_uniform: 'heUniform', HeNormal: 'heNormal', he_normal: 'heNormal',
  Orthogonal: 'orthogonal', OrthogonalInitializer: 'orthogonal', orthogonal: 'orthogonal', Identity: 'identity', identity: 'identity', Zeros: 'zeros', zeros: 'zeros',
}));

/**
 * Initializers only matter for fresh training; unknown ones, and known ones the param does not offer (`offered`, its
 * options: identity only fits a square recurrent kernel), fall back to the Keras default with a warning.
 */
export function initializer(c: Json, k: string, fallback: string, cx: KerasReadCtx, offered: readonly string[]): string {
  const v = c[k];
  if (v == null) return fallback;
  const cls = isObj(v) ? String(v.class_name) : String(v);
  const cfg = isObj(v) && isObj(v.config) ? v.config : {};
  let known = INITIALIZERS.get(cls);
  if (cls === 'VarianceScaling') {
    const mode = cfg.mode, dist = String(cfg.distribution ?? ''), scale = cfg.scale;
    if (mode === 'fan_avg' && scale === 1) known = dist === 'uniform' ? 'glorotUniform' : 'glorotNormal';
    if (mode === 'fan_in' && scale === 2) known = dist === 'uniform' ? 'heUniform' : 'heNormal';
  }
  if (known && offered.includes(known)) return known;
  cx.warn(known
    ? `Layer ${cx.layer}: ${k} ${known} is not one RNN Studio offers for a ${k.replace(/(kernel_)?initializer$/, 'kernel').replace('_', ' ')}; using ${fallback} (it only affects fresh training).`
    : `Layer ${cx.layer}: ${k} ${cls} has no RNN Studio equivalent; using ${fallback} (it only affects fresh training).`);
  return fallback;
}

/** Options that are read but not kept (regularizers, constraints), one warning each. */
export function notKept(c: Json, keys: string[], cx: KerasReadCtx): void {
  for (const k of keys) if (c[k] != null) cx.warn(`Layer ${cx.layer}: ${k} is not kept.`);
}
