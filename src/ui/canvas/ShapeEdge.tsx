/** A connection labelled with the tensor shape it carries (`[batch, T, 64]`, `h [batch, 64]` from a state port), coloured by tensor kind. */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowEdge } from './flow.ts';

function ShapeEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd }: EdgeProps<FlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const kind = data?.problem ? 'problem' : data?.shapeKind ?? 'none';
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={`shape-edge edge-${kind}${selected ? ' is-selected' : ''}`} />
      <EdgeLabelRenderer>
        <div
          className={`edge-label edge-${kind}${selected ? ' is-selected' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid={`edge-label-${id}`}
          title={data?.problem ?? (data?.masked ? 'carries a padding mask' : undefined)}
        >
          {data?.problem ? '⚠ ' : ''}
          {data?.port && <span className="edge-port">{data.port} </span>}
          {data?.shape ?? '?'}
          {data?.masked && <span className="edge-mask"> · mask</span>}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
