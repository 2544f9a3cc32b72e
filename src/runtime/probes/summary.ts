/** The probe summary the CLI prints (`rnn-studio probe --json`) and the recorder keeps, from typed probe arrays. */
import type { JacobianResult, ProbeResult } from './probe.ts';
import { gateMeanPerStep, medianPerStep, retentionPerStep } from './stats.ts';

export interface LayerSummary {
  name: string;
  kind: string;
  direction: 'forward' | 'backward';
  /** Median over the batch of the per-example ‖∂ℓ/∂h_t‖, t = 1..T in the order the direction reads. */
  gradNorm: (number | null)[];
  /** Per gate or state, its mean over real examples and units at each step. */
  gateMeans: Record<string, (number | null)[]>;
  /** LSTM: mean Π_{k>t} f_k; GRU: mean Π_{k>t} z_k; SimpleRNN (no gate): ‖∂h_T/∂h_t‖_F/√H of the first example. */
  retention: (number | null)[];
}

export interface ProbeSummary {
  seqLen: number;
  layers: LayerSummary[];
}

/**
 * @param jacobians per direction index, the exact Jacobian of the first example (needed for SimpleRNN retention)
 */
export function summarizeProbe(r: ProbeResult, jacobians: Map<number, JacobianResult> = new Map()): ProbeSummary {
  const { seqLen, batch: B } = r;
  return {
    seqLen,
    layers: r.directions.map((d, k) => {
      const T = d.steps;
      const gateMeans = Object.fromEntries(Object.entries(d.gates).map(([g, v]) => [g, gateMeanPerStep(v, d.mask, T, B, d.units)]));
      const gate = d.kind === 'LSTM' ? d.gates.f : d.kind === 'GRU' ? d.gates.z : undefined;
      const jac = jacobians.get(k);
      const retention = gate ? retentionPerStep(gate, d.mask, T, B, d.units) : jac ? Array.from(jac.frobenius) : new Array<null>(T).fill(null);
      return { name: d.name, kind: d.kind, direction: d.direction, gradNorm: medianPerStep(d.dh, d.mask, T, B), gateMeans, retention };
    }),
  };
}
