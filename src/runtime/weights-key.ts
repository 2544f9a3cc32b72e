/** The IndexedDB key of a graph's trained weights: a hash of what determines the weights' shapes and meaning (layers, params, wiring, task), not of positions or names on the canvas. */
import type { ModelIR } from '../compiler/index.ts';

export function weightsKey(ir: ModelIR, taskId: string): string {
  const text = JSON.stringify([taskId, ir.layers.map((l) => [l.kind, l.params, l.inputs, l.inner?.kind, l.inner?.params])]);
  // FNV-1a, twice with different offsets for 64 bits of key.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ text.charCodeAt(i), 0x5bd1e995);
  }
  return `rnn-studio-weights-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}
