/** Layer names and seeds, derived deterministically from the document. */
import type { GraphNode } from '../graph/types.ts';

/** `SimpleRNN` → `simple_rnn`, `GlobalAveragePooling1D` → `global_average_pooling1d` (Keras's naming). */
export function snakeKind(kind: string): string {
  return kind.replace(/RNN/g, 'Rnn').replace(/LSTM/g, 'Lstm').replace(/GRU/g, 'Gru').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/(\d)_d$/, '$1d');
}

/** Turns whatever the user typed into `[A-Za-z_][A-Za-z0-9_]*`; returns '' when nothing usable is left. */
export function safeName(raw: string): string {
  // NFKD splits "ü" into "u" + a combining mark; dropping the marks keeps accented Latin names readable.
  const s = raw.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 48);
  return s === '' ? '' : /^[0-9]/.test(s) ? `l_${s}` : s;
}

/** Unique safe names for every node: the user's name when usable, else the snake-cased kind (`lstm`, `lstm_1`, …). */
export function layerNames(nodes: GraphNode[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const n of nodes) {
    const base = safeName(n.data.name ?? '') || snakeKind(n.data.kind);
    let name = base;
    for (let k = 1; used.has(name.toLowerCase()); k++) name = `${base}_${k}`;
    used.add(name.toLowerCase());
    out.set(n.id, name);
  }
  return out;
}

/**
 * A positive 31-bit seed from the run seed and a node id (FNV-1a), so every layer is seeded and runs repeat.
 * The run seed is hashed as at least two digits: with one digit s, `s ^ charCode(s) = 48` for every s in 0…9, so
 * run seeds 0–9 all derived the same layer seeds. Seeds ≥ 10 hash exactly as before, so recorded runs still repeat.
 */
export function deriveSeed(runSeed: number, id: string): number {
  let h = 0x811c9dc5 ^ runSeed;
  for (const ch of `${String(runSeed).padStart(2, '0')}:${id}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % 2147483646) + 1;
}
