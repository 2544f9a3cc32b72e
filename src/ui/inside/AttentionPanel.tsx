/**
 * Attention weights beside connectivity (P6) for one example of an encoder–decoder with an attention layer: both are
 * decoder step × source step maps, and a sentence computed from both says how often they peak at the same source step.
 */
import { useCallback, useMemo } from 'react';
import * as d3 from 'd3';
import { useShallow } from 'zustand/react/shallow';
import { selectDoc, useStore } from '../../store/index.ts';
import { showConnectivity, useConnect } from '../../store/connectivity.ts';
import { argmaxAgreement, selectActiveProbe, useInside } from '../../store/inside.ts';
import { connectivityColour } from './ColourBar.tsx';
import { Heatmap } from './Heatmap.tsx';
import { Panel } from './Panel.tsx';

const attentionColour = (w: number) => d3.interpolateViridis(w);

/** The sentence comparing the two maps: the argmax agreement over the decoder steps that are not padding. */
export function alignmentSentence(agree: number, of: number): string {
  if (of === 0) return 'No decoder step to compare (all padding).';
  const share = agree / of;
  const verdict = share >= 0.75 ? 'they show the same alignment' : share <= 0.25 ? 'they show different alignments' : 'they agree on part of the alignment';
  return `Argmax agreement: attention and connectivity peak at the same source step for ${agree} of ${of} decoder steps (${Math.round(100 * share)}%), so ${verdict}.`;
}

export function AttentionPanel({ width = 1100, seqLen }: { width?: number; seqLen: number }) {
  const doc = useStore(selectDoc);
  const probe = useInside(selectActiveProbe);
  const example = useInside((s) => s.example);
  const { left, busy } = useConnect(useShallow((s) => ({ left: s.left, busy: s.busy })));
  const a = probe?.attention?.[0];
  const e = probe ? Math.min(example, probe.batch - 1) : 0;
  const [Tq, Tv] = a?.shape ?? [0, 0];
  const scores = useMemo(() => a?.scores.subarray(e * Tq * Tv, (e + 1) * Tq * Tv), [a, e, Tq, Tv]);
  // Decoder steps that are not padding, from the mask of the direction that reads the decoder's input.
  const real = useMemo(() => {
    const dec = probe?.directions.find((d) => d.input !== probe.labelsInput && d.steps === Tq);
    return Array.from({ length: Tq }, (_, i) => !dec?.mask || dec.mask[e * Tq + i] === 1);
  }, [probe, e, Tq]);
  const conn = left && left.example === e && left.connectivity.seqLen === Tv && left.connectivity.rows.length === Tq ? left.connectivity.matrix : null;
  const connMax = useMemo(() => (conn ? Math.max(1e-30, ...conn) : 1), [conn]);
  const attValue = useCallback((c: number, r: number) => scores![r * Tv + c], [scores, Tv]);
  const connValue = useCallback((c: number, r: number) => conn![r * Tv + c], [conn, Tv]);
  const agreement = useMemo(() => (conn && scores ? argmaxAgreement(scores, conn, Tq, Tv, real) : null), [conn, scores, Tq, Tv, real]);
  if (!probe || !a || !scores) return null;
  const inputs = probe.labels[e];
  const outputs = probe.outputLabels?.[e];
  const rowLabel = (r: number) => outputs?.[r] ?? String(r + 1);
  const half = Math.min(480, width / 2 - 12);
  const height = Math.min(320, 40 + Tq * 14) + 14;
  return (
    <Panel testId="panel-attention" title={`Attention and connectivity — ${a.name}, example ${e + 1}`}
      explain={'Left: the attention weights of one example. Each row is a decoder step (the token it is trained to output), each column a source step (the input token); ' +
        'a row sums to 1 and says where the decoder looked while producing that token. Right: connectivity, ‖∂ logit/∂x_t‖ — how much that output’s score moves when source ' +
        'token t moves, whatever the path (the attention, or the states handed from the encoder). When both maps peak at the same source step the attention is the path the ' +
        'output really uses. The sentence counts the decoder steps (padding left out) where the largest weight and the largest connectivity fall on the same source step.'}
      tools={<button type="button" className="btn small" disabled={busy} onClick={() => void showConnectivity(doc, seqLen)}>{busy ? 'Computing…' : 'Show connectivity'}</button>}>
      <div className="chart-row">
        <Heatmap cols={Tv} rows={Tq} value={attValue} normalise={(v) => v} interpolator={attentionColour} width={half} height={height}
          colLabels={inputs} rowLabel={rowLabel} xLabel="source step (input)" yLabel="decoder step (output)" testId="attention-matrix"
          legend={{ ticks: ['0', '1'], label: 'colour bar: attention weight' }} ariaLabel={`Attention weights of example ${e + 1}: rows decoder steps, columns source steps`} />
        {conn && (
          <Heatmap cols={Tv} rows={Tq} value={connValue} normalise={(v) => v / connMax} interpolator={connectivityColour} width={half} height={height}
            colLabels={inputs} rowLabel={rowLabel} xLabel="source step (input)" yLabel="decoder step (output)" testId="attention-connectivity"
            legend={{ ticks: ['0', connMax.toExponential(1)], label: 'colour bar: connectivity' }} ariaLabel={`Connectivity of example ${e + 1}: rows decoder steps, columns source steps`} />
        )}
      </div>
      <p className="inside-caption" data-testid="attention-sentence">
        {agreement ? alignmentSentence(agreement.agree, agreement.of) : 'Press Show connectivity to put connectivity beside the attention weights and compare the two alignments.'}
      </p>
    </Panel>
  );
}
