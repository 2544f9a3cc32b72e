/**
 * Turns the registry's own tfjs builders into source text: each kind's `tfjs(tf, params, ctx)` runs against a
 * recording stand-in for `tf`, and every call it makes (`tf.layers.lstm({...})`, `tf.initializers.orthogonal({...})`,
 * `.apply(x)`) comes back as code. So the exported TF.js module builds exactly what the app builds, and what each
 * kind's arguments are is written once, in its registry file.
 */
import type { TF } from '../layers/index.ts';
import { jsStr } from './escape.ts';

/** A recorded expression: the code that would produce the value. */
class Expr {
  constructor(readonly code: string) {}
}

/** A recorded layer: `tf.layers.x({...})`; `apply` records its call on the given inputs. */
class RecordedLayer extends Expr {
  apply(inputs: Expr | Expr[]): Expr {
    return new Expr(`${this.code}.apply(${Array.isArray(inputs) ? `[${inputs.map((i) => i.code).join(', ')}]` : inputs.code})`);
  }
  /** Builders may wrap `build` (see tidyBuild); nothing is built while recording. */
  build(): void {}
}

/** A JavaScript literal for a recorded argument, objects one key per line. */
function literal(v: unknown, indent: string): string {
  if (v instanceof Expr) return v.code.replace(/\n/g, `\n${indent}`);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return jsStr(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => literal(x, indent)).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  const simple = (x: unknown): boolean => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every(simple));
  if (entries.length <= 3 && entries.every(([, x]) => simple(x))) return `{ ${entries.map(([k, x]) => `${k}: ${literal(x, indent)}`).join(', ')} }`;
  const inner = `${indent}  `;
  return `{\n${entries.map(([k, x]) => `${inner}${k}: ${literal(x, inner)},`).join('\n')}\n${indent}}`;
}

const call = (path: string, args: unknown[]) => `${path}(${args.map((a) => literal(a, '')).join(', ')})`;

/** A stand-in for the tfjs namespace that records `tf.layers.*`, `tf.initializers.*` and `tf.input`. */
export function recordingTf(): TF {
  const namespace = (path: string, make: (code: string) => Expr) =>
    new Proxy({}, { get: (_t, fn) => (...args: unknown[]) => make(call(`${path}.${String(fn)}`, args)) });
  return {
    layers: namespace('tf.layers', (c) => new RecordedLayer(c)),
    initializers: namespace('tf.initializers', (c) => new Expr(c)),
    input: (args: unknown) => new Expr(call('tf.input', [args])),
  } as unknown as TF;
}

/** A variable of the generated module, usable as a builder input. */
export const variable = (name: string): Expr => new Expr(name);

/** The code of a value a builder returned. */
export function codeOf(v: unknown): string {
  if (!(v instanceof Expr)) throw new Error('the builder returned something the recorder did not make');
  return v.code;
}
