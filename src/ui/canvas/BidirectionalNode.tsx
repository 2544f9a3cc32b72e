/**
 * A wrapper as a container (a React Flow sub-flow): the wrapped layer is a child node drawn inside. Under a
 * Bidirectional's, two lanes show the forward and backward copies meeting in the merge; under a TimeDistributed's, a
 * line says it runs at every time step.
 */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { isWrapperKind, wrappedList } from '../../graph/index.ts';
import type { FlowNode } from './flow.ts';
import { formatCount, ProblemBadge } from './LayerNode.tsx';

const MERGE_SYMBOL: Record<string, string> = { concat: '⧺', sum: '+', mul: '×', ave: 'avg' };

function BidirectionalNodeView({ data, selected }: NodeProps<FlowNode>) {
  const merge = data.brief.replace(/^merge /, '');
  const holds = isWrapperKind(data.kind) ? wrappedList(data.kind) : '';
  return (
    <div className={`bidi-node${data.problem ? ` has-${data.problem.severity}` : ''}${selected ? ' is-selected' : ''}`} data-kind={data.kind}>
      <Handle type="target" position={Position.Top} className="port port-in" />
      <div className="node-head bidi-head">
        <span className="node-kind">{data.kind}</span>
        <span className="node-title">{data.title}</span>
        {data.problem && <ProblemBadge problem={data.problem} />}
      </div>
      {!data.innerKind && <div className="bidi-drop">Drop a {holds} here, or select this box and click one in the palette</div>}
      {data.kind !== 'Bidirectional' ? (
        <div className="bidi-lanes td-lane">
          <span className="lane-arrow">⇉</span> the same {data.innerKind ?? 'layer'} at every time step
        </div>
      ) : (
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
      )}
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
