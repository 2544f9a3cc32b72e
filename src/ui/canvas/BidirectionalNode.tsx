/**
 * Bidirectional as a container (a React Flow sub-flow): the wrapped recurrent layer is a child node drawn inside.
 * Under it, two lanes show the forward and backward copies meeting in the merge.
 */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowNode } from './flow.ts';
import { formatCount, ProblemBadge } from './LayerNode.tsx';

const MERGE_SYMBOL: Record<string, string> = { concat: '⧺', sum: '+', mul: '×', ave: 'avg' };

function BidirectionalNodeView({ data, selected }: NodeProps<FlowNode>) {
  const merge = data.brief.replace(/^merge /, '');
  return (
    <div className={`bidi-node${data.problem ? ` has-${data.problem.severity}` : ''}${selected ? ' is-selected' : ''}`} data-kind="Bidirectional">
      <Handle type="target" position={Position.Top} className="port port-in" />
      <div className="node-head bidi-head">
        <span className="node-kind">Bidirectional</span>
        <span className="node-title">{data.title}</span>
        {data.problem && <ProblemBadge problem={data.problem} />}
      </div>
      {!data.innerKind && <div className="bidi-drop">Drop a SimpleRNN, LSTM or GRU here, or select this box and click one in the palette</div>}
      <div className="bidi-lanes" aria-label={`forward and backward ${data.innerKind ?? 'layer'}, merged by ${merge}`}>
        <div className="lane lane-fwd">
          <span className="lane-arrow">→</span> forward
        </div>
        <div className="lane lane-bwd">
          <span className="lane-arrow">←</span> backward
        </div>
        <div className="bidi-merge" title={`merge mode: ${merge}`}>
          <span className="merge-symbol">{MERGE_SYMBOL[merge] ?? merge}</span>
          <span className="merge-mode" data-testid="merge-mode">{merge}</span>
        </div>
      </div>
      <div className="node-foot bidi-foot">
        <span className={`node-shape shape-${data.shapeKind ?? 'none'}`} data-testid="node-shape">
          {data.shape ?? '—'}
        </span>
        {data.paramCount !== undefined && <span className="node-params">{formatCount(data.paramCount)} params</span>}
      </div>
      <Handle type="source" position={Position.Bottom} className={`port port-out shape-${data.shapeKind ?? 'none'}`} />
    </div>
  );
}

export const BidirectionalNode = memo(BidirectionalNodeView);
