/** The face of one layer on the canvas: kind, name, key params, output shape, parameter count, problem badge. */
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { LAYERS } from '../../layers/index.ts';
import type { FlowNode, LayerNodeData } from './flow.ts';

export function ProblemBadge({ problem }: { problem: NonNullable<LayerNodeData['problem']> }) {
  return (
    <>
      <span className={`node-badge ${problem.severity}`} aria-label={`${problem.severity}: ${problem.message}`} title={`${problem.message}\nFix: ${problem.fix}`}>
        !
      </span>
      <div className="node-problem" role="tooltip">
        <strong>{problem.message}</strong>
        <span>Fix: {problem.fix}</span>
      </div>
    </>
  );
}

export const formatCount = (n: number) => n.toLocaleString('en-US');

/** One labelled handle per port, spread along the node's top (inputs) or bottom (outputs) edge; the first is the default. */
function PortHandles({ ports, type, shapeKind }: { ports: readonly string[]; type: 'source' | 'target'; shapeKind: string }) {
  return ports.map((p, i) => {
    const left = `${((i + 1) / (ports.length + 1)) * 100}%`;
    return (
      <Handle key={p} id={p} type={type} position={type === 'target' ? Position.Top : Position.Bottom} style={{ left }}
        className={type === 'target' ? 'port port-in' : `port port-out shape-${i === 0 ? shapeKind : 'vector'}`} data-testid={`port-${p}`} aria-label={`${type === 'target' ? 'input' : 'output'} ${p}`}>
        <span className={`port-label ${type === 'target' ? 'port-label-in' : 'port-label-out'}`}>{p}</span>
      </Handle>
    );
  });
}

function LayerNodeView({ id, data, selected }: NodeProps<FlowNode>) {
  const spec = LAYERS[data.kind];
  const shapeKind = data.shapeKind ?? 'none';
  // Handles that appear or go with a param (Return state, Initial state inputs) must be measured again, or React Flow
  // can neither draw their edges nor start a connection from them (its docs: "dynamic handles").
  const updateInternals = useUpdateNodeInternals();
  // Only on a change: React Flow measures a node's handles itself when it mounts.
  const portKey = data.ports ? `${data.ports.inputs.join(',')}|${data.ports.outputs.join(',')}` : '';
  const measured = useRef(portKey);
  useEffect(() => {
    if (measured.current === portKey) return;
    measured.current = portKey;
    updateInternals(id);
  }, [id, portKey, updateInternals]);
  return (
    <div
      className={`layer-node cat-${spec.category}${data.problem ? ` has-${data.problem.severity}` : ''}${selected ? ' is-selected' : ''}${data.wrapped ? ' is-wrapped' : ''}`}
      data-kind={data.kind}
    >
      {data.ports ? (
        <PortHandles ports={data.ports.inputs} type="target" shapeKind={shapeKind} />
      ) : (
        spec.arity !== 'none' && !data.wrapped && <Handle type="target" position={Position.Top} className="port port-in" />
      )}
      <div className="node-head">
        <span className="node-kind">{data.kind}</span>
        <span className="node-title">{data.title}</span>
        {data.output && (
          <span className="node-output" data-testid="node-output" title={`Output ${data.output.index} of ${data.output.of}: predict and every export list the outputs in this order`}>
            output {data.output.index}
          </span>
        )}
        {data.problem && <ProblemBadge problem={data.problem} />}
      </div>
      <div className="node-brief">{data.brief}</div>
      <div className="node-foot">
        {data.wrapped ? (
          <span className="node-shape muted">{data.wrapper === 'Bidirectional' ? 'per direction' : 'at every step'}</span>
        ) : (
          <span className={`node-shape shape-${data.shapeKind ?? 'none'}`} data-testid="node-shape">
            {data.shape ?? '—'}
          </span>
        )}
        {data.paramCount !== undefined && <span className="node-params">{formatCount(data.paramCount)} params</span>}
      </div>
      {data.ports ? (
        <PortHandles ports={data.ports.outputs} type="source" shapeKind={shapeKind} />
      ) : (
        !data.wrapped && <Handle type="source" position={Position.Bottom} className={`port port-out shape-${shapeKind}`} />
      )}
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
