/** Parameter specs: one description drives defaults, validation, the inspector form and the emitters. */
import type { ParamValue, Params } from '../graph/types.ts';

interface Base {
  label: string;
  help: string;
  /** Only meaningful when this returns true (e.g. vocabSize for token inputs); hidden otherwise. */
  when?: (p: Params) => boolean;
  /** Only meaningful on a layer that ends the model (a loss weight); hidden on any other. */
  outputOnly?: boolean;
}
export interface IntSpec extends Base {
  type: 'int';
  default: number;
  min: number;
  max: number;
}
export interface FloatSpec extends Base {
  type: 'float';
  default: number;
  min: number;
  max: number;
  /** Whether `max` itself is allowed (a dropout rate of 1 is not). */
  maxExclusive?: boolean;
}
export interface BoolSpec extends Base {
  type: 'bool';
  default: boolean;
}
export interface EnumSpec extends Base {
  type: 'enum';
  options: readonly string[];
  default: string;
}
export type ParamSpec = IntSpec | FloatSpec | BoolSpec | EnumSpec;
export type ParamSpecs = Record<string, ParamSpec>;

const MAX_INT = 10_000_000;

export const int = (def: number, label: string, help: string, o: Partial<Pick<IntSpec, 'min' | 'max' | 'when'>> = {}): IntSpec => ({
  type: 'int', default: def, label, help, min: o.min ?? 1, max: o.max ?? MAX_INT, when: o.when,
});
export const float = (def: number, label: string, help: string, min: number, max: number, o: Pick<FloatSpec, 'outputOnly'> = {}): FloatSpec => ({
  type: 'float', default: def, label, help, min, max, ...o,
});
export const rate = (def: number, label: string, help: string): FloatSpec => ({
  type: 'float', default: def, label, help, min: 0, max: 1, maxExclusive: true,
});
export const bool = (def: boolean, label: string, help: string, o: Pick<BoolSpec, 'when'> = {}): BoolSpec => ({
  type: 'bool', default: def, label, help, when: o.when,
});
export const oneOf = (options: readonly string[], def: string, label: string, help: string, o: Pick<EnumSpec, 'when'> = {}): EnumSpec => ({
  type: 'enum', options, default: def, label, help, when: o.when,
});
/** Seed 0 means "derive from the run seed and the node id", so every layer is seeded either way. */
export const seed = (): IntSpec => int(0, 'Seed', 'Initializer/dropout seed. 0 derives one from the run seed, so runs stay reproducible.', { min: 0, max: 2 ** 31 - 1 });

/** Fills in defaults for missing params and drops unknown ones. Never writes to its input. */
export function withDefaults(specs: ParamSpecs, params: Params | undefined): Params {
  const out: Params = {};
  for (const [k, s] of Object.entries(specs)) out[k] = params && Object.hasOwn(params, k) ? params[k] : s.default;
  return out;
}

/** Returns a problem description when `v` is not a valid value for `s`, else null. */
export function checkParam(s: ParamSpec, v: ParamValue | undefined): string | null {
  switch (s.type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `${s.label} must be a whole number (got ${fmt(v)})`;
      if (v < s.min || v > s.max) return `${s.label} must be between ${s.min} and ${s.max} (got ${v})`;
      return null;
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${s.label} must be a number (got ${fmt(v)})`;
      if (v < s.min || v > s.max || (s.maxExclusive && v === s.max))
        return `${s.label} must be in [${s.min}, ${s.max}${s.maxExclusive ? ')' : ']'} (got ${v})`;
      return null;
    case 'bool':
      return typeof v === 'boolean' ? null : `${s.label} must be true or false (got ${fmt(v)})`;
    case 'enum':
      return typeof v === 'string' && s.options.includes(v) ? null : `${s.label} must be one of ${s.options.join(', ')} (got ${fmt(v)})`;
  }
}

function fmt(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}
